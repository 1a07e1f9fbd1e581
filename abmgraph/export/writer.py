"""Writing audience files: UTF-8 without a BOM, RFC 4180 CSV, numbered parts, a manifest.

A list longer than the platform takes in one file is split into
``name-001.csv``, ``name-002.csv``, … each with the header; a list that fits
is written to the name asked for. The byte size of every row is worked out
up front (vectorised, with the csv module's quoting rule), so a split never
needs a second pass and ``--dry-run`` can say how many files it would write.
Each file is written to a temporary name and renamed, so a reader never sees
half a file.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.errors import InputError
from abmgraph.export.formulas import neutralise
from abmgraph.safe_io import atomic_open

__all__ = [
    "CRLF",
    "FilePart",
    "cells",
    "header_bytes",
    "json_text",
    "manifest_path",
    "part_paths",
    "plan_parts",
    "previous_files",
    "remove_stale",
    "row_bytes",
    "write_csv",
    "write_manifest",
    "write_text",
]

CRLF = "\r\n"  # RFC 4180 line ends


@dataclass
class FilePart:
    """One file of an export: where, which rows, how many bytes."""

    path: Path
    start: int
    stop: int
    bytes: int

    @property
    def rows(self) -> int:
        return self.stop - self.start

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.path.name, "rows": self.rows, "bytes": self.bytes}


_TEXT = pa.large_string()


def _numbers(values: pd.Series) -> pa.Array:
    """Numbers as text: whole ones without ``.0``, others in the shortest exact form."""
    number = values.astype("float64").to_numpy(dtype="float64", na_value=np.nan)
    finite = np.isfinite(number)
    whole = finite & (np.mod(number, 1, where=finite, out=np.zeros_like(number)) == 0)
    whole &= np.abs(number, where=finite, out=np.zeros_like(number)) < 1e15
    ints = pc.cast(pa.array(np.where(whole, number, 0).astype(np.int64)), _TEXT)
    floats = pc.cast(pa.array(number, from_pandas=True), _TEXT)
    text = pc.if_else(pa.array(whole), ints, floats)
    # Arrow writes large fractional values in exponent form; Python's repr does not.
    exponent = pc.fill_null(pc.match_substring(text, "e"), False).to_numpy(zero_copy_only=False)
    if exponent.any():
        fixed = text.to_numpy(zero_copy_only=False).astype(object)
        fixed[exponent] = [repr(float(v)) for v in number[exponent]]
        text = pa.array(fixed, type=_TEXT)
    return text


def _format(values: pd.Series) -> pa.Array:
    """One column as CSV text: numbers as :func:`_numbers`, true/false, lists ``;``-joined."""
    if pd.api.types.is_bool_dtype(values.dtype):
        flags = pa.array(values.astype("boolean").array)
        return pc.if_else(flags, pa.scalar("true", _TEXT), pa.scalar("false", _TEXT))
    if pd.api.types.is_numeric_dtype(values.dtype):
        return _numbers(values)
    if values.dtype == object and values.map(lambda v: isinstance(v, list | np.ndarray)).any():
        # Only account tables hold lists (covered and missing roles).
        values = values.map(
            lambda v: ";".join(map(str, v)) if isinstance(v, list | np.ndarray) else v
        )
    array = pa.array(values.astype("str").array)
    return (array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array).cast(_TEXT)


def cells(rows: pd.DataFrame) -> list[pa.Array]:
    """Every column as Arrow text, missing as the empty string, formula-like text disarmed."""
    return [pc.fill_null(neutralise(_format(rows[column])), "") for column in rows.columns]


def _field_bytes(text: pa.Array) -> np.ndarray:
    """Bytes each value takes in a csv-module row: quoted when it holds , " CR or LF."""
    size = pc.binary_length(text).to_numpy(zero_copy_only=False).astype(np.int64)
    quoted = pc.match_substring_regex(text, r'[,"\r\n]').to_numpy(zero_copy_only=False)
    quotes = pc.count_substring(text, '"').to_numpy(zero_copy_only=False).astype(np.int64)
    return size + quoted * 2 + quotes


def row_bytes(columns: list[pa.Array]) -> np.ndarray:
    """Bytes of each row once written: fields, commas and the line end."""
    total = np.full(len(columns[0]) if columns else 0, len(CRLF) + len(columns) - 1, np.int64)
    for column in columns:
        total += _field_bytes(column)
    return total


def header_bytes(header: tuple[str, ...]) -> int:
    return int(row_bytes([pa.array([name], _TEXT) for name in header])[0])


