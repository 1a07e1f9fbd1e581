"""The rejects file: every row that was read but not loaded, with where and why.

A CSV (UTF-8, RFC 4180 quoting, LF line ends) with the columns
``source_line``, ``field``, ``reason``, followed by the input's own columns
holding the row as it was read (raw text), sorted by ``source_line``. An
input column whose name clashes with one of the three leading columns is
written as ``input_<name>``. ``field`` is empty when the row could not be
split into fields at all (bad bytes, wrong number of fields, malformed JSON).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from abmgraph.errors import InputError
from abmgraph.ingest.readers import as_text
from abmgraph.safe_io import atomic_open, unique_name

__all__ = ["LEADING", "default_rejects_path", "raw_text", "write_rejects"]

LEADING = ("source_line", "field", "reason")


def default_rejects_path(source: Path) -> Path:
    """Where rejects go when no path is given: next to the input, ``<name>.rejects-<time>-<random>.csv``.

    Every call names a new file, so two ingests of one file never share one.
    """
    return unique_name(source.parent, f"{source.stem}.rejects", ".csv")


def raw_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Input rows as text, for the rejects file (Parquet values are rendered as text)."""
    return pd.DataFrame({name: as_text(frame[name]) for name in frame.columns}, index=frame.index)


def write_rejects(
    path: str | Path, parts: list[pd.DataFrame], columns: list[str] | None = None
) -> Path:
    """Write reject frames (``source_line``, ``field``, ``reason`` + raw columns) as one CSV.

    ``columns`` orders the raw columns (the input header); columns only some
    parts carry follow in order of first appearance. The file is written to
    a temporary name and renamed, so a reader never sees half of it.
    """
    path = Path(path)
    frames = [p for p in parts if len(p)]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(LEADING))
    raw = [c for c in frame.columns if c not in LEADING]
    order = [c for c in (columns or []) if c in raw]
    order += [c for c in raw if c not in order]
    frame = frame.sort_values("source_line", kind="stable")
    renamed = {c: f"input_{c}" for c in order if c.lower() in LEADING}
    out = frame[[*LEADING, *order]].rename(columns=renamed)
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
