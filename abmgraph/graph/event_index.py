"""The embedded store's events ordered by contact, so a few contacts' events are read alone.

Event parts are written in arrival order, so the events of a few contacts
are spread over the whole file and finding them means scanning every event.
An incremental score needs exactly that: the events of the contacts of the
accounts an ingest touched. This index keeps a copy of the events' contact,
type and instant sorted by contact, as uncompressed Arrow IPC files that are
memory-mapped: the events of a contact are one slice, found through a small
table of contacts and their row ranges, and only the pages of those slices
are read.

The index covers the parts named in its ``covers.json``; parts written
after it (small ingests) are scanned, which stays cheap while they are few.
When the uncovered events pass a share of the covered ones, or the uncovered
parts pass a few dozen, the next ingest rebuilds the index from every part. The index is derived data: written to a
temporary folder and renamed into place, and ignored whenever a part it
names is gone, so it is never more than a cache.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["EventIndex"]

_COLUMNS = ["contact_id", "type", "occurred_at"]
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

    def covered(self, parts: list[Path]) -> set[str]:
        """The names of ``parts`` the index covers; none when it is missing or outdated."""
        names = set(self._covers()["parts"])
        return names if names <= {p.name for p in parts} else set()

    def refresh(self, parts: list[Path]) -> None:
        """Rebuild the index when too many events, or too many parts, lie outside it."""
        covered = self.covered(parts)
        inside = self._covers()["rows"] if covered else 0
        outside = [p for p in parts if p.name not in covered]
        events = sum(pq.ParquetFile(p).metadata.num_rows for p in outside)
        if events > max(_STALE_MIN, _STALE_SHARE * inside) or len(outside) > _STALE_PARTS:
            self.build(parts)

    def build(self, parts: list[Path]) -> None:
        """Sort every part's events by contact and switch the new index in."""
        events = pa.concat_tables(
            (pq.read_table(p, columns=_COLUMNS) for p in parts), promote_options="default"
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
        staging = self.folder.with_name(f".{self.folder.name}-{uuid.uuid4().hex[:8]}.tmp")
        staging.mkdir(parents=True)
        _write_ipc(contacts, staging / "contacts.arrow")
        _write_ipc(sorted_events, staging / "events.arrow")
        covers = {"parts": sorted(p.name for p in parts), "rows": events.num_rows}
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


def _write_ipc(table: pa.Table, path: Path) -> None:
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _read_ipc(path: Path) -> pa.Table:
    """A memory-mapped Arrow file: only the pages a computation touches are read."""
    return pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
