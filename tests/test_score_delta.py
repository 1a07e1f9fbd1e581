"""The embedded store's contact scores after partial runs: a whole file and a delta over it."""

from __future__ import annotations

import pandas as pd
import pytest

from abmgraph.graph import embedded_scores
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.scoring.engine import ACCOUNT_COLUMNS, CONTACT_COLUMNS

T0 = pd.Timestamp("2026-11-01", tz="UTC").as_unit("us")
T1 = pd.Timestamp("2026-11-02", tz="UTC").as_unit("us")
T2 = pd.Timestamp("2026-11-03", tz="UTC").as_unit("us")
# Two accounts, two people each; the contacts table lists them in this order.
PEOPLE = {"C1": "A", "C2": "A", "C3": "B", "C4": "B"}


def contact_rows(scores: dict[str, float], at: pd.Timestamp) -> pd.DataFrame:
    rows = pd.DataFrame({"contact_id": list(scores), "score": list(scores.values())})
    rows["account_id"] = rows["contact_id"].map(PEOPLE | {"C5": "B"})
    rows["as_of"] = at
    return rows.reindex(columns=CONTACT_COLUMNS).astype(
        {"contact_id": "str", "account_id": "str", "score": "float64"}
    )


def account_rows(priorities: dict[str, float], at: pd.Timestamp) -> pd.DataFrame:
    rows = pd.DataFrame({"account_id": list(priorities), "priority": list(priorities.values())})
    rows["as_of"] = at
    return rows.reindex(columns=ACCOUNT_COLUMNS).astype(
        {"account_id": "str", "priority": "float64"}
    )


@pytest.fixture
def store(tmp_path, builder) -> EmbeddedStore:
    """Four contacts scored whole as of T0 (scores 10, 20, 30, 40)."""
    builder.account("A").account("B")
    for contact, account in PEOPLE.items():
        builder.contact(contact, account)
    opened = EmbeddedStore(tmp_path / "ws")
    builder.load(opened)
    opened.write_scores(
        contact_rows({"C1": 10, "C2": 20, "C3": 30, "C4": 40}, T0),
        account_rows({"A": 50, "B": 60}, T0),
        {"as_of": T0.isoformat()},
    )
    return opened


def rescore(
    store: EmbeddedStore, contacts: dict[str, float], accounts: dict[str, float], at: pd.Timestamp
) -> None:
    """A partial run as of ``at`` that rescored these contacts and accounts."""
    store.write_scores(
        contact_rows(contacts, at),
        account_rows(accounts, at),
        {"as_of": at.isoformat()},
        partial=True,
    )


def stored(store: EmbeddedStore) -> dict[str, float]:
    frame = EmbeddedStore(store.root.parent).scores("contacts")  # a fresh reader
    return dict(zip(frame["contact_id"], frame["score"], strict=True))


def run_files(store: EmbeddedStore) -> set[str]:
    return {p.name for p in store._current_run().iterdir()}


def test_a_partial_run_writes_a_delta_that_readers_lay_over_the_whole_file(store):
    rescore(store, {"C3": 33}, {"B": 66}, T1)
    assert "contacts.delta.parquet" in run_files(store)
    # The row replaced in place: the file's order is kept.
    assert list(stored(store).items()) == [("C1", 10), ("C2", 20), ("C3", 33), ("C4", 40)]
    picked = EmbeddedStore(store.root.parent).select(
        "scores/contacts", ["contact_id", "score"], where=("contact_id", ["C3", "C4"])
    )
    assert picked.to_dict("list") == {"contact_id": ["C3", "C4"], "score": [33.0, 40.0]}


def test_deltas_accumulate_and_the_oldest_as_of_counts_only_rows_still_stored(store):
    rescore(store, {"C1": 11, "C2": 21}, {"A": 51}, T1)
    meta = store.score_meta()
    assert (meta["contacts"], meta["accounts"]) == (4, 2)
    assert pd.Timestamp(meta["oldest_as_of"]) == T0  # B and its people are still as of T0
    rescore(store, {"C3": 31, "C4": 41, "C1": 12}, {"B": 61}, T2)
    assert stored(store) == {"C1": 12, "C2": 21, "C3": 31, "C4": 41}
    # Every T0 row is replaced now: the oldest is C2's and A's T1.
    assert pd.Timestamp(store.score_meta()["oldest_as_of"]) == T1


def test_a_delta_past_its_share_is_folded_into_a_whole_file(store, monkeypatch):
    monkeypatch.setattr(embedded_scores, "_FOLD_MIN", 1)
    monkeypatch.setattr(embedded_scores, "_FOLD_SHARE", 0.25)  # one contact of four
    rescore(store, {"C2": 22}, {"A": 52}, T1)
    assert "contacts.delta.parquet" in run_files(store)
    rescore(store, {"C4": 44}, {"B": 64}, T2)
    assert "contacts.delta.parquet" not in run_files(store)
    assert list(stored(store).items()) == [("C1", 10), ("C2", 22), ("C3", 30), ("C4", 44)]


def test_a_new_contact_folds_the_delta_in_the_contacts_tables_order(store, builder, tmp_path):
    rescore(store, {"C1": 15}, {"A": 55}, T1)
    more = type(builder)(tmp_path / "more")
    more.contact("C5", "B")
    more.load(store)
    rescore(store, {"C3": 35, "C5": 5}, {"B": 65}, T2)
    assert "contacts.delta.parquet" not in run_files(store)
    assert list(stored(store).items()) == [
        ("C1", 15),
        ("C2", 20),
        ("C3", 35),
        ("C4", 40),
        ("C5", 5),
    ]
    assert store.score_meta()["contacts"] == 5


def test_a_partial_run_that_rescored_no_contact_keeps_the_delta(store):
    rescore(store, {"C2": 25}, {"A": 55}, T1)
    rescore(store, {}, {}, T2)
    assert stored(store) == {"C1": 10, "C2": 25, "C3": 30, "C4": 40}


def test_a_full_run_after_partial_ones_leaves_no_delta(store):
    rescore(store, {"C2": 25}, {"A": 55}, T1)
    store.write_scores(
        contact_rows({"C1": 1, "C2": 2, "C3": 3, "C4": 4}, T2),
        account_rows({"A": 5, "B": 6}, T2),
        {"as_of": T2.isoformat()},
    )
    assert "contacts.delta.parquet" not in run_files(store)
    assert stored(store) == {"C1": 1, "C2": 2, "C3": 3, "C4": 4}
