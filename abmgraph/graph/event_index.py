"""The embedded store's events ordered by contact, so a few contacts' events are read alone.

Event parts are written in arrival order, so the events of a few contacts
are spread over the whole file and finding them means scanning every event.
An incremental score needs exactly that: the events of the contacts of the
accounts an ingest touched. This index keeps a copy of the events' contact,
type and instant sorted by contact, as uncompressed Arrow IPC files that are
memory-mapped: the events of a contact are one slice, found through a small
table of contacts and their row ranges, and only the pages of those slices
are read.

The index also keeps the covered events' ``event_key`` values sorted, as a
memory-mapped ``keys.npy``: whether an ingest's few thousand keys are stored
is a binary search each, touching a few pages, instead of a read of every
stored key. An index written without the keys (by an earlier version) gains
them at the next ingest; until then, and whenever the file is unreadable or
does not match the covered events, the parts are scanned.

The index covers the parts named in its ``covers.json``; parts written
after it (small ingests) are scanned, which stays cheap while they are few.
When the uncovered events pass a share of the covered ones, or the uncovered
parts pass a few dozen, the next ingest merges those parts into the index:
only their events are decoded and sorted, and the covered ones are moved
in order, a fraction of a build from every part (which is what happens when
there is no index yet, or it lacks its keys). The index is derived data:
written to a temporary folder and renamed into place, and ignored whenever
a part it names is gone, so it is never more than a cache.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["EventIndex"]

_COLUMNS = ["contact_id", "type", "occurred_at"]
_KEYS_FILE = "keys.npy"
_EMPTY_TYPES = {"event_key": pa.uint64(), "occurred_at": pa.timestamp("us", tz="UTC")}
# Rebuild once the events outside the index pass this share of those in it (or
# this many events when the index is small), or once this many parts lie outside.
_STALE_SHARE = 0.1
_STALE_MIN = 200_000
_STALE_PARTS = 50


class EventIndex:
    """Events sorted by contact under ``folder``, covering some event parts."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _covers(self) -> dict:
        try:
            return json.loads((self.folder / "covers.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {"parts": [], "rows": 0}

    def covered(self, parts: list[Path], covers: dict | None = None) -> set[str]:
        """The names of ``parts`` the index covers; none when it is missing or outdated."""
        names = set((covers or self._covers())["parts"])
        return names if names <= {p.name for p in parts} else set()

    def refresh(self, parts: list[Path]) -> None:
        """Rebuild the index when too many events, or too many parts, lie outside it."""
        covers = self._covers()
        covered = self.covered(parts, covers)
        inside = covers["rows"] if covered else 0
        outside = [p for p in parts if p.name not in covered]
        events = sum(pq.ParquetFile(p).metadata.num_rows for p in outside)
        if events > max(_STALE_MIN, _STALE_SHARE * inside) or len(outside) > _STALE_PARTS:
            if not (covered and self._extend(covers, outside)):
                self.build(parts)
        elif covered and self._sorted_keys(inside) is None:
            self._add_keys([p for p in parts if p.name in covered], inside)

    def held(self, keys: np.ndarray, parts: list[Path]) -> np.ndarray:
        """Which of these ``event_key`` values (uint64) the event ``parts`` hold.

        Keys of covered parts are found by binary search in the sorted copy;
        the parts outside it (or all, without a usable copy) are scanned.
        """
        found, outside = self._in_sorted_copy(keys, parts)
        if outside and len(keys):
            # ParquetFile.read, not read_table: no dataset set up per small part.
            scanned = pa.concat_tables(
                (pq.ParquetFile(p).read(columns=["event_key"]) for p in outside),
                promote_options="default",
            ).column("event_key")
            incoming = pa.array(keys, type=pa.uint64())
            if len(incoming) < len(scanned):
                # Hash the smaller side: a file of 1,000 events against many stored ones
                # builds a set of 1,000 keys and scans the stored ones.
                scanned = pc.filter(scanned, pc.is_in(scanned, value_set=incoming))
            found |= pc.is_in(incoming, value_set=scanned).to_numpy(zero_copy_only=False)
        return found

    def events_with_keys(self, keys: np.ndarray, parts: list[Path], columns: list[str]) -> pa.Table:
        """These ``columns`` of the stored events whose ``event_key`` is one of ``keys``.

        Only parts that may hold one are read (covered parts only when the
        sorted copy has one of the keys), and of those only the row groups
        holding one: re-sending a recent small file reads a small part.
        """
        found, outside = self._in_sorted_copy(keys, parts)
        searched = outside if not found.any() else parts
        wanted = pa.array(keys, type=pa.uint64())
        tables = []
        for path in searched:
            file = pq.ParquetFile(path)
            hit = pc.is_in(file.read(columns=["event_key"]).column("event_key"), value_set=wanted)
            rows = np.flatnonzero(hit.to_numpy(zero_copy_only=False))
            if not len(rows):
                continue
            sizes = [file.metadata.row_group(g).num_rows for g in range(file.num_row_groups)]
            groups = np.unique(np.searchsorted(np.cumsum(sizes), rows, side="right"))
            table = file.read_row_groups(groups.tolist(), columns=columns)
            tables.append(table.filter(pc.is_in(table.column("event_key"), value_set=wanted)))
        if not tables:
            return pa.table(
                {c: pa.array([], type=_EMPTY_TYPES.get(c, pa.string())) for c in columns}
            )
        return pa.concat_tables(tables, promote_options="default")

    def _in_sorted_copy(self, keys: np.ndarray, parts: list[Path]) -> tuple[np.ndarray, list[Path]]:
        """Which ``keys`` the sorted copy holds, and the ``parts`` it does not cover."""
        covers = self._covers()
        covered = self.covered(parts, covers)
        stored = self._sorted_keys(covers["rows"]) if covered else None
        if stored is None:
            return np.zeros(len(keys), dtype=bool), parts
        return _sorted_member(stored, keys), [p for p in parts if p.name not in covered]

    def build(self, parts: list[Path]) -> None:
        """Sort every part's events by contact and switch the new index in."""
        keyed = _all_keyed(parts)
        columns = [*_COLUMNS, "event_key"] if keyed else _COLUMNS
        events = pa.concat_tables(
            (pq.read_table(p, columns=columns) for p in parts), promote_options="default"
        )
        codes = events.column("contact_id").combine_chunks().dictionary_encode()
        # Sort the distinct contacts once, then the events by their contact's rank.
        ranks = pc.rank(codes.dictionary, sort_keys="ascending", tiebreaker="first")
        rank_of = ranks.to_numpy() - 1
        event_rank = rank_of[codes.indices.to_numpy(zero_copy_only=False)]
        order = np.argsort(event_rank, kind="stable")
        counts = np.bincount(event_rank, minlength=len(rank_of))
        stops = np.cumsum(counts)
        contacts = pa.table(
            {
                "contact_id": codes.dictionary.take(pa.array(np.argsort(rank_of))),
                "start": pa.array(stops - counts),
                "stop": pa.array(stops),
            }
        )
        sorted_events = pa.table(
            {
                "type": events.column("type").combine_chunks().take(order).dictionary_encode(),
                "occurred_at": events.column("occurred_at").combine_chunks().take(order),
            }
        )
        keys = None
        if keyed and events.column("event_key").null_count == 0:
            keys = np.sort(events.column("event_key").to_numpy().astype(np.uint64, copy=False))
        covers = {"parts": sorted(p.name for p in parts), "rows": events.num_rows}
        self._switch_in(contacts, sorted_events, keys, covers)

    def _extend(self, covers: dict, outside: list[Path]) -> bool:
        """Merge the events of the ``outside`` parts into the index; False when it cannot.

        The same index a build from every part gives (each contact's events
        in part order), without decoding and sorting the covered events again:
        the covered ones keep their order and move by their contact's new
        start, the few new ones are sorted alone, and one gather writes both.
        """
        old_keys = self._sorted_keys(covers["rows"])
        if old_keys is None or not _all_keyed(outside):
            return False  # an index without its keys is built again whole
        contacts = _read_ipc(self.folder / "contacts.arrow")
        indexed = _read_ipc(self.folder / "events.arrow")
        new = pa.concat_tables(
            (pq.ParquetFile(p).read(columns=[*_COLUMNS, "event_key"]) for p in outside),
            promote_options="default",
        )
        old_ids = contacts.column("contact_id").combine_chunks()
        old_starts = contacts.column("start").to_numpy()
        old_lengths = contacts.column("stop").to_numpy() - old_starts
        n_old, n_new = indexed.num_rows, new.num_rows
        if old_lengths.sum() != n_old or new.column("contact_id").null_count:
            return False
        codes = new.column("contact_id").combine_chunks().cast(old_ids.type).dictionary_encode()
        extra = codes.dictionary.filter(pc.invert(pc.is_in(codes.dictionary, value_set=old_ids)))
        union = pa.concat_arrays([old_ids, extra])
        by_id = pc.sort_indices(union).to_numpy()
        rank_of = np.empty(len(union), dtype=np.int64)
        rank_of[by_id] = np.arange(len(union))
        old_rank = rank_of[: len(old_ids)]
        code_rank = rank_of[pc.index_in(codes.dictionary, value_set=union).to_numpy()]
        new_rank = code_rank[codes.indices.to_numpy()]
        old_counts = np.zeros(len(union), dtype=np.int64)
        old_counts[old_rank] = old_lengths
        counts = old_counts + np.bincount(new_rank, minlength=len(union))
        stops = np.cumsum(counts)
        starts = stops - counts
        # Where each event goes: a covered one moves by its contact's shift, a new one
        # follows its contact's covered events, in part order.
        dest = np.empty(n_old + n_new, dtype=np.int64)
        dest[:n_old] = np.repeat(starts[old_rank] - old_starts, old_lengths) + np.arange(n_old)
        order = np.argsort(new_rank, kind="stable")
        ranked = new_rank[order]
        within = np.arange(n_new) - np.searchsorted(ranked, ranked, side="left")
        dest[n_old + order] = starts[ranked] + old_counts[ranked] + within
        gather = np.empty_like(dest)
        gather[dest] = np.arange(n_old + n_new)
        gather = pa.array(gather)
        old_type = indexed.column("type").combine_chunks()
        new_type = new.column("type").combine_chunks().cast(old_type.type.value_type)
        types = pa.chunked_array([old_type, new_type.dictionary_encode()]).unify_dictionaries()
        instants = indexed.column("occurred_at").combine_chunks()
        new_instants = new.column("occurred_at").combine_chunks().cast(instants.type)
        sorted_events = pa.table(
            {
                "type": types.combine_chunks().take(gather),
                "occurred_at": pa.concat_arrays([instants, new_instants]).take(gather),
            }
        )
        merged_contacts = pa.table(
            {"contact_id": union.take(pa.array(by_id)), "start": starts, "stop": stops}
        )
        new_keys = np.sort(new.column("event_key").to_numpy().astype(np.uint64, copy=False))
        keys = np.insert(np.asarray(old_keys), np.searchsorted(old_keys, new_keys), new_keys)
        parts = sorted([*covers["parts"], *(p.name for p in outside)])
        self._switch_in(merged_contacts, sorted_events, keys, {"parts": parts, "rows": len(keys)})
        return True

    def _switch_in(
        self, contacts: pa.Table, events: pa.Table, keys: np.ndarray | None, covers: dict
    ) -> None:
        """Write an index into a staging folder and rename it into place."""
        staging = self.folder.with_name(f".{self.folder.name}-{uuid.uuid4().hex[:8]}.tmp")
        staging.mkdir(parents=True)
        _write_ipc(contacts, staging / "contacts.arrow")
        _write_ipc(events, staging / "events.arrow")
        if keys is not None:
            _save_keys(keys, staging / _KEYS_FILE)
        (staging / "covers.json").write_text(json.dumps(covers), encoding="utf-8")
        old = self.folder.with_name(f".{self.folder.name}-{uuid.uuid4().hex[:8]}.old")
        if self.folder.exists():
            self.folder.rename(old)
        staging.rename(self.folder)
        shutil.rmtree(old, ignore_errors=True)

    def events_of(self, wanted: pa.Array) -> pa.Table:
        """Contact, type and instant of every indexed event of the ``wanted`` contacts."""
        contacts = _read_ipc(self.folder / "contacts.arrow")
        # Hash the few wanted ids and probe the index's contacts, not the other way round.
        hit = pc.is_in(contacts.column("contact_id"), value_set=wanted)
        rows = np.flatnonzero(hit.to_numpy(zero_copy_only=False))
        starts = contacts.column("start").to_numpy()[rows]
        stops = contacts.column("stop").to_numpy()[rows]
        lengths = stops - starts
        # Every row of every slice, without a Python loop over the contacts.
        offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        picks = offsets + np.arange(lengths.sum())
        events = _read_ipc(self.folder / "events.arrow").take(pa.array(picks))
        ids = contacts.column("contact_id").take(pa.array(np.repeat(rows, lengths)))
        return pa.table(
            {
                "contact_id": ids,
                "type": events.column("type").cast(pa.string()),
                "occurred_at": events.column("occurred_at"),
            }
        )

    def _sorted_keys(self, rows: int) -> np.ndarray | None:
        """The covered events' sorted keys, memory-mapped; None when missing or not matching."""
        try:
            keys = np.load(self.folder / _KEYS_FILE, mmap_mode="r")
        except (OSError, ValueError):  # absent, or cut short by a killed write
            return None
        if keys.dtype != np.uint64 or keys.ndim != 1 or len(keys) != rows:
            return None
        return keys

    def _add_keys(self, covered: list[Path], rows: int) -> None:
        """Give an index written without the sorted keys (an older version) its keys file."""
        if not _all_keyed(covered):
            return
        keys = pa.concat_tables(
            (pq.read_table(p, columns=["event_key"]) for p in covered), promote_options="default"
        ).column("event_key")
        if len(keys) != rows or keys.null_count:
            return
        # Renamed into place: a killed write leaves no keys file (the parts are scanned).
        staging = self.folder / f".{_KEYS_FILE}-{uuid.uuid4().hex[:8]}.tmp"
        _save_keys(np.sort(keys.to_numpy().astype(np.uint64, copy=False)), staging)
        os.replace(staging, self.folder / _KEYS_FILE)


def _all_keyed(parts: list[Path]) -> bool:
    """Whether every part stores ``event_key`` (a store's parts always do)."""
    return all("event_key" in pq.read_schema(p).names for p in parts)


def _save_keys(ordered: np.ndarray, path: Path) -> None:
    with open(path, "wb") as sink:
        np.save(sink, ordered, allow_pickle=False)


def _sorted_member(stored: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``keys`` found in the sorted ``stored``: a binary search each, in key order so
    that neighbouring searches share the pages they read."""
    if not len(stored) or not len(keys):
        return np.zeros(len(keys), dtype=bool)
    order = np.argsort(keys)
    ordered = keys[order]
    at = np.minimum(np.searchsorted(stored, ordered), len(stored) - 1)
    found = np.empty(len(keys), dtype=bool)
    found[order] = np.asarray(stored[at]) == ordered
    return found


def _write_ipc(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _read_ipc(path: Path) -> pa.Table:
    """A memory-mapped Arrow file: only the pages a computation touches are read."""
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
