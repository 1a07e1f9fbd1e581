"""A run's files: a full snapshot, or a patch on the last full one.

A full run writes every account and contact (``accounts.parquet``,
``contacts.parquet``). An incremental run writes a patch: every row
rescored since the last full snapshot (its base), with this run's values
(``accounts.arrow``, ``contacts.arrow``: Arrow files, read and written in a
fraction of Parquet's time), its base in ``run.json``. So reading any run
reads two files per level, the base and the patch, laid on it. Once
``LONGEST_CHAIN`` patches are laid on one base, or a patch would hold more
than ``LARGEST_PATCH`` of the accounts, or when the base is a full
run's Parquet snapshot (compact on disk, but each read decodes it whole),
the next incremental run writes every row again, in Arrow files, and
patches start from it.
Every run's ``run.json`` also holds a digest of the stored account scores
after it, so the next run can check that nothing rescored them unrecorded
without reading the whole snapshot.

Reading only some ids filters each file before it becomes a frame, so a run
that rescored a few accounts reads a few accounts' rows of its base. The
runs the kept runs read are the kept runs and their bases; pruning leaves
those folders in place.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather
import pyarrow.parquet as pq

from abmgraph.history.snapshots import replaced

__all__ = [
    "LARGEST_PATCH",
    "LEVELS",
    "LONGEST_CHAIN",
    "chain",
    "cumulative",
    "mapped",
    "needed_runs",
    "patches_on_base",
    "read_level",
    "stored_digest",
    "write_run",
]

Level = Literal["accounts", "contacts"]
LEVELS: tuple[Level, Level] = ("accounts", "contacts")
KEY = {"accounts": "account_id", "contacts": "contact_id"}
# What a run folder says of itself: the snapshot it patches (None: a full one), how
# many patches on that base it is, and the rows and digest of the stored account scores
# after it (see ``snapshots.score_digest``).
ABOUT = "run.json"
# Patches laid on one full snapshot before a run writes a full one again: a patch holds
# every row rescored since its base, so it grows with each; a full snapshot costs the
# whole store once per this many runs.
LONGEST_CHAIN = 12
# A patch holding more than this share of the accounts is written whole instead: every
# later patch on the same base would carry its rows again.
LARGEST_PATCH = 0.25


def _file(folder: Path, level: Level) -> Path:
    """A level's file in a run folder: Parquet for a full run's snapshot, else Arrow."""
    full = folder / f"{level}.parquet"
    return full if full.exists() else folder / f"{level}.arrow"


def _about(folder: Path) -> dict[str, Any]:
    path = folder / ABOUT
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _links(folder: Path) -> tuple[bool, str | None]:
    """Whether a run folder holds both tables, and the run it patches (None: a full snapshot)."""
    try:
        names = set(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return False, None
    complete = all({f"{level}.parquet", f"{level}.arrow"} & names for level in LEVELS)
    if ABOUT not in names:
        return complete, None  # a snapshot recorded before patches existed
    base = _about(folder).get("base")
    return complete, None if base is None else str(base)


def stored_digest(folder: Path, run_id: str) -> tuple[int, int] | None:
    """The rows and digest of the stored account scores after a run; None if not recorded."""
    stored = _about(folder / run_id).get("stored")
    return None if stored is None else (int(stored["rows"]), int(stored["digest"]))


def mapped(folder: Path, run_id: str) -> bool:
    """Whether a run's tables are Arrow files (read by mapping them, not decoding them)."""
    return all(_file(folder / run_id, level).suffix == ".arrow" for level in LEVELS)


def patches_on_base(folder: Path, run_id: str) -> int:
    """How many patches on its base a run is (0: a full snapshot)."""
    return int(_about(folder / run_id).get("patches", 0))


def chain(
    folder: Path, run_id: str, known: dict[str, list[str] | None] | None = None
) -> list[str] | None:
    """``run_id`` and the runs it patches, newest first, ending at a full snapshot.

    None when a folder of the chain lost its files (the run can no longer be
    read). ``known`` keeps the chains found across calls, so walking every
    run of the index reads each folder once.
    """
    known = {} if known is None else known
    walked: list[str] = []
    run: str | None = run_id
    tail: list[str] | None = []
    while run is not None:
        if run in known:
            tail = known[run]
            break
        complete, base = _links(folder / run)
        if not complete or run in walked:  # a loop can only come from hand-edited files
            tail = None
            walked.append(run)
            break
        walked.append(run)
        run = base
    for depth in range(len(walked) - 1, -1, -1):
        tail = None if tail is None else [walked[depth], *tail]
        known[walked[depth]] = tail
    return known[run_id]


def needed_runs(folder: Path, kept: list[str]) -> set[str]:
    """The run folders the kept runs read: theirs and their bases'."""
    known: dict[str, list[str] | None] = {}
    return {run for kept_run in kept for run in chain(folder, kept_run, known) or [kept_run]}


