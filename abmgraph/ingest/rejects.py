"""The rejects file: every row that was read but not loaded, and every warning, with where and why.

A CSV (UTF-8, RFC 4180 quoting, LF line ends) with the columns
``source_line``, ``field``, ``reason``, ``severity``, ``raw_line``, followed
by the input's own columns holding the row as it was read (raw text), one
line per row, sorted by ``source_line``. ``severity`` is ``rejected`` (the
row was not loaded) or ``warning`` (the row was loaded, with the problems
noted on ``field``; several fields and reasons are joined by ``"; "``).
``field`` is empty and ``raw_line`` holds the row's text when the row could
not be split into fields at all (bad bytes, wrong number of fields,
malformed JSON); otherwise the input's columns hold it whole. An input
column whose name clashes with one of the leading columns is written as
``input_<name>``.

A rejects file can be fixed and loaded again as it is: when a file's header
starts with the leading columns, ingest ignores them (:func:`input_columns`).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from abmgraph.errors import InputError
from abmgraph.ingest.readers import as_text
from abmgraph.safe_io import atomic_open, unique_name

__all__ = [
    "LEADING",
    "REJECTED",
    "SEVERITIES",
    "WARNING",
    "default_rejects_path",
    "input_columns",
    "raw_text",
    "write_rejects",
]

LEADING = ("source_line", "field", "reason")
REJECTED = "rejected"
WARNING = "warning"
SEVERITIES = (REJECTED, WARNING)
_HEAD = (*LEADING, "severity", "raw_line")


def input_columns(columns: list[str]) -> list[str]:
    """The data columns of a header: a rejects file's leading columns are left out."""
    folded = [c.strip().lower() for c in columns[: len(_HEAD)]]
    if folded[: len(LEADING) + 1] == [*LEADING, "severity"]:
        skip = len(_HEAD) if folded[len(LEADING) + 1 : len(_HEAD)] == ["raw_line"] else 4
        return columns[skip:]
    return columns


def default_rejects_path(source: Path) -> Path:
    """Where rejects go when no path is given: next to the input, ``<name>.rejects-<time>-<random>.csv``.

    Every call names a new file, so two ingests of one file never share one.
    """
    return unique_name(source.parent, f"{source.stem}.rejects", ".csv")


def _raw_name(column: str) -> str:
    """An input column's name in the rejects file: ``input_<name>`` when a leading one has it."""
    return f"input_{column}" if str(column).lower() in _HEAD else column


def raw_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Input rows as text, for the rejects file (Parquet values are rendered as text).

    A column named like a leading column (feedback's ``reason``) is renamed
    ``input_<name>`` here, before it meets the leading columns.
    """
    return pd.DataFrame(
        {_raw_name(name): as_text(frame[name]) for name in frame.columns}, index=frame.index
    )


def write_rejects(
    path: str | Path, parts: list[pd.DataFrame], columns: list[str] | None = None
) -> Path:
    """Write reject and warning frames as one CSV.

    Each part has ``source_line``, ``field``, ``reason``, optionally
    ``severity`` (``rejected`` when absent), and the raw input columns.
    ``columns`` orders the raw columns (the input header); columns only some
    parts carry follow in order of first appearance. Lines are sorted by
    ``source_line`` (a row's lines keep the order of ``parts``). The file is
    written to a temporary name and renamed, so a reader never sees half of it.
    """
    path = Path(path)
    frames = [
        p if "severity" in p.columns else p.assign(severity=REJECTED) for p in parts if len(p)
    ]
    frames = [p if "raw_line" in p.columns else p.assign(raw_line=None) for p in frames]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(_HEAD))
    raw = [c for c in frame.columns if c not in _HEAD]
    order = [c for c in (_raw_name(c) for c in columns or []) if c in raw]
    order += [c for c in raw if c not in order]
    frame = frame.sort_values("source_line", kind="stable")
    renamed = {c: f"input_{c}" for c in order if c.lower() in _HEAD}
    out = frame[[*_HEAD, *order]].rename(columns=renamed)
    out["source_line"] = out["source_line"].astype("int64")
    try:
        with atomic_open(path, "w", encoding="utf-8", newline="") as stream:
            out.to_csv(
                stream,
                index=False,
                quoting=csv.QUOTE_MINIMAL,
                lineterminator="\n",
                na_rep="",
            )
    except OSError as exc:
        raise InputError(
            f"cannot write the rejects file {path} ({exc.strerror}); "
            "give a writable path with --rejects."
        ) from exc
    return path
