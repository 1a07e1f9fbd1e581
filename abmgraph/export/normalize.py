"""Normalising identifiers the way each ad platform does before it hashes them.

A SHA-256 over an email that differs from the platform's own normal form by
one capital letter or one dot matches nobody, silently. Each function here
takes a whole column and returns a column of ``str`` values, missing where
nothing usable is left; nothing loops over rows except hashing and phone
parsing, which run once per distinct value.

Examples
--------
>>> import pandas as pd
>>> google_email(pd.Series([" Jane.Doe+ads@GoogleMail.com ", "J.Doe@Example.com"])).tolist()
['janedoe@googlemail.com', 'j.doe@example.com']
>>> sha256_hex(pd.Series(["test@gmail.com"])).str[:16].tolist()
['87924606b4131a8a']
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "clean_text",
    "email",
    "google_email",
    "google_zip",
    "meta_letters",
    "meta_phone",
    "meta_state",
    "meta_zip",
    "person_name",
    "phone_e164",
    "sha256_hex",
    "truncate",
]

# Honorifics and generational suffixes Google asks to leave out of hashed names.
_PREFIX = r"^(mr|mrs|ms|miss|mx|dr|prof|sir|madam)\.?\s+"
_SUFFIX = r",?\s+(jr|sr|ii|iii|iv|phd|md|esq|dds|cpa)\.?$"
_E164 = r"^\+[1-9][0-9]{6,14}$"


_TEXT = pa.large_string()
_MISSING = pa.scalar(None, _TEXT)


def _arrow(values: pd.Series) -> pa.Array:
    array = pa.array(values.astype("str").array)
    array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    return array.cast(_TEXT)


def _series(array: Any, like: pd.Series) -> pd.Series:
    """Back to a pandas ``str`` column; empty strings become missing."""
    array = pc.if_else(pc.equal(array, ""), _MISSING, array)
    return pd.Series(pd.arrays.ArrowExtensionArray(array), index=like.index).astype("str")


def clean_text(values: pd.Series) -> pd.Series:
    """Runs of whitespace (line breaks included) become one space; ends trimmed."""
    text = pc.replace_substring_regex(_arrow(values), r"\s+", " ")
    return _series(pc.utf8_trim_whitespace(text), values)


def truncate(values: pd.Series, length: int) -> tuple[pd.Series, int]:
    """Values cut to ``length`` characters (trailing space trimmed), and how many were cut."""
    array = _arrow(values)
    long = pc.fill_null(pc.greater(pc.utf8_length(array), length), False)
    cut = pc.utf8_trim_whitespace(pc.utf8_slice_codeunits(array, 0, length))
    return _series(pc.if_else(long, cut, array), values), int(pc.sum(long).as_py() or 0)


def email(values: pd.Series) -> pd.Series:
    """Lower case with every whitespace character removed (all platforms)."""
    text = pc.replace_substring_regex(pc.utf8_lower(_arrow(values)), r"\s+", "")
    return _series(text, values)


def google_email(values: pd.Series) -> pd.Series:
    """:func:`email`, and for gmail.com and googlemail.com the local part without dots or ``+tag``.

    Gmail ignores both, so the Google account behind ``Jane.Doe+ads@gmail.com``
    is ``janedoe@gmail.com``; Google's published normalisation removes the dots
    and a hash that kept the tag could never match.
    """
    plain = email(values)
    text = _arrow(plain)
    gmail = pc.or_(pc.ends_with(text, "@gmail.com"), pc.ends_with(text, "@googlemail.com"))
    gmail = pc.fill_null(gmail, False).to_numpy(zero_copy_only=False)
    if not gmail.any():
        return plain
    # Only the Gmail addresses are rewritten; everything else is already in its normal form.
    mail = text.filter(pa.array(gmail))
    local = pc.replace_substring_regex(mail, r"@.*$", "")
    local = pc.replace_substring(pc.replace_substring_regex(local, r"\+.*$", ""), ".", "")
    domain = pc.replace_substring_regex(mail, r"^[^@]*@", "")
    canonical = pc.if_else(
        pc.equal(local, ""),
        _MISSING,
        pc.binary_join_element_wise(local, domain, pa.scalar("@", _TEXT)),
    )
    out = plain.copy()
    out[gmail] = _series(canonical, plain[gmail]).to_numpy()
    return out


def person_name(values: pd.Series) -> pd.Series:
    """Lower case, single spaces, no honorific prefix (``Dr.``) or suffix (``Jr.``); accents kept.

    Google's form for hashed first and last names; Meta's starts from it too,
    since a title in a name field matches nobody on either platform.
    """
    text = pc.utf8_lower(_arrow(clean_text(values)))
    text = pc.replace_substring_regex(text, _PREFIX, "")
    text = pc.replace_substring_regex(text, _SUFFIX, "")
    return _series(pc.utf8_trim_whitespace(text), values)


def meta_letters(values: pd.Series) -> pd.Series:
    """Lower case letters only: no spaces, digits or punctuation; accented letters kept (Meta)."""
    text = pc.replace_substring_regex(pc.utf8_lower(_arrow(values)), r"[^\p{L}]+", "")
    return _series(text, values)


def _us(countries: pd.Series) -> Any:
    return pc.fill_null(pc.equal(_arrow(countries), "US"), False)


def google_zip(values: pd.Series, countries: pd.Series) -> pd.Series:
    """Trimmed; US codes as their first five digits (Google takes 5 or 5+4; 5 always matches)."""
    text = pc.utf8_trim_whitespace(_arrow(clean_text(values)))
    us = pc.replace_substring_regex(text, r"^([0-9]{5})[- ]?[0-9]{4}$", r"\1")
    return _series(pc.if_else(_us(countries), us, text), values)


# A UK postcode: outward code (area and district), then the sector digit and the unit.
_UK_POSTCODE = r"^([a-z]{1,2}[0-9][a-z0-9]?)([0-9])[a-z]{2}$"


def meta_zip(values: pd.Series, countries: pd.Series) -> pd.Series:
    """Lower case without spaces or dashes; US codes as their first five digits, UK
    postcodes as area, district and sector (Meta's normalisation rules).

    >>> meta_zip(pd.Series(["SW1A 1AA", "94105-1234", "75008", "EC1A-1BB"]),
    ...          pd.Series(["GB", "US", "FR", "GB"])).tolist()
    ['sw1a1', '94105', '75008', 'ec1a1']
    """
    lower = pc.replace_substring_regex(pc.utf8_lower(_arrow(values)), r"\s+", "")
    us = pc.utf8_slice_codeunits(pc.replace_substring_regex(lower, r"-.*$", ""), 0, 5)
    text = pc.replace_substring(lower, "-", "")
    uk = pc.replace_substring_regex(text, _UK_POSTCODE, r"\1\2")
    is_uk = pc.fill_null(pc.equal(_arrow(countries), "GB"), False)
    return _series(pc.if_else(_us(countries), us, pc.if_else(is_uk, uk, text)), values)


@cache
def _us_states() -> dict[str, str]:
    """US state, district and territory names (lower case) → their two-letter codes."""
    import pycountry

    return {
        sub.name.lower(): sub.code.split("-")[1].lower()
        for sub in pycountry.subdivisions.get(country_code="US")
    }


def meta_state(values: pd.Series, countries: pd.Series) -> pd.Series:
    """States as Meta wants them: US ones as the two-letter code in lower case
    (``California`` → ``ca``), others in lower-case letters only.

    >>> meta_state(pd.Series(["California", "NY", "District of Columbia", "Île-de-France"]),
    ...            pd.Series(["US", "US", "US", "FR"])).tolist()
    ['ca', 'ny', 'dc', 'îledefrance']
    """
    lower = pc.utf8_lower(pc.utf8_trim_whitespace(_arrow(values)))
    names = _us_states()
    known = pa.array(list(names), _TEXT)
    at = pc.index_in(lower, value_set=known)
    coded = pc.take(pa.array(list(names.values()), _TEXT), at)
    letters = pc.replace_substring_regex(lower, r"[^\p{L}]+", "")
    us = pc.coalesce(coded, letters)
    return _series(pc.if_else(_us(countries), us, letters), values)


def phone_e164(phones: pd.Series, countries: pd.Series) -> pd.Series:
    """Phone numbers in E.164 (``+14155550100``); missing where a number does not parse.

    The store keeps numbers in E.164 when they parsed at ingest, and those
    pass through; the rest go through ``phonenumbers`` once per distinct
    (number, country) pair, read in the contact's country.
    """
    text = _arrow(phones)
    ready = pc.fill_null(pc.match_substring_regex(text, _E164), False).to_numpy(
        zero_copy_only=False
    )
    out = _series(text, phones)
    rest = ~ready & out.notna().to_numpy()
    if rest.any():
        # phonenumbers' metadata takes a while to load; most stores never need it here.
        from abmgraph.ingest.phones import normalize_phone

        parsed, _ = normalize_phone(out[rest], countries[rest])
        out[rest] = parsed
    return out


def meta_phone(e164: pd.Series) -> pd.Series:
    """Digits only, country code first, no ``+`` and no leading zeros (Meta)."""
    return _series(pc.replace_substring_regex(_arrow(e164), r"^\+?0*", ""), e164)


def sha256_hex(values: pd.Series) -> pd.Series:
    """Lower-case hex SHA-256 of each value's UTF-8 bytes; missing stays missing.

    ``hashlib`` offers no vectorised form, so each distinct value is hashed once.
    """
    codes, uniques = values.astype("str").array.factorize()
    texts = uniques.to_numpy(dtype=object)
    digests = pa.array(
        [hashlib.sha256(value.encode("utf-8")).hexdigest() for value in texts], _TEXT
    )
    hashed = digests.take(pa.array(codes, mask=codes < 0))
    return pd.Series(pd.arrays.ArrowExtensionArray(hashed), index=values.index).astype("str")