def cumulative(folder: Path, lineage: list[str], level: Level, rows: pd.DataFrame) -> pa.Table:
    """A new patch on ``lineage``'s base: the patch of ``lineage`` with ``rows`` in place."""
    fresh = pa.Table.from_pandas(rows, preserve_index=False)
    if len(lineage) < 2:
        return fresh
    # The run before is a patch on the same base, holding every row rescored since it.
    earlier = feather.read_table(_file(folder / lineage[0], level), memory_map=True)
    key = KEY[level]
    ids = earlier.column(key)
    kept = earlier.filter(
        pc.invert(pc.is_in(ids, value_set=fresh.column(key).combine_chunks().cast(ids.type)))
    )
    return pa.concat_tables([fresh.cast(kept.schema), kept])


def read_level(
    folder: Path,
    lineage: list[str],
    level: Level,
    where: dict[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """A run's table from its chain (``chain``), optionally only some rows.

    ``where`` maps columns to values: a row is kept when any of its columns
    holds one of the column's values.
    """
    key = KEY[level]
    *patches, root = lineage
    if where is None:
        table = _frame(_file(folder / root, level), None)
        # Newest first: a row a later run rescored replaces the earlier run's.
        rows = [_frame(_file(folder / run, level), None) for run in patches]
        rows = [frame for frame in rows if not frame.empty]
        if not rows:
            return table
        newest = pd.concat(rows, ignore_index=True).drop_duplicates(key, keep="first")
        return replaced(table, newest, key)
    # Each file is filtered before it becomes a frame. A row a later run rescored hides
    # the earlier one even when only the earlier one matches (a contact that moved to
    # another account), so each file's rows also lose the ids of every newer patch.
    newer: list[pa.Array] = []
    rows = []
    for run in patches:
        rows.append(_frame(_file(folder / run, level), where, key, newer))
    rows.append(_frame(_file(folder / root, level), where, key, newer, last=True))
    *patched, table = rows
    patched = [frame for frame in patched if not frame.empty]
    if not patched:
        return table
    return replaced(table, pd.concat(patched, ignore_index=True), key)


def _frame(
    path: Path,
    where: dict[str, pd.Series] | None,
    key: str = "",
    newer: list[pa.Array] | None = None,
    *,
    last: bool = False,
) -> pd.DataFrame:
    """A file's rows, or those matching ``where`` whose ``key`` no newer file holds.

    ``newer`` gathers the ids of the files read so far (newest first), but
    the ``last``'s.
    """
    arrow = path.suffix == ".arrow"
    if where is None and not arrow:
        return pd.read_parquet(path)
    table = feather.read_table(path, memory_map=True) if arrow else pq.read_table(path)
    if where is not None and newer is not None:
        keep = None
        for column, values in where.items():
            found = table.column(column)
            found = pc.is_in(found, value_set=pa.array(values, type=found.type))
            keep = found if keep is None else pc.or_(keep, found)
        ids = table.column(key)
        table = table.filter(keep.fill_null(False))
        mine = table.column(key).combine_chunks()
        for part in newer:
            # Which of the newer ids are among these rows' (a small set to look up in),
            # then drop those rows.
            part = part.cast(mine.type)
            hidden = part.filter(pc.is_in(part, value_set=mine))
            if len(hidden):
                table = table.filter(pc.invert(pc.is_in(table.column(key), value_set=hidden)))
        if not last:
            newer.append(ids.combine_chunks())
    return table.to_pandas().reset_index(drop=True)


def write_run(
    staging: Path,
    accounts: pd.DataFrame | pa.Table,
    contacts: pd.DataFrame | pa.Table,
    *,
    base: str | None,
    compact: bool,
    stored: tuple[int, int],
    patches: int = 0,
) -> None:
    """Write a run's two tables into ``staging``: a full snapshot, or a patch on ``base``.

    ``compact`` writes Parquet, about a seventh of the size on disk, for a
    full run's snapshot; otherwise Arrow files, which write and read in a
    fraction of the time, for those the incremental runs after them read.
    ``stored`` is the rows and digest of the stored account scores,
    ``patches`` how many patches on ``base`` this one is.
    """
    staging.mkdir(parents=True)
    for level, frame in (("accounts", accounts), ("contacts", contacts)):
        if compact and isinstance(frame, pd.DataFrame):
            frame.to_parquet(staging / f"{level}.parquet", index=False)
            continue
        table = (
            pa.Table.from_pandas(frame, preserve_index=False)
            if isinstance(frame, pd.DataFrame)
            else frame
        )
        if compact:
            pq.write_table(table, staging / f"{level}.parquet")
        else:
            feather.write_feather(table, staging / f"{level}.arrow", compression="uncompressed")
    about = {
        "base": base,
        "patches": patches,
        "stored": {"rows": stored[0], "digest": str(stored[1])},
    }
    (staging / ABOUT).write_text(json.dumps(about) + "\n", encoding="utf-8")
