"""The embedded store's scores: one folder per scoring run, switched in by a pointer.

A scoring run is written into a folder of its own under ``scores/runs/`` and
switched in by replacing one pointer file, ``scores/CURRENT``: readers see
the previous run or the new one, never contacts from one and accounts from
another. A partial run (incremental scoring) merges its rows into the stored
ones and writes the whole result as a new run the same way; a level it left
unchanged is hard-linked from the previous run rather than copied.

Contacts are many and an incremental run rescores few of them, so a partial
run does not rewrite them all: the run keeps the contact scores of the last
whole write (hard-linked) and a delta, ``contacts.delta.parquet``, holding
every contact rescored since, with the row each replaces (``_row``). Readers
lay the delta over the whole file, so they see exactly what a whole rewrite
would have stored. The delta grows with each partial run and is folded into
a whole file once it passes a share of it, or when a run adds contacts the
whole file lacks (a new contact's place follows the contacts table).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from abmgraph.graph.store import ScoreLevel
from abmgraph.safe_io import atomic_open, atomic_write_text

__all__ = ["EmbeddedScores", "write_parquet"]

_SCORE_FILES = ("contacts.parquet", "accounts.parquet", "meta.json")
_DELTA = "contacts.delta.parquet"
_ROW = "_row"  # the delta's column naming the row of the whole file it replaces
# A delta is folded into a whole file once it holds this share of the contacts (or this
# many rows, on a small store): past that, laying it over costs readers more than a rewrite.
_FOLD_SHARE = 0.2
_FOLD_MIN = 20_000


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with atomic_open(path, "wb") as stream:
        # zstd at a low level: nearly the ratio of the default level at a fraction of the time.
        pq.write_table(table, stream, compression="zstd", compression_level=1)


class EmbeddedScores:
    """Score runs of the embedded store, mixed into ``EmbeddedStore``.

    The store provides ``root``, its tables in memory, ``_clean_once`` and the
    column reads (``_path``, ``_stored_columns``, ``_decode``) used here.
    """

    root: Path
    _run: Path | None
    _tables: dict[str, pd.DataFrame]

    @property
    def _scores_root(self) -> Path:
        return self.root / "scores"

    def _current_run(self) -> Path:
        """The folder of the current scoring run (the old single folder when no pointer)."""
        if self._run is None or not self._run.exists():
            pointer = self._scores_root / "CURRENT"
            try:
                name = pointer.read_text(encoding="utf-8").strip()
            except FileNotFoundError:
                self._run = self._scores_root
            else:
                self._run = self._scores_root / "runs" / name
        return self._run

    def write_scores(
        self,
        contacts: pd.DataFrame,
        accounts: pd.DataFrame,
        meta: dict[str, Any],
        *,
        partial: bool = False,
    ) -> None:
        self._clean_once()
        tables: dict[str, pd.DataFrame | pa.Table | None] = {
            "contacts": contacts,
            "accounts": accounts,
        }
        delta = None
        if partial:
            whole = self._whole_contacts()
            delta = None if whole is None else self._grown_delta(contacts, whole)
            tables = {
                "contacts": None
                if delta is not None
                else self._merged_scores("contacts", contacts, self._contact_order()),
                "accounts": self._merged_scores("accounts", accounts),
            }
            meta = {**meta, **self._stored_counts(tables, delta, whole)}
        runs = self._scores_root / "runs"
        previous = self._current_run()
        name = f"{pd.Timestamp.now(tz='UTC'):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
        # Written under a temporary name: a killed run leaves a folder the next write removes.
        staging = runs / f".{name}.tmp"
        staging.mkdir(parents=True)
        for level, table in tables.items():
            _write_scores_file(table, staging / f"{level}.parquet", self._score_path(level))
        if delta is not None:
            _write_scores_file(delta, staging / _DELTA)
        text = json.dumps(meta, indent=2, default=str)
        atomic_write_text(staging / "meta.json", text)
        staging.rename(runs / name)
        # The switch: one rename of the pointer file.
        atomic_write_text(self._scores_root / "CURRENT", name + "\n")
        self._run = runs / name
        self._decoded.pop("scores/contacts", None)
        self._decoded.pop("scores/accounts", None)
        self._drop_old_runs(keep={name, previous.name})

    def _whole_contacts(self) -> pa.Table | None:
        """The ids and ``as_of`` of the last whole contact scores file (None: none yet)."""
        path = self._score_path("contacts")
        if not path.exists():
            return None
        return pq.ParquetFile(path).read(columns=["contact_id", "as_of"])

    def _grown_delta(self, rows: pd.DataFrame, whole: pa.Table) -> pa.Table | None:
        """The current delta with ``rows`` laid over it; None when the contacts must be
        written whole (a contact the ``whole`` file lacks, or a delta grown too big)."""
        stored = self._delta_path()
        if rows.empty and stored is None:
            return None  # nothing to add: no delta
        ids = whole.column("contact_id").combine_chunks()
        new = pa.Table.from_pandas(rows, preserve_index=False)
        key = new.column("contact_id").cast(ids.type)
        if pc.count_distinct(key).as_py() != len(key):
            return None  # a contact twice: the whole merge sorts it out
        # Hash the few rescored ids, not the whole file's: where each one sits in the file.
        hits = np.flatnonzero(pc.is_in(ids, value_set=key).to_numpy(zero_copy_only=False))
        if len(hits) != len(key):
            return None  # a contact the file lacks: its place follows the contacts table
        at = hits[pc.index_in(key, value_set=ids.take(pa.array(hits))).to_numpy()]
        new = new.append_column(_ROW, pa.array(at, type=pa.int64()))
        if stored is not None:
            old = pq.read_table(stored)
            kept = old.filter(pc.invert(pc.is_in(old.column(_ROW), value_set=new.column(_ROW))))
            new = pa.concat_tables(
                [kept, new.select(kept.column_names)], promote_options="permissive"
            )
        if new.num_rows > max(_FOLD_MIN, _FOLD_SHARE * len(ids)):
            return None
        return new.sort_by(_ROW)

    def _stored_counts(
        self,
        tables: dict[str, pd.DataFrame | pa.Table | None],
        delta: pa.Table | None,
        whole: pa.Table | None,
    ) -> dict[str, Any]:
        """A partial run's meta: the rows stored per level, and the oldest ``as_of`` of all.

        ``whole`` is the whole contact file's ids and ``as_of``, already read.
        """
        stamps: list[pa.Table] = []
        counts: dict[str, Any] = {}
        for level, table in tables.items():
            if table is None and level == "contacts" and whole is not None:
                table = whole  # the previous run's file, linked as it is
            elif table is None:
                table = pq.read_table(self._score_path(level), columns=["as_of"])
            counts[level] = table.num_rows
            if level == "contacts" and delta is not None:
                # The delta only replaces rows: its stamps stand in for theirs.
                kept = np.ones(table.num_rows, dtype=bool)
                kept[delta.column(_ROW).to_numpy()] = False
                stamps += [table.select(["as_of"]).filter(pa.array(kept)), delta]
            else:
                stamps.append(table)
        return {**counts, "oldest_as_of": _oldest_as_of(stamps)}

    def _delta_path(self) -> Path | None:
        path = self._current_run() / _DELTA
        return path if path.exists() else None

    def _read_stored(self, name: str, path: Path, columns: list[str] | None) -> pa.Table:
        """Some columns of a stored file; the contact scores with the delta laid over them."""
        table = pq.ParquetFile(path).read(columns=columns)  # one file: no dataset set up
        delta = self._delta_path() if name == "scores/contacts" else None
        if delta is None:
            return table
        over = pq.read_table(delta, columns=None if columns is None else [*columns, _ROW])
        at = np.arange(table.num_rows)
        at[over.column(_ROW).to_numpy()] = table.num_rows + np.arange(over.num_rows)
        both = pa.concat_tables(
            [table, over.select(table.column_names)], promote_options="permissive"
        )
        return both.take(pa.array(at))

    def _contact_order(self) -> pa.Array:
        """Every contact id in the contacts table's order (a full run's contact order)."""
        if "contacts" in self._tables:
            return pa.array(self._tables["contacts"]["contact_id"], type=pa.string())
        path = self._path("contacts")
        if not path.exists():
            return pa.array([], type=pa.string())
        self._stored_columns("contacts", path)
        return self._decode("contacts", path, ["contact_id"]).column(0).combine_chunks()

    def _merged_scores(
        self, level: ScoreLevel, rows: pd.DataFrame, order: pa.Array | None = None
    ) -> pa.Table | None:
        """The stored scores of ``level`` with ``rows``' keys replaced, in Arrow (None: unchanged).

        Accounts come ranked by priority, contacts in ``order``: as a full run
        stores them. Merged in Arrow: half a million stored contacts never
        become a frame.
        """
        path = self._score_path(level)
        if not path.exists():
            return pa.Table.from_pandas(rows, preserve_index=False)
        if rows.empty and (level != "contacts" or self._delta_path() is None):
            return None  # the stored file is linked into the new run as it is
        key = "contact_id" if level == "contacts" else "account_id"
        new = pa.Table.from_pandas(rows, preserve_index=False)
        stored = self._read_stored(f"scores/{level}", path, None)
        if order is not None:
            aligned = _replaced_in_place(stored, new, key, order)
            if aligned is not None:
                return aligned
        kept = stored.filter(pc.invert(pc.is_in(stored.column(key), value_set=new.column(key))))
        merged = pa.concat_tables(
            [kept, new.select(kept.column_names)], promote_options="permissive"
        )
        if order is None:
            return merged.sort_by([("priority", "descending"), ("account_id", "ascending")])
        position = pc.index_in(
            merged.column(key), value_set=order.cast(merged.schema.field(key).type)
        )
        position = pc.fill_null(position, len(order))
        return merged.take(pc.sort_indices(position))

    def _drop_old_runs(self, keep: set[str]) -> None:
        """Remove runs but the current and the one before (a reader may still be on it)."""
        for legacy in _SCORE_FILES:  # the single-folder layout of older workspaces
            (self._scores_root / legacy).unlink(missing_ok=True)
        for run in (self._scores_root / "runs").iterdir():
            if run.name not in keep:
                shutil.rmtree(run, ignore_errors=True)

    def _score_path(self, level: str) -> Path:
        return self._current_run() / f"{level}.parquet"

    def scores(self, level: ScoreLevel) -> pd.DataFrame:
        path = self._score_path(level)
        if not path.exists():
            return pd.DataFrame()
        return self._read_stored(f"scores/{level}", path, None).to_pandas()

    def score_meta(self) -> dict[str, Any] | None:
        path = self._current_run() / "meta.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _replaced_in_place(
    stored: pa.Table, new: pa.Table, key: str, order: pa.Array
) -> pa.Table | None:
    """``stored`` with ``new``'s rows in their places, when ``stored`` is in ``order`` already.

    The common case after events alone changed: every contact is scored and the
    stored rows follow the contacts table, and so do the rescored rows (read in
    that order). Comparing the ids costs far less than hashing them; None when
    the case does not hold.
    """
    ids = stored.column(key).combine_chunks().cast(order.type)
    if len(ids) != len(order) or not pc.all(pc.equal(ids, order)).as_py():
        return None
    replaced = pc.is_in(order, value_set=new.column(key).cast(order.type))
    replaced = np.flatnonzero(replaced.to_numpy(zero_copy_only=False))
    if len(replaced) != new.num_rows:
        return None  # a contact scored twice, or one the table lacks
    in_place = order.take(pa.array(replaced))
    if not pc.all(pc.equal(new.column(key).combine_chunks().cast(order.type), in_place)).as_py():
        return None
    rows_at = np.arange(stored.num_rows)
    rows_at[replaced] = stored.num_rows + np.arange(new.num_rows)
    both = pa.concat_tables([stored, new.select(stored.column_names)], promote_options="permissive")
    return both.take(pa.array(rows_at))


def _write_scores_file(
    table: pd.DataFrame | pa.Table | None, path: Path, stored: Path | None = None
) -> None:
    """One level's scores into a new run: a frame, an Arrow table, or None for the ``stored``
    file, linked."""
    if table is None:
        # Unchanged: the same bytes under a second name, no copy (runs are never modified).
        try:
            os.link(stored, path)
        except OSError:  # a file system without hard links
            shutil.copyfile(stored, path)
    elif isinstance(table, pa.Table):
        with atomic_open(path, "wb") as stream:
            pq.write_table(table, stream, compression="zstd", compression_level=1)
    else:
        write_parquet(table, path)


def _oldest_as_of(tables: Iterable[pa.Table]) -> str | None:
    """The earliest ``as_of`` of stored score rows, ISO-8601; None without any."""
    stamps = [
        pc.min(t.column("as_of")).as_py()
        for t in tables
        if "as_of" in t.column_names and t.num_rows
    ]
    stamps = [s for s in stamps if s is not None]
    return pd.Timestamp(min(stamps)).isoformat() if stamps else None
