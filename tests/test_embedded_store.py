"""The embedded store: persistence, atomic writes, and the networkx view of the graph."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest

from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.structure import node


@pytest.fixture
def loaded(tmp_path, builder):
    builder.account("A1").account("A2", parent_account_id="A1").account("C9", is_customer="true")
    builder.contact("P1", "A1", seniority="vp", buying_role="economic_buyer")
    builder.contact("P2", "A1", manager_id="P1", previous_account_ids="C9")
    builder.contact("P3", "A2", manager_id="P2")
    builder.event("P1", "demo_request", 3).event("P2", "page_view", 10)
    builder.add(
        "opportunities", opportunity_id="O1", account_id="C9", is_closed="true", is_won="true"
    )
    builder.add("opportunity_contacts", opportunity_id="O1", contact_id="P2", role="Economic Buyer")
    store = EmbeddedStore(tmp_path / "ws")
    builder.load(store)
    return store


def test_reopening_a_workspace_gives_the_same_graph(loaded, tmp_path):
    reopened = EmbeddedStore(tmp_path / "ws")
    for kind in ("accounts", "contacts", "opportunities", "opportunity_contacts"):
        pd.testing.assert_frame_equal(reopened.table(kind), loaded.table(kind))
    assert reopened.event_count() == loaded.event_count() == 2
    before = loaded.graph()
    after = reopened.graph()
    assert sorted(before.edges(keys=False)) == sorted(after.edges(keys=False))


def test_graph_has_the_relationships_of_the_domain_model(loaded):
    g = loaded.graph()
    types = pd.Series([d["type"] for _, _, d in g.edges(data=True)]).value_counts().to_dict()
    assert types == {
        "WORKS_AT": 3,
        "REPORTS_TO": 2,
        "SUBSIDIARY_OF": 1,
        "WORKED_AT": 1,
        "HAS_ROLE": 1,
        "HAS_OPPORTUNITY": 1,
        "CONTACT_ROLE": 1,
    }
    assert g.has_edge(node("Contact", "P3"), node("Contact", "P2"))
    assert g.has_edge(node("Account", "A2"), node("Account", "A1"))
    assert g.nodes[node("Contact", "P1")]["seniority"] == "vp"


def test_the_graph_of_one_account_holds_only_its_people(loaded):
    g = loaded.graph(pd.Series(["A2"]))
    assert {n for n in g.nodes if n[0] == "Contact"} == {("Contact", "P3")}


def test_a_crash_mid_write_leaves_the_previous_state_readable(loaded, tmp_path, monkeypatch):
    accounts_before = loaded.table("accounts").copy()

    def crash(table, where, **kwargs):
        where.write(b"PAR1 half a file")  # the temporary file's stream
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", crash)
    bigger = pd.concat(
        [accounts_before, accounts_before.assign(account_id="A3")], ignore_index=True
    )
    with pytest.raises(OSError, match="disk full"):
        loaded.upsert("accounts", bigger)
    monkeypatch.undo()
    reopened = EmbeddedStore(tmp_path / "ws")
    pd.testing.assert_frame_equal(reopened.table("accounts"), accounts_before)
    assert not list((tmp_path / "ws" / "store").glob(".*.tmp"))


def test_rows_picked_by_value_are_the_same_in_memory_and_from_disk(loaded, tmp_path):
    # ``loaded`` holds the tables it wrote in memory; a reopened store decodes them.
    reopened = EmbeddedStore(tmp_path / "ws")
    for store in (loaded, reopened):
        some = store.table("contacts", pd.Series(["P3", "P9", "P1"]), columns=["contact_id"])
        assert some["contact_id"].tolist() == ["P1", "P3"]  # stored order; P9 is unknown
        whole = store.table("contacts", ["P2"])
        assert whole["contact_id"].tolist() == ["P2"]
        assert whole["manager_id"].tolist() == ["P1"]
        # A missing value matches only rows missing it: P1 has no manager.
        managed = store.select("contacts", ["contact_id"], ("manager_id", ["P2", None]))
        assert managed["contact_id"].tolist() == ["P1", "P3"]
        assert store.select("contacts", ["contact_id"], ("manager_id", ["P7"])).empty


def test_engagements_are_deduplicated_by_key(loaded, tmp_path, builder):
    assert loaded.event_count() == 2
    builder.load(loaded)  # the same files again
    assert loaded.event_count() == 2


def test_clear_empties_the_store(loaded):
    loaded.clear()
    assert loaded.counts() == {
        "accounts": 0,
        "contacts": 0,
        "intent": 0,
        "opportunities": 0,
        "opportunity_contacts": 0,
        "feedback": 0,
        "sales_activities": 0,
        "engagements": 0,
    }


# -- both stores -------------------------------------------------------------------------
def test_a_table_read_can_be_limited_to_some_columns(store, builder):
    assert list(store.table("contacts", columns=["title", "contact_id"]).columns) == [
        "contact_id",  # the table's order, whatever the order asked
        "title",
    ]
    builder.account("A1").contact("P1", "A1", title="CTO").contact("P2", "A1")
    builder.load(store)
    part = store.table("contacts", columns=["title", "contact_id", "no_such_column"])
    assert list(part.columns) == ["contact_id", "title"]  # an unknown name is left out
    pd.testing.assert_frame_equal(part, store.table("contacts")[["contact_id", "title"]])
    one = store.table("contacts", pd.Series(["P2"]), columns=["contact_id"])
    assert one.to_dict("list") == {"contact_id": ["P2"]}


@pytest.mark.parametrize("extra", [0, 1, 5])
def test_stored_event_keys_are_found_however_many_are_asked(loaded, extra):
    # Fewer keys asked than the 2 stored (a small file against a large store), as many,
    # and more: the same answer.
    stored = loaded.events(["event_key"]).column("event_key").to_pylist()
    unknown = [max(stored) + i + 1 for i in range(extra)]
    asked = pd.Series([stored[1], *unknown], dtype="uint64")
    found = loaded.existing_event_keys(asked)
    assert found.tolist() == [True] + [False] * len(unknown)
    assert found.index.equals(asked.index)
