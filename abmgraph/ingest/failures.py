"""The bookkeeping of one validated chunk: rejects, warnings and the result.

A check rejects rows (``Failures.add``) or notes a problem on rows that
still load (``Failures.warn``). A row is rejected once, by the first failing
check in rank order; a loaded row reports all its warnings on one line.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["ChunkResult", "Failures", "empty_notes"]


@dataclass
class ChunkResult:
    """The outcome of validating one chunk.

    ``good`` holds the accepted rows in the stored layout, extra attribute
    columns, and ``source_line``. ``rejects`` has one row per rejected input
    row: ``position`` (row number within the chunk), ``source_line``,
    ``field`` and ``reason``. ``warnings`` has the same columns, one row per
    loaded row that drew warnings (several are joined by ``"; "``); rows
    that were rejected carry no warnings.
    """

    good: pd.DataFrame
    rejects: pd.DataFrame
    warnings: pd.DataFrame = dataclasses.field(default_factory=lambda: empty_notes(True))


def empty_notes(position: bool = False) -> pd.DataFrame:
    """An empty rejects/warnings frame (``position`` first when asked)."""
    columns = {
        "source_line": pd.Series(dtype="int64"),
        "field": pd.Series(dtype="str"),
        "reason": pd.Series(dtype="str"),
    }
    if position:
        columns = {"position": pd.Series(dtype="int64"), **columns}
    return pd.DataFrame(columns)


class Failures:
    """The problems of one chunk: rejects (the first failing check per row, in
    the order checks are ranked) and warnings (a row loads, the problem is noted).

    ``add(rank, field, mask, reason)`` rejects the rows in ``mask``;
    ``warn(field, mask, reason)`` records a warning for them without
    rejecting. ``reason`` is one string for all rows, or a Series indexed by
    row position (as ``fields.quoted`` builds it). A row that is rejected by any
    check keeps no warnings; a loaded row may have several (one per call),
    reported together on one line.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.checks: list[tuple[int, str, np.ndarray, pd.Series | str]] = []
        self.notes: list[tuple[str, np.ndarray, pd.Series | str]] = []

    def add(
        self, rank: int, field: str, mask: np.ndarray | pd.Series, reason: pd.Series | str
    ) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.checks.append((rank, field, mask, reason))

    def warn(self, field: str, mask: np.ndarray | pd.Series, reason: pd.Series | str) -> None:
        """Note a problem with ``field`` on the rows in ``mask``; they still load."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.notes.append((field, mask, reason))

    def resolve(self) -> tuple[np.ndarray, pd.DataFrame]:
        """(rejected mask, rejects frame: position, field, reason) in row order."""
        failed = np.zeros(self.n, dtype=bool)
        found = []
        for _, field, mask, reason in sorted(self.checks, key=lambda c: c[0]):
            new = mask & ~failed
            if not new.any():
                continue
            failed |= new
            found.append((field, new, reason))
        return failed, _notes_frame(found)

    def warnings(self, failed: np.ndarray) -> pd.DataFrame:
        """The warnings of the rows not in ``failed``, one row each: position, field, reason.

        A row with several warnings lists its fields and reasons joined by ``"; "``.
        """
        notes = _notes_frame([(f, m & ~failed, r) for f, m, r in self.notes if (m & ~failed).any()])
        if not notes["position"].duplicated().any():
            return notes
        joined = notes.groupby("position", sort=True).agg({"field": "; ".join, "reason": "; ".join})
        return joined.reset_index().astype({"field": "str", "reason": "str"})


def _notes_frame(found: list[tuple[str, np.ndarray, pd.Series | str]]) -> pd.DataFrame:
    """One row per (masked row, field), sorted by position (stable in ``found`` order)."""
    positions, fields, reasons = [], [], []
    for field, mask, reason in found:
        rows = np.flatnonzero(mask)
        positions.append(rows)
        fields.extend([field] * len(rows))
        if isinstance(reason, str):
            reasons.extend([reason] * len(rows))
        else:
            reasons.extend(reason[~reason.index.duplicated()].reindex(rows).tolist())
    pos = np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64)
    order = np.argsort(pos, kind="stable")
    return pd.DataFrame(
        {
            "position": pos[order].astype(np.int64),
            "field": pd.Series(np.asarray(fields, dtype=object)[order], dtype="str"),
            "reason": pd.Series(np.asarray(reasons, dtype=object)[order], dtype="str"),
        }
    )
