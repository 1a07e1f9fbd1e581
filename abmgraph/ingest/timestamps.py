"""Dates and datetimes as UTC timestamps: ISO-8601 and the local forms of ``dates``.

The common ISO-8601 forms are cast by Arrow block by block; what Arrow cannot
read goes to pandas once per distinct value, with local dates (``2/23/2026``,
``23.02.2026``) read in the file's day/month order (``dates.DateOrder``).
Instants outside the range a timestamp holds are invalid and reported apart.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.ingest.dates import DateOrder, parse_local_dates, within_range
from abmgraph.ingest.distinct import (
    UTC_DTYPE,
    Parsed,
    arrow_strings,
    numpy_bool,
    parse_distinct,
)

__all__ = [
    "parse_datetime",
    "parse_datetime_detail",
]

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
    left = numpy_bool(pc.greater(pc.binary_length(text), 0))
    _cast_matching(text, np.arange(len(text)), values, left)
    if left.any():
        rows = np.flatnonzero(left)
        rest = pc.replace_substring_regex(text.take(pa.array(rows)), _ZONE_NAME, "Z")
        _cast_matching(rest, rows, values, left)
    return values, left


def _cast_matching(text: pa.Array, rows: np.ndarray, values: np.ndarray, left: np.ndarray) -> None:
    """Cast the strings of ``text`` (at block positions ``rows``) in a form Arrow reads."""
    for pattern, target in ((_ZONED_ISO, _UTC_ARROW), (_NAIVE_ISO, _NAIVE_ARROW)):
        match = numpy_bool(pc.match_substring_regex(text, pattern))
        if match.any():
            cast = _cast(text.filter(pa.array(match)), target)
            if cast is not None:  # else a date such as 30 February: pandas reports it
                values[rows[match]] = cast
                left[rows[match]] = False


def _pandas_timestamps(
    text: pd.Series, order: DateOrder | None = None
) -> tuple[pd.Series, pd.Series]:
    """ISO-8601 by pandas' parser, then the local forms of :mod:`dates`; words are not dates."""
    arrow = pc.replace_substring_regex(arrow_strings(text), _ZONE_NAME, "Z")
    # pandas reads "now" and "today" as the current instant: only digits start a date.
    digits = pc.match_substring_regex(arrow, r"^\d")
    arrow = pc.if_else(digits, arrow, pa.scalar(None, arrow.type))
    parsed = pd.to_datetime(
        pd.array(arrow, dtype="str"), format="ISO8601", utc=True, errors="coerce"
    )
    values = pd.Series(parsed, index=text.index).astype(UTC_DTYPE)
    failed = values.isna().to_numpy() & numpy_bool(digits)
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
        values = pd.to_datetime(s, utc=True).astype(UTC_DTYPE)
        outside = ~within_range(values)
        return values.mask(outside), pd.Series(outside, index=s.index, name=s.name), outside

    # Timestamps are often nearly all distinct, so factorising does not pay:
    # Arrow's C++ cast reads the common forms block by block, ten times faster,
    # and only rows it cannot read go to pandas' ISO-8601 parser.
    strings = arrow_strings(s)
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
        slow_values, slow_invalid = parse_distinct(
            s.iloc[rows], lambda text: _pandas_timestamps(text, order), UTC_DTYPE
        )
        stamps[rows] = slow_values.dt.tz_localize(None).to_numpy()
        invalid[rows] = slow_invalid.to_numpy()
    outside = ~within_range(stamps)
    if outside.any():
        stamps[outside] = np.datetime64("NaT")
        invalid |= outside
    values = pd.Series(stamps, index=s.index, name=s.name).dt.tz_localize("UTC")
    return values, pd.Series(invalid, index=s.index, name=s.name), outside
