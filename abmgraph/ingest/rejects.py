"""The rejects file: every row that was read but not loaded, and every warning, with where and why.

A CSV (UTF-8, RFC 4180 quoting, LF line ends) with the columns
``source_line``, ``field``, ``reason``, ``severity``, followed by the
input's own columns holding the row as it was read (raw text), sorted by
``source_line``. ``severity`` is ``rejected`` (the row was not loaded; one
line per rejected row) or ``warning`` (the row was loaded, with a problem
noted on ``field``; one line per warning, so a row may appear more than
once). An input column whose name clashes with one of the leading columns
is written as ``input_<name>``. ``field`` is empty when the row could not
be split into fields at all (bad bytes, wrong number of fields, malformed
JSON).
"""

from __future__ import annotations

import csv
import os
import uuid
from pathlib import Path

import pandas as pd

from abmgraph.errors import InputError
from abmgraph.ingest.readers import as_text

__all__ = [
    "LEADING",
    "REJECTED",
    "SEVERITIES",
    "WARNING",
    "default_rejects_path",
    "raw_text",
    "write_rejects",
]

LEADING = ("source_line", "field", "reason")
REJECTED = "rejected"
WARNING = "warning"
SEVERITIES = (REJECTED, WARNING)
_HEAD = (*LEADING, "severity")


def default_rejects_path(source: Path) -> Path:
    """Where rejects go when no path is given: next to the input, ``<name>.rejects.csv``."""
    return source.with_name(f"{source.stem}.rejects.csv")


def raw_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Input rows as text, for the rejects file (Parquet values are rendered as text)."""
    return pd.DataFrame({name: as_text(frame[name]) for name in frame.columns}, index=frame.index)


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
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(_HEAD))
    raw = [c for c in frame.columns if c not in _HEAD]
    order = [c for c in (columns or []) if c in raw]
    order += [c for c in raw if c not in order]
    frame = frame.sort_values("source_line", kind="stable")
    renamed = {c: f"input_{c}" for c in order if c.lower() in _HEAD}
    out = frame[[*_HEAD, *order]].rename(columns=renamed)
    out["source_line"] = out["source_line"].astype("int64")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            out.to_csv(
                tmp,
                index=False,
                encoding="utf-8",
                quoting=csv.QUOTE_MINIMAL,
                lineterminator="\n",
                na_rep="",
            )
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot write the rejects file {path} ({exc.strerror}); "
            "give a writable path with --rejects."
        ) from exc
    return path
