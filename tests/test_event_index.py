"""The embedded store's contact-ordered copy of the events gives every contact's events."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from abmgraph.errors import StoreError
from abmgraph.graph import event_index
from abmgraph.graph.embedded import EmbeddedStore
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


# -- stored event keys --------------------------------------------------------------------
_TOP = 2**64 - 1  # the largest key: a binary search must find it at the very end


def _events(keys: list[int], ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event_id": pd.Series(ids, dtype="str"),
            "contact_id": pd.Series(["C1"] * len(ids), dtype="str"),
            "type": pd.Series(["demo_request"] * len(ids), dtype="str"),
            "occurred_at": pd.Timestamp("2026-11-01", tz="UTC"),
            "event_key": np.array(keys, dtype=np.uint64),
        }
    )


def _two_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: int) -> EmbeddedStore:
    """Keys 5, 17 and the top one in a first part, 0 and 42 in a second; ``indexed`` of the
    two parts in the index (an index is rebuilt after an ingest only while _STALE_MIN is 0)."""
    store = EmbeddedStore(tmp_path / "ws")
    for number, (keys, ids) in enumerate(
        [([5, 17, _TOP], ["E1", "E2", "E3"]), ([0, 42], ["E4", "E5"])]
    ):
        monkeypatch.setattr(event_index, "_STALE_MIN", 0 if number < indexed else 10**9)
        assert store.upsert("engagements", _events(keys, ids)) == len(keys)
    monkeypatch.setattr(event_index, "_STALE_MIN", 10**9)
    return store


@pytest.mark.parametrize("indexed", [2, 1, 0], ids=["covered", "partly", "not-at-all"])
def test_a_reingest_is_recognised_however_much_of_it_the_index_covers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: int
) -> None:
    store = _two_parts(tmp_path, monkeypatch, indexed)
    parts = store._event_parts()
    assert len(store._index.covered(parts)) == indexed
    asked = pd.Series([42, 5, 6, _TOP, 0, 18, _TOP - 1, 4], dtype="uint64", index=range(10, 18))
    found = store.existing_event_keys(asked)
    assert found.tolist() == [True, True, False, True, True, False, False, False]
    assert found.index.equals(asked.index)
    # E2 and E5 again (one from each part) with a new event: only the new one is added.
    again = _events([17, 42, 7], ["E2", "E5", "E6"])
    assert store.upsert("engagements", again) == 1
    assert store.event_count() == 6
    # A stored key under another event id is refused, whichever part holds it.
    for key in (5, 0):
        with pytest.raises(StoreError, match="key of a different stored event"):
            store.upsert("engagements", _events([key], ["X"]))
    assert store.event_count() == 6


def test_an_index_without_usable_keys_falls_back_to_the_parts_and_gains_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _two_parts(tmp_path, monkeypatch, 1)
    keys_file = store.root / "events_index" / "keys.npy"
    asked = pd.Series([17, 42, 3], dtype="uint64")
    assert np.load(keys_file).tolist() == [5, 17, _TOP]  # the first part's, sorted
    # Written by an older version (no keys), cut short, or for other events: parts scanned.
    keys_file.unlink()
    assert store.existing_event_keys(asked).tolist() == [True, True, False]
    np.save(keys_file, np.array([5, 17, _TOP], dtype=np.uint64))
    keys_file.write_bytes(keys_file.read_bytes()[:-8])
    assert store.existing_event_keys(asked).tolist() == [True, True, False]
    np.save(keys_file, np.array([5], dtype=np.uint64))  # not the 3 events the index covers
    assert store.existing_event_keys(asked).tolist() == [True, True, False]
    keys_file.unlink()
    # A killed keys write left its temporary file: the next write removes it, and the
    # ingest gives the index its keys back.
    leftover = keys_file.with_name(".keys.npy-dead.tmp")
    leftover.write_bytes(b"partial")
    store = EmbeddedStore(tmp_path / "ws")
    assert store.upsert("engagements", _events([8], ["E7"])) == 1
    assert not leftover.exists()
    assert np.load(keys_file).tolist() == [5, 17, _TOP]
    assert store.existing_event_keys(asked).tolist() == [True, True, False]


def test_the_stored_events_of_some_keys_are_read_from_the_row_groups_holding_them(
    tmp_path: Path,
) -> None:
    # Two row groups of two events in the first part, and a second part, none indexed.
    first = tmp_path / "part-0.parquet"
    table = pa.Table.from_pandas(_events([5, 17, 42, 8], ["E1", "E2", "E3", "E4"]))
    pq.write_table(table, first, row_group_size=2)
    second = tmp_path / "part-1.parquet"
    pq.write_table(pa.Table.from_pandas(_events([3, _TOP], ["E5", "E6"])), second)
    index = EventIndex(tmp_path / "index")
    columns = ["event_key", "event_id"]
    asked = np.array([42, 8, _TOP, 9], dtype=np.uint64)  # 42 opens the second row group
    found = index.events_with_keys(asked, [first, second], columns)
    assert found.column_names == columns
    rows = sorted(zip(*found.to_pydict().values(), strict=True))
    assert rows == [(8, "E4"), (42, "E3"), (_TOP, "E6")]
    alone = index.events_with_keys(np.array([42], dtype=np.uint64), [first], columns)
    assert alone.column("event_id").to_pylist() == ["E3"]
    index.build([first])  # indexed now: the keys of the second part are still found
    found = index.events_with_keys(np.array([_TOP, 17], dtype=np.uint64), [first, second], columns)
    assert sorted(found.column("event_id").to_pylist()) == ["E2", "E6"]
    none = index.events_with_keys(np.array([9], dtype=np.uint64), [first, second], columns)
    assert none.num_rows == 0 and none.schema.field("event_key").type == pa.uint64()


def _keyed_part(path: Path, contacts: list[str], types: list[str], keys: list[int]) -> Path:
    at = pd.Timestamp("2026-11-01", tz="UTC") - pd.to_timedelta(keys, unit="h")
    frame = pd.DataFrame(
        {
            "contact_id": contacts,
            "type": types,
            "occurred_at": at,
            "event_key": np.array(keys, dtype=np.uint64),
        }
    )
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def _index_files(folder: Path) -> tuple[dict, dict, list[int], str]:
    contacts = pa.ipc.open_file(str(folder / "contacts.arrow")).read_all().to_pydict()
    events = pa.ipc.open_file(str(folder / "events.arrow")).read_all()
    rows = {
        "type": events.column("type").cast(pa.string()).to_pylist(),
        "occurred_at": events.column("occurred_at").to_pylist(),
    }
    return (
        contacts,
        rows,
        np.load(folder / "keys.npy").tolist(),
        (folder / "covers.json").read_text(),
    )


def test_new_parts_merged_into_the_index_give_the_index_a_build_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = [
        _keyed_part(
            tmp_path / "part-0.parquet", ["C2", "C1", "C2", "C3"], list("abca"), [9, 4, 7, 1]
        ),
        _keyed_part(tmp_path / "part-1.parquet", ["C1", "C4"], ["c", "b"], [12, 3]),
        # A contact sorting before all (C0), new ones (C5, C6), a new type (d), known ones.
        _keyed_part(
            tmp_path / "part-2.parquet", ["C5", "C2", "C0", "C1"], list("dabd"), [2, 30, 5, 11]
        ),
        _keyed_part(tmp_path / "part-3.parquet", ["C4", "C2", "C6"], ["a", "d", "c"], [8, 6, 20]),
    ]
    merged = EventIndex(tmp_path / "merged")
    merged.build(parts[:2])
    monkeypatch.setattr(event_index, "_STALE_PARTS", 1)  # two parts outside: stale
    monkeypatch.setattr(event_index, "_STALE_MIN", 10**9)
    monkeypatch.setattr(event_index.EventIndex, "build", None)  # a merge, not a build
    merged.refresh(parts)
    monkeypatch.undo()
    built = EventIndex(tmp_path / "built")
    built.build(parts)
    contacts, events, keys, covers = _index_files(merged.folder)
    assert (contacts, events, keys, covers) == _index_files(built.folder)
    # Worked out by hand: C2's events from part 0, then part 2, then part 3.
    assert contacts == {
        "contact_id": ["C0", "C1", "C2", "C3", "C4", "C5", "C6"],
        "start": [0, 1, 4, 8, 9, 11, 12],
        "stop": [1, 4, 8, 9, 11, 12, 13],
    }
    assert events["type"] == list("b" + "bcd" + "acad" + "a" + "ba" + "d" + "c")
    hours = [
        (pd.Timestamp("2026-11-01", tz="UTC") - t) // pd.Timedelta("1h")
        for t in events["occurred_at"]
    ]
    assert hours == [5, 4, 12, 11, 9, 7, 30, 6, 1, 3, 8, 2, 20]
    assert keys == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 20, 30]
    found = merged.events_of(pa.array(["C2", "C0"])).to_pandas()
    assert sorted(zip(found["contact_id"], found["type"], strict=True)) == [
        ("C0", "b"),
        ("C2", "a"),
        ("C2", "a"),
        ("C2", "c"),
        ("C2", "d"),
    ]


def test_a_stale_index_without_its_keys_is_built_again_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = [
        _keyed_part(tmp_path / "part-0.parquet", ["C2", "C1"], ["a", "b"], [9, 4]),
        _keyed_part(tmp_path / "part-1.parquet", ["C3"], ["c"], [2]),
        _keyed_part(tmp_path / "part-2.parquet", ["C1"], ["a"], [5]),
    ]
    index = EventIndex(tmp_path / "index")
    index.build(parts[:1])
    (index.folder / "keys.npy").unlink()  # as an earlier version wrote it
    monkeypatch.setattr(event_index, "_STALE_PARTS", 1)
    index.refresh(parts)
    assert index.covered(parts) == {"part-0.parquet", "part-1.parquet", "part-2.parquet"}
    assert np.load(index.folder / "keys.npy").tolist() == [2, 4, 5, 9]
    assert index.held(np.array([5, 3], dtype=np.uint64), parts).tolist() == [True, False]
