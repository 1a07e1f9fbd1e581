"""Dates as CRMs and spreadsheets write them, and the day/month order of a file.

ISO-8601 is read by ``timestamps.parse_datetime``; this module reads the
local forms it hands over: ``M/D/YYYY``, ``M/D/YY``, ``M/D/YY H:MM``
(optionally with seconds and ``AM``/``PM``), ``D.M.YYYY``, ``D/M/YYYY`` and
``D-M-YYYY``. A two-digit year is 2000–2068 for ``00``–``68`` and 1969–1999
for ``69``–``99`` (the POSIX rule spreadsheets follow). Times without a
zone are taken as UTC, like naive ISO times.

Which number is the day is decided once per file (:class:`DateOrder`), from
the first block of rows (tens of megabytes) that holds local dates, looking
at every date column of it: a value whose first number is above 12
(``23/02/2026``) settles it as day-first, one whose second number is above
12 (``02/23/26``) as month-first; when no value settles it (or values point
both ways) the file's default applies (``--dayfirst``, otherwise
month-first). Values that do not fit the order chosen are invalid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["LOCAL_DATE", "DateOrder", "parse_local_dates", "within_range"]

LOCAL_DATE = (
    r"^(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})\.?"
    r"(?:(?:[ T]|,\s*)(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?"
    r"\s*(?P<half>[AaPp]\.?[Mm]\.?)?)?$"
)


def _separator(byte: np.ndarray) -> np.ndarray:
    return (byte == 47) | (byte == 46) | (byte == 45)  # / . -


def _maybe_local(text: pd.Series) -> np.ndarray:
    """Rows whose second or third byte is a date separator (``2/23/26``, ``23.02.2026``).

    Read from the Arrow buffers in one pass: ISO values (``2026-…``) never match.
    """
    array = pa.array(text.astype("str").array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return np.zeros(0, dtype=np.int64)
    buffers = array.buffers()
    if buffers[2] is None:
        return np.zeros(0, dtype=np.int64)
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(buffers[1], dtype=width)[array.offset : array.offset + len(array) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8)
    starts, sizes = offsets[:-1].astype(np.int64), np.diff(offsets)
    usable = sizes >= 5  # the shortest local date is 1/2/26
    if not usable.any():
        return np.zeros(0, dtype=np.int64)
    at = np.where(usable, starts + 1, 0)
    hit = usable & (_separator(data[at]) | _separator(data[at + usable]))
    if array.null_count:
        hit &= np.asarray(array.is_valid())
    return np.flatnonzero(hit)


# The instants every part of the product can hold (pandas' nanosecond range).
_EARLIEST = pd.Timestamp.min.tz_localize("UTC").ceil("D")
_LATEST = pd.Timestamp.max.tz_localize("UTC").floor("D")
_EARLIEST_US = np.datetime64(_EARLIEST.tz_localize(None), "us")
_LATEST_US = np.datetime64(_LATEST.tz_localize(None), "us")


@dataclass
class DateOrder:
    """The day/month order of one file's local dates, decided by the first values seen.

    ``dayfirst`` is the default used when no value settles the order.
    After :meth:`settle`, ``decided`` is the order used (True: day-first)
    and ``example`` the value that settled it (None when the default applied).
    """

    dayfirst: bool = False
    decided: bool | None = None
    example: str | None = None

    def settle(self, first: np.ndarray, second: np.ndarray, text: np.ndarray) -> bool:
        """Decide the order from local dates (their first and second numbers), once."""
        if self.decided is None:
            day_first = np.flatnonzero(first > 12)
            month_first = np.flatnonzero(second > 12)
            if len(day_first) and not len(month_first):
                self.decided, self.example = True, str(text[day_first[0]])
            elif len(month_first) and not len(day_first):
                self.decided, self.example = False, str(text[month_first[0]])
            else:
                self.decided = self.dayfirst
        return self.decided

    def observe(self, text: pd.Series) -> None:
        """Settle the order from a column's local dates, if one of them settles it.

        Called on every date column of a block before any is parsed, so a
        value in one column decides how the others are read.
        """
        if self.decided is not None or not len(text) or not pd.api.types.is_string_dtype(text):
            return
        rows = _maybe_local(text)
        if not len(rows):
            return
        found = pd.Series(pd.unique(text.iloc[rows].astype("str")), dtype="str")
        parts = found.str.strip().str.extract(LOCAL_DATE)
        matched = parts["a"].notna().to_numpy()
        if not matched.any():
            return
        first = parts["a"][matched].astype("int64").to_numpy()
        second = parts["b"][matched].astype("int64").to_numpy()
        values = found.to_numpy()[matched]
        if (first > 12).any() != (second > 12).any():
            self.settle(first, second, values)

    def describe(self) -> str | None:
        """``day-first (from '23/02/2026')``, ``month-first (the default)``; None if undecided."""
        if self.decided is None:
            return None
        order = "day-first" if self.decided else "month-first"
        if self.example is not None:
            return f"{order} (from {self.example!r})"
        how = "as --dayfirst asks" if self.dayfirst else "the default; --dayfirst for day-first"
        return f"{order} ({how})"


def parse_local_dates(text: pd.Series, order: DateOrder) -> tuple[pd.Series, np.ndarray]:
    """Read local date forms; (UTC timestamps, invalid mask) aligned with ``text``.

    Values in no local form are invalid. ``order`` is settled by the values
    given, when it is not yet.
    """
    parts = text.astype("str").str.strip().str.extract(LOCAL_DATE)
    matched = parts["a"].notna().to_numpy()
    stamps = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    invalid = ~matched
    if matched.any():
        found = parts[matched]
        a = found["a"].astype("int64").to_numpy()
        b = found["b"].astype("int64").to_numpy()
        dayfirst = order.settle(a, b, text.to_numpy()[matched])
        day, month = (a, b) if dayfirst else (b, a)
        year = found["year"].astype("int64").to_numpy()
        short = found["year"].str.len().to_numpy() == 2
        year = np.where(short, np.where(year < 69, 2000 + year, 1900 + year), year)
        hour = found["hour"].fillna("0").astype("int64").to_numpy()
        half = found["half"].fillna("").str.replace(".", "", regex=False).str.lower().to_numpy()
        bad_hour = (half != "") & ((hour < 1) | (hour > 12))
        hour = np.where(half == "pm", hour % 12 + 12, np.where(half == "am", hour % 12, hour))
        fraction = found["fraction"].fillna("").str.pad(6, side="right", fillchar="0")
        components = pd.DataFrame(
            {
                "year": year,
                "month": month,
                "day": day,
                "hour": hour,
                "minute": found["minute"].fillna("0").astype("int64").to_numpy(),
                "second": found["second"].fillna("0").astype("int64").to_numpy(),
                "us": fraction.replace("", "0").astype("int64").to_numpy(),
            }
        )
        impossible = (
            (components["month"] > 12)
            | (components["day"] > 31)
            | (components["hour"] > 23)
            | (components["minute"] > 59)
            | (components["second"] > 59)
        ).to_numpy() | bad_hour
        components[impossible] = [2000, 1, 1, 0, 0, 0, 0]  # read, then dropped
        read = pd.to_datetime(components, errors="coerce").to_numpy(dtype="datetime64[us]").copy()
        read[impossible] = np.datetime64("NaT")
        stamps[matched] = read
        invalid = np.isnat(stamps)
    values = pd.Series(stamps, index=text.index).dt.tz_localize("UTC")
    return values, invalid


def within_range(values: pd.Series | np.ndarray) -> np.ndarray:
    """True where a timestamp is missing or inside the range the product can hold.

    ``values`` are UTC timestamps, or naive ``datetime64`` values read as UTC.
    """
    if isinstance(values, pd.Series):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None) if values.dt.tz else values
        values = values.to_numpy(dtype="datetime64[us]")
    stamps = values.astype("datetime64[us]", copy=False)
    return ~((stamps < _EARLIEST_US) | (stamps > _LATEST_US))  # NaT compares False
