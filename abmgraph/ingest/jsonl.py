"""The JSON Lines reader: one JSON object per line, values read as text.

A block of clean lines goes through Arrow's JSON reader; otherwise the
block is read line by line, and a line that does not decode or is not a
JSON object becomes a bad row. A first line that is not a JSON object (a
JSON array, another format under a ``.json`` name) refuses the file.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from abmgraph.errors import InputError
from abmgraph.ingest.chunks import Chunk, bad_frame, unique_names
from abmgraph.ingest.encoding import TextEncoding
from abmgraph.ingest.filecheck import ACCEPTED as _ACCEPTED

__all__ = ["parse_jsonl"]

_NL, _CR = 10, 13


def parse_jsonl(
    path: Path, data: bytes, line: int, first: bool, encoding: TextEncoding
) -> tuple[Chunk, int]:
    fast = _parse_jsonl_fast(data, line) if encoding.checked or _is_utf8(data) else None
    if fast is not None:
        return fast
    records: list[dict] = []
    lines: list[int] = []
    bad_lines: list[int] = []
    bad_reasons: list[str] = []
    bad_values: list[dict] = []
    bad_text: list[str] = []  # the line as written, to fix and load again
    for raw in data.split(b"\n"):
        this = line
        line += 1
        stripped = raw.strip()
        if not stripped:
            continue
        try:
            text = stripped.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_lines.append(this)
            bad_reasons.append(encoding.invalid_reason(stripped[exc.start], exc.start + 1))
            bad_values.append({})
            bad_text.append(stripped.decode("utf-8", errors="replace"))
            continue
        try:
            value = json.loads(text)
        except ValueError as exc:
            if first and not records and not bad_lines and not text.startswith("{"):
                _refuse_json(path, text, exc)
            bad_lines.append(this)
            bad_reasons.append(f"malformed JSON ({_json_error(exc)}): {_clip(text)}")
            bad_values.append({})
            bad_text.append(text)
            continue
        if not isinstance(value, dict):
            if first and not records and not bad_lines:
                _refuse_json(path, text, None)
            bad_lines.append(this)
            bad_reasons.append(f"not a JSON object: {_clip(text)}")
            bad_values.append({})
            bad_text.append(text)
            continue
        records.append(value)
        lines.append(this)
    # The block ended with a line break, so the loop counted one line too many.
    line -= 1 if data.endswith(b"\n") else 0
    keys: dict[str, str] = {}
    for record in records:
        for key in record:
            if key not in keys:
                keys[key] = str(key).strip().lstrip("\ufeff")
    names = unique_names(list(keys.values()))
    columns = {
        name: pd.Series([_json_text(r.get(key)) for r in records], dtype="str")
        for key, name in zip(keys, names, strict=True)
    }
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(records)))
    bad = bad_frame(bad_lines, [""] * len(bad_lines), bad_reasons, None, raw_lines=bad_text)
    return Chunk(frame, np.asarray(lines, dtype=np.int64), bad), line


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` decodes as UTF-8 (Arrow's JSON reader would take it as is)."""
    try:
        str(data, "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parse_jsonl_fast(data: bytes, line: int) -> tuple[Chunk, int] | None:
    """Arrow's JSON reader for a block of clean lines; None sends the block line by line."""
    buf = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buf == _NL)
    ends = newlines if data.endswith(b"\n") else np.append(newlines, len(data))
    starts = np.concatenate(([0], ends[:-1] + 1))
    content_end = ends - (buf[np.maximum(ends - 1, 0)] == _CR) * (ends > starts)
    filled = content_end > starts
    if not filled.any():
        return None
    try:
        table = pajson.read_json(io.BytesIO(data))
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows != int(filled.sum()):
        return None
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        text = _json_column_text(column)
        if text is None:
            return None
        columns[name] = text
    names = unique_names([name.strip().lstrip("\ufeff") for name in columns])
    frame = pd.DataFrame(
        {new: columns[old] for old, new in zip(columns, names, strict=True)},
        index=pd.RangeIndex(table.num_rows),
    )
    lines = (line + np.flatnonzero(filled)).astype(np.int64)
    return Chunk(frame, lines), line + len(ends)


def _json_column_text(column: pa.ChunkedArray) -> pd.Series | None:
    """A JSON column as text the way the line-by-line reader writes it, or None."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column.to_pandas().astype("str")
    if pa.types.is_null(kind):
        return pd.Series(pa.nulls(len(column), pa.large_string()).to_pandas())
    if pa.types.is_boolean(kind) or pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return pc.cast(column, pa.large_string()).to_pandas().astype("str")
    if pa.types.is_list(kind) and (
        pa.types.is_string(kind.value_type)
        or pa.types.is_integer(kind.value_type)
        or pa.types.is_floating(kind.value_type)
    ):
        joined = pc.binary_join(pc.cast(column, pa.list_(pa.string())), ";")
        return joined.to_pandas().astype("str")
    return None


def _refuse_json(path: Path, text: str, exc: ValueError | None) -> None:
    start = text.lstrip()[:1]
    if start == "[":
        raise InputError(
            f"{path}: is a JSON array, not JSON Lines (one object per line); "
            "convert it, e.g. `jq -c '.[]' file.json > file.jsonl`."
        )
    detail = f" ({_json_error(exc)})" if exc is not None else ""
    raise InputError(
        f"{path}: is not JSON Lines: the first line is not a JSON object{detail}; "
        f"give the file the extension of its real format ({_ACCEPTED})."
    )


def _json_error(exc: ValueError | None) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at character {exc.pos + 1}"
    return str(exc)


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list) and all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
    ):
        return ";".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