def _stops(ends: np.ndarray, count: int, by_bytes: bool) -> np.ndarray:
    """Where ``count`` near-equal parts end: equal in bytes, or equal in rows."""
    rows = len(ends) - 1
    if by_bytes:
        inner = np.searchsorted(ends, ends[-1] * np.arange(1, count) / count, side="left")
    else:
        inner = -(-(rows * np.arange(1, count)) // count)
    return np.unique(np.concatenate([[0], inner, [rows]]))


def plan_parts(
    sizes: np.ndarray, header: int, max_rows: int | None, max_bytes: int | None
) -> list[tuple[int, int, int]]:
    """``(start, stop, bytes)`` of each file: the fewest near-equal parts within both limits.

    Even parts keep the last file from being a useless sliver: 300,100 rows at
    LinkedIn's 300,000 become two lists of 150,050, not one of 100 that
    LinkedIn would refuse for being under 300.
    """
    ends = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
    if max_bytes is not None and len(sizes) and int(sizes.max()) + header > max_bytes:
        row = int(np.argmax(sizes)) + 1
        raise InputError(f"Row {row} alone is larger than the {max_bytes:,}-byte file limit.")
    count = 1
    if max_rows:
        count = max(count, -(-len(sizes) // max_rows))
    if max_bytes is not None:
        count = max(count, -(-int(ends[-1]) // (max_bytes - header)))
    while True:
        stops = _stops(ends, count, by_bytes=max_bytes is not None)
        rows = np.diff(stops)
        size = header + np.diff(ends[stops])
        if (not max_rows or rows.max(initial=0) <= max_rows) and (
            max_bytes is None or size.max(initial=header) <= max_bytes
        ):
            break
        count += 1
    if len(stops) == 1:  # no rows: one file with the header alone
        return [(0, 0, header)]
    return [(int(a), int(b), int(n)) for a, b, n in zip(stops[:-1], stops[1:], size, strict=True)]


def part_paths(out: Path, count: int) -> list[Path]:
    """``out`` itself for one file; ``out-001``, ``out-002``, … (same suffix) for several."""
    if count == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{i:03d}{out.suffix}") for i in range(1, count + 1)]


def manifest_path(out: Path) -> Path:
    """``out``'s manifest: one per written name, so ``x.csv`` and ``x.json`` keep their own."""
    return out.with_name(f"{out.name}.manifest.json")


def _legacy_manifest_path(out: Path) -> Path:
    # Where manifests were written before each format had its own.
    return out.with_name(f"{out.stem}.manifest.json")


def _ours(out: Path, name: str) -> bool:
    """Whether ``name`` is one a write to ``out`` produces: ``out`` or one of its parts."""
    pattern = rf"{re.escape(out.stem)}(?:-\d{{3,}})?{re.escape(out.suffix)}"
    return re.fullmatch(pattern, name) is not None


def previous_files(out: Path) -> list[Path]:
    """The files an earlier export to ``out`` wrote, as its manifest names them.

    Only names an export to ``out`` could have written count (``out`` and
    ``out-NNN``), in ``out``'s folder: an edited manifest cannot point at
    anything else.
    """
    found: list[Path] = []
    for manifest in (manifest_path(out), _legacy_manifest_path(out)):
        try:
            listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
        except (OSError, ValueError, AttributeError):
            continue
        names = [entry.get("file") for entry in listed if isinstance(entry, dict)]
        ours = [out.with_name(n) for n in names if isinstance(n, str) and _ours(out, n)]
        found += ours
        if ours and manifest != manifest_path(out):
            found.append(manifest)  # a legacy manifest of this export: replaced by the new one
    return list(dict.fromkeys(found))


def remove_stale(previous: list[Path], written: list[Path]) -> None:
    """Delete the earlier export's files the new one did not replace."""
    keep = {p.resolve() for p in written}
    for path in previous:
        if path.resolve() not in keep and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


def _atomic(path: Path) -> Any:
    """A text stream to a temporary file that becomes ``path`` only when complete."""
    return atomic_open(path, "w", encoding="utf-8", newline="")


def write_csv(header: tuple[str, ...], columns: list[pa.Array], parts: list[FilePart]) -> None:
    """Write each part: the header, then its rows, RFC 4180 with CRLF line ends."""
    for part in parts:
        with _atomic(part.path) as stream:
            writer = csv.writer(stream, lineterminator=CRLF)
            writer.writerow(header)
            texts = [c[part.start : part.stop].to_numpy(zero_copy_only=False) for c in columns]
            writer.writerows(zip(*texts, strict=True))


def json_text(rows: pd.DataFrame) -> str:
    """A JSON list of objects, missing values as null, one line."""
    text = rows.to_json(orient="records", force_ascii=False)
    # pandas escapes every "/" as "\/": legal JSON, but URLs read badly. Any "\/" in
    # its output is such an escape (a data backslash is written as "\\").
    return text.replace("\\/", "/") + "\n"


def write_text(path: Path, text: str) -> None:
    with _atomic(path) as stream:
        stream.write(text)


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    with _atomic(path) as stream:
        stream.write(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n")
