"""The embedded store's contact-ordered copy of the events gives every contact's events."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from abmgraph.graph.event_index import EventIndex


def _part(path: Path, contacts: list[str], types: list[str], days: list[int]) -> Path:
    at = pd.Timestamp("2026-11-01", tz="UTC") - pd.to_timedelta(days, unit="D")
    frame = pd.DataFrame({"contact_id": contacts, "type": types, "occurred_at": at})
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def test_the_events_of_some_contacts_come_from_the_sorted_copy(tmp_path: Path) -> None:
    parts = [
        _part(
            tmp_path / "part-0.parquet",
            ["C2", "C1", "C2", "C3"],
            ["a", "b", "c", "a"],
            [1, 2, 3, 4],
        ),
        _part(tmp_path / "part-1.parquet", ["C1", "C4"], ["c", "b"], [5, 6]),
    ]
    index = EventIndex(tmp_path / "index")
    assert index.covered(parts) == set()
    index.build(parts)
    assert index.covered(parts) == {"part-0.parquet", "part-1.parquet"}
    found = index.events_of(pa.array(["C1", "C2", "C9"])).to_pandas()
    found["days"] = (pd.Timestamp("2026-11-01", tz="UTC") - found["occurred_at"]).dt.days
    rows = sorted(zip(found["contact_id"], found["type"], found["days"], strict=True))
    # C1's events from both parts, C2's two, nothing for C9 (no events) or the others.
    assert rows == [("C1", "b", 2), ("C1", "c", 5), ("C2", "a", 1), ("C2", "c", 3)]
    assert index.events_of(pa.array([], type=pa.string())).num_rows == 0
    # A part it names is gone (the store was cleared): the copy is not used.
    assert index.covered(parts[:1]) == set()
    assert index.events_of(pa.array(["C4"])).column("type").to_pylist() == ["b"]
