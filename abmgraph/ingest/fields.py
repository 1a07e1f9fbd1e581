"""Parsing one input column into its stored values, per the parser its field names.

``FieldParser.parse(spec, series)`` returns (parsed values, invalid mask,
reason per invalid row); the reasons are indexed by row position (``quoted``)
and say what was given and what is accepted. The helpers here (``clean_text``,
``quoted``, ``blank`` …) are shared by the rest of validation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.graph.sales_vocab import ACTIVITY_ALIASES, ACTIVITY_TYPES, VERDICT_ALIASES, VERDICTS
from abmgraph.graph.schema import FieldSpec
from abmgraph.graph.vocab import BUYING_ROLES, DEPARTMENTS, SENIORITIES
from abmgraph.ingest import countries, dates, emails, scalars, timestamps, vocabularies
from abmgraph.ingest.buying_roles import canonical_buying_roles
from abmgraph.ingest.readers import as_text

__all__ = [
    "EMAIL_STATUSES",
    "FieldParser",
    "as_dtype",
    "as_mask",
    "blank",
    "clean_text",
    "na_series",
    "positional",
    "quoted",
]

EMAIL_STATUSES = ("valid", "bounced", "unknown", "invalid")


def clean_text(series: pd.Series) -> pd.Series:
    """Trimmed text; empty strings become missing. Clean columns come back as they are."""
    if series.dtype != "str":
        series = as_text(series)
    original = pa.array(series.array)
    trimmed = pc.utf8_trim_whitespace(original)
    lengths = pc.binary_length(trimmed)
    empty = pc.equal(lengths, 0)
    has_empty = pc.any(empty).as_py()
    was_trimmed = pc.any(pc.not_equal(lengths, pc.binary_length(original))).as_py()
    if not has_empty and not was_trimmed:
        return series  # the common case: nothing to trim, no regex over the column
    if was_trimmed:
        # Whitespace before a formula character (`=`, `+`, `-`, `@`) disarms it in a
        # spreadsheet: such a value keeps its leading whitespace, as it was given.
        armed = pc.and_(
            pc.fill_null(pc.match_substring_regex(trimmed, r"^[=+\-@]"), False),
            pc.fill_null(pc.match_substring_regex(original, r"^\s"), False),
        )
        if pc.any(armed).as_py():
            trimmed = pc.if_else(armed, pc.utf8_rtrim_whitespace(original), trimmed)
    if has_empty:
        trimmed = pc.if_else(empty, pa.scalar(None, trimmed.type), trimmed)
    return pd.Series(trimmed.to_pandas(), index=series.index, dtype="str")


def as_mask(invalid: pd.Series | np.ndarray) -> np.ndarray:
    """A boolean numpy mask (a parser's ``invalid`` Series loses its index)."""
    return np.asarray(invalid, dtype=bool)


def quoted(
    series: pd.Series, invalid: pd.Series | np.ndarray, prefix: str, suffix: str = ""
) -> pd.Series:
    """``prefix + repr(value) + suffix`` for the invalid rows, indexed by row position."""
    rows = np.flatnonzero(as_mask(invalid))
    if not len(rows):
        return pd.Series([], dtype="str")
    shown = as_text(series.iloc[rows]).str.strip().map(repr)
    return pd.Series((prefix + shown + suffix).to_numpy(), index=rows, dtype="str")


def positional(series: pd.Series) -> pd.Series:
    """``series`` indexed by row position within the chunk."""
    return series.reset_index(drop=True)


def na_series(n: int, dtype: str) -> pd.Series:
    """``n`` missing values of ``dtype`` (a column the input lacks)."""
    if dtype == "str":
        return pd.Series(pa.nulls(n, pa.large_string()).to_pandas(), index=pd.RangeIndex(n))
    return pd.Series(index=pd.RangeIndex(n), dtype=dtype)


def as_dtype(series: pd.Series, dtype: str) -> pd.Series:
    """``series`` in the stored ``dtype``, without a copy when it already is."""
    if str(series.dtype) == dtype or (dtype == "str" and series.dtype == "str"):
        return series
    return series.astype(dtype)


def _type_key(value: str) -> str:
    return "".join(ch for ch in value.lower() if ch.isalnum())


def blank(values: pd.Series, bad: np.ndarray) -> pd.Series:
    """``values`` with the rows in ``bad`` missing (dtype kept)."""
    return values.mask(bad) if bad.any() else values


_DATE_FORMS = (
    " (accepted: ISO-8601 such as 2026-02-23 or 2026-02-23T16:14:25+0000, "
    "2/23/2026, 2/23/26 9:15, 23.02.2026, 23/02/2026)"
)
_DATE_RANGE = "1678-01-01 to 2261-12-31"
# Counts that cannot be below zero.
_NOT_NEGATIVE = frozenset({"employees"})

_VOCABS = {
    "seniority": ("seniority", SENIORITIES),
    "department": ("department", DEPARTMENTS),
    "buying_role": ("buying role", BUYING_ROLES),
}

_SALES_VOCABS = {
    "verdict": ("verdict", VERDICTS, VERDICT_ALIASES),
    "activity_type": ("activity type", ACTIVITY_TYPES, ACTIVITY_ALIASES),
}


class FieldParser:
    """Parses the columns of one file: its dates in their day/month order, its engagement types."""

    def __init__(self, date_order: dates.DateOrder, engagement_types: tuple[str, ...]) -> None:
        self.date_order = date_order
        self.engagement_types = engagement_types
        self._types = {_type_key(t): t for t in engagement_types}

    def parse(
        self, spec: FieldSpec, series: pd.Series
    ) -> tuple[pd.Series, np.ndarray, pd.Series | str]:
        """(parsed values, invalid mask, reason per invalid row) for one column."""
        parser, name = spec.parser, spec.name
        none = np.zeros(len(series), dtype=bool)
        if parser in ("id", "text", "phone"):
            return clean_text(series), none, ""
        if parser == "list":
            return vocabularies.split_list(clean_text(series)), none, ""
        if parser == "int":
            out, bad = scalars.parse_int(series)
            bad = as_mask(bad)
            reason: pd.Series | str = quoted(series, bad, "not a whole number: ")
            if name in _NOT_NEGATIVE:
                negative = (out < 0).fillna(False).to_numpy(dtype=bool) & ~bad
                if negative.any():
                    out = out.mask(negative)
                    what = quoted(series, negative, f"{name} ", " is negative")
                    return out, bad | negative, pd.concat([reason, what])
            return out, bad, reason
        if parser in ("number", "score"):
            out, bad = scalars.parse_number(series)
            bad = as_mask(bad)
            if parser == "score":
                outside = (out.notna() & ~out.between(0, 100)).to_numpy()
                reason = pd.concat(
                    [
                        quoted(series, bad, "not a number: "),
                        quoted(series, outside, f"{name} ", " is outside 0–100"),
                    ]
                )
                return out, bad | outside, reason
            return out, bad, quoted(series, bad, "not a number: ")
        if parser == "bool":
            out, bad = scalars.parse_bool(series)
            return out, as_mask(bad), quoted(series, bad, "not true/false/yes/no/1/0: ")
        if parser == "datetime":
            return self._datetime(series)
        if parser == "email":
            out, bad = emails.normalize_email(series)
            return out, as_mask(bad), quoted(series, bad, "not an email address: ")
        if parser == "domain":
            out, bad = emails.registrable_domain(series)
            return out, as_mask(bad), quoted(series, bad, "not a web domain: ")
        if parser == "country":
            out, bad = countries.country_iso2(series)
            return (
                out,
                as_mask(bad),
                quoted(
                    series,
                    bad,
                    "unknown country ",
                    "; use an ISO-3166 alpha-2 code or a country name",
                ),
            )
        if parser in _VOCABS:
            function = {
                "seniority": vocabularies.canonical_seniority,
                "department": vocabularies.canonical_department,
                "buying_role": vocabularies.canonical_buying_role,
            }[parser]
            label, vocab = _VOCABS[parser]
            out, bad = function(series)
            return (
                out,
                as_mask(bad),
                quoted(series, bad, f"unknown {label} ", f"; accepted: {', '.join(vocab)}"),
            )
        if parser in _SALES_VOCABS:
            label, vocab, aliases = _SALES_VOCABS[parser]
            out, bad = vocabularies.canonical_vocab(series, vocab, aliases)
            accepted = f"; accepted: {', '.join(vocab)}"
            return out, as_mask(bad), quoted(series, bad, f"unknown {label} ", accepted)
        if parser == "buying_roles":
            return canonical_buying_roles(series)
        if parser == "engagement_type":
            return self._engagement_type(series)
        if parser == "email_status":
            text = clean_text(series)
            folded = text.str.lower()
            bad = (text.notna() & ~folded.isin(EMAIL_STATUSES)).to_numpy()
            out = folded.where(~bad).astype("str")
            return (
                out,
                bad,
                quoted(
                    series, bad, "unknown email_status ", f"; accepted: {', '.join(EMAIL_STATUSES)}"
                ),
            )
        raise AssertionError(f"no parser for {parser!r}")

    def _datetime(self, series: pd.Series) -> tuple[pd.Series, np.ndarray, pd.Series | str]:
        """Dates in the forms of ``timestamps.parse_datetime``, in the file's day/month order."""
        out, bad, outside = timestamps.parse_datetime_detail(series, self.date_order)
        bad = as_mask(bad)
        if not bad.any():
            return out, bad, ""
        unreadable = bad & ~outside
        order = self.date_order.describe()
        local = np.zeros(len(series), dtype=bool)
        if order is not None and unreadable.any():
            rows = np.flatnonzero(unreadable)
            text = as_text(series.iloc[rows]).str.strip()
            local[rows] = text.str.fullmatch(dates.LOCAL_DATE).fillna(False).to_numpy(dtype=bool)
        reason = pd.concat(
            [
                quoted(series, unreadable & ~local, "not a date: ", _DATE_FORMS),
                quoted(series, local, "not a date in this file's order, ", f": {order}"),
                quoted(series, outside, "date ", f" is outside the range accepted, {_DATE_RANGE}"),
            ]
        )
        return out, bad, reason

    def _engagement_type(self, series: pd.Series) -> tuple[pd.Series, np.ndarray, pd.Series]:
        """Engagement types, folded (``Page View`` → ``page_view``), checked once per distinct value."""
        text = clean_text(series)
        array = pa.array(text.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        canonical = pa.array(self.engagement_types, type=array.type)
        if pc.all(pc.is_in(array, value_set=canonical)).as_py() is not False:
            return text, np.zeros(len(text), dtype=bool), ""  # all canonical already
        encoded = array.dictionary_encode()
        given = encoded.dictionary.to_pylist()
        names = [self._types.get(_type_key(v)) for v in given]
        if names == given:
            out = text  # already canonical: no need to rebuild the column
        else:
            table = pa.array(names, type=pa.large_string())
            out = pd.Series(table.take(encoded.indices).to_pandas(), index=series.index)
            out = out.astype("str")
        bad = (text.notna() & out.isna()).to_numpy()
        known = ", ".join(self.engagement_types)
        return out, bad, quoted(series, bad, "unknown engagement type ", f"; known: {known}")
