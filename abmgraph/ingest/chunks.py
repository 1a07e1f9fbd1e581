"""Chunks of rows as the readers yield them, and the frames of rows that could not be read.

A ``Chunk`` holds the rows split into fields (``frame``), the line each
starts on (``source_line``) and the rows that could not be split (``bad``:
``source_line``, ``field``, ``reason``, the raw line as written when known,
and whatever raw fields could be recovered).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["Chunk", "bad_chunk", "bad_frame", "concat_chunks", "empty_text_frame", "unique_names"]


@dataclass
class Chunk:
    """Rows read from one stretch of the file."""

    frame: pd.DataFrame
    source_line: np.ndarray
    bad: pd.DataFrame = field(default_factory=lambda: bad_frame([], [], [], None))

    def __len__(self) -> int:
        return len(self.frame)


def unique_names(names: list[str]) -> list[str]:
    """Trimmed header names; blanks become ``column_N``; repeats get ``_2``, ``_3`` …"""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names):
        name = str(raw).strip().lstrip("\ufeff").strip() or f"column_{i + 1}"
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def empty_text_frame(columns: list[str] | None) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str") for c in columns or []})


def bad_frame(
    lines: list[int],
    fields: list[str],
    reasons: list[str],
    columns: list[str] | None,
    values: list[list[str]] | None = None,
    raw_lines: list[str] | None = None,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "source_line": pd.Series(lines, dtype="int64"),
            "field": pd.Series(fields, dtype="str"),
            "reason": pd.Series(reasons, dtype="str"),
        }
    )
    if raw_lines is not None:
        frame["raw_line"] = pd.Series(raw_lines, dtype="str")
    if columns and values is not None:
        width = len(columns)
        padded = [(list(v) + [None] * width)[:width] for v in values]
        raw = pd.DataFrame(padded, columns=columns, dtype="str")
        frame = pd.concat([frame, raw], axis=1)
    return frame


def bad_chunk(
    lines: list[int],
    reasons: list[str],
    values: list[list[str]],
    columns: list[str],
    raw_lines: list[str] | None = None,
) -> Chunk:
    return Chunk(
        empty_text_frame(columns),
        np.zeros(0, dtype=np.int64),
        bad_frame(lines, [""] * len(lines), reasons, columns, values, raw_lines),
    )


def concat_chunks(parts: list[Chunk], columns: list[str]) -> Chunk:
    parts = [p for p in parts if len(p.frame) or len(p.bad)]
    if not parts:
        return Chunk(empty_text_frame(columns), np.zeros(0, dtype=np.int64))
    if len(parts) == 1:
        return parts[0]
    frames = [p.frame for p in parts if len(p.frame)]
    lines = np.concatenate([p.source_line for p in parts])
    frame = pd.concat(frames, ignore_index=True) if frames else empty_text_frame(columns)
    if len(lines) > 1 and np.any(np.diff(lines) < 0):
        order = np.argsort(lines, kind="stable")
        frame = frame.take(order).reset_index(drop=True)
        lines = lines[order]
    bads = [p.bad for p in parts if len(p.bad)]
    bad = pd.concat(bads, ignore_index=True) if bads else bad_frame([], [], [], None)
    return Chunk(frame, lines, bad)
