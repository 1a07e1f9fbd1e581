"""The org chart, gap and warm-path questions asked for many accounts at once answer as
they do one account at a time: on the hand-worked graph of ``test_queries`` and on
the demo, on both stores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BACKENDS, score

from abmgraph.demo import generate, write
from abmgraph.demo_run import INGEST_ORDER
from abmgraph.errors import NotFoundError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.store import GraphStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.queries import account_gaps, org_chart, warm_paths
from abmgraph.queries.gaps import gaps_by_account
from abmgraph.queries.org import org_charts
from abmgraph.queries.warm_paths import warm_paths_by_account
from abmgraph.report.snapshot import Snapshot
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store
from tests.test_queries import build

# Every account of the hand-worked graph, customers and an account without contacts among them.
HAND_IDS = [
    "T1", "PARENT", "SUB1", "SIB", "CYC", "EMPTY", "CUST", "CUST2", "CUST3", "MID",
    "LOOP1", "LOOP2", "LOOP3", "SELFP",
]  # fmt: skip


@pytest.fixture(scope="module", params=BACKENDS)
def graph(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("batch")
    if request.param == "neo4j":
        store = request.getfixturevalue("neo4j_server")
        store.clear()
        build(folder / "input").load(store)
        score(store)
        yield store
        return
    with EmbeddedStore(folder / "ws") as loading:
        build(folder / "input").load(loading)
        score(loading)
    with EmbeddedStore(folder / "ws") as store:
        yield store


def _batch(store: GraphStore, ids: list[str]) -> dict[str, list]:
    charts = org_charts(store, ids)
    gaps = gaps_by_account(store, ids, per_role=2)
    warm = warm_paths_by_account(store, ids, limit=5)
    assert list(charts) == list(gaps) == list(warm) == list(dict.fromkeys(ids))
    return {a: [charts[a], gaps[a], warm[a]] for a in charts}


def _one_by_one(store: GraphStore, ids: list[str]) -> dict[str, list]:
    return {
        a: [org_chart(store, a), account_gaps(store, a, per_role=2), warm_paths(store, a, limit=5)]
        for a in ids
    }


def _same(batch: dict, single: dict) -> None:
    assert batch.keys() == single.keys()
    for account_id in batch:
        assert json.dumps(batch[account_id]) == json.dumps(single[account_id]), account_id


def test_every_account_at_once_answers_as_one_at_a_time(graph):
    _same(_batch(graph, HAND_IDS), _one_by_one(graph, HAND_IDS))
    # Through the report's snapshot, and in another order, with an id asked twice.
    asked = [*reversed(HAND_IDS), "T1"]
    _same(_batch(Snapshot(graph), asked), _one_by_one(graph, HAND_IDS[::-1]))


def test_asked_together_each_account_keeps_its_own_answers(graph):
    # CUST3 is a customer: asked with T1 it is still where T1's path starts, and
    # T1 (whose contact K3 used to work there) is never a customer of its own walk.
    warm = warm_paths_by_account(graph, ["CUST3", "T1", "EMPTY"])
    assert [(r["kind"], r["customer_id"], r["contact_id"], r["strength"]) for r in warm["T1"]] == [
        ("job_changer", "CUST", "T1OPS", 100.0),
        ("job_changer", "CUST", "T1VPE", 80.0),
        ("path", "CUST3", "K3", 80.0),
        ("path", "CUST2", "T1ENG", 32.0),
    ]
    assert all(r["customer_id"] != "CUST3" for r in warm["CUST3"])
    assert warm["EMPTY"] == []
    charts = org_charts(graph, ["CYC", "T1"])
    # Nobody of CYC reports into T1 or the other way round.
    assert [(p["contact_id"], p["above"], p["below"]) for p in charts["T1"]["people"]] == [
        ("T1CEO", 0, 5), ("T1CFO", 1, 0), ("T1VPE", 1, 2), ("T1MGR", 2, 1), ("T1ENG", 3, 0),
        ("T1OPS", 1, 0),
    ]  # fmt: skip
    assert {p["champion_id"] for p in charts["CYC"]["paths_to_power"]} == {"CY4", "CY5"}
    assert [p["champion_id"] for p in charts["T1"]["paths_to_power"]] == ["T1MGR"]
    gaps = gaps_by_account(graph, ["EMPTY", "T1"], per_role=1)
    # The CFO holds economic_buyer, and title, finance and c_level fit: 90 points.
    assert [(g["role"], g["contact_id"], g["fit"]) for g in gaps["T1"]] == [
        ("economic_buyer", "T1CFO", 90.0),
        ("end_user", "T1OPS", 75.0),
    ]
    assert {g["contact_id"] for g in gaps["EMPTY"]} == {None}


def test_an_unknown_account_among_many_is_named(graph):
    for ask in (org_charts, gaps_by_account, warm_paths_by_account):
        with pytest.raises(NotFoundError, match="'NOPE'"):
            ask(graph, ["T1", "NOPE", "CYC"])
    assert org_charts(graph, []) == {}


def _demo(store: GraphStore, folder: Path) -> None:
    paths = write(generate(accounts=40, seed=21, anchor="2026-11-01"), folder / "data")
    for kind in INGEST_ORDER:
        ingest_file(store, kind, paths[kind], rejects_path=folder / f"{kind}.csv", quiet=True)
    score_store(store, ScoringConfig(), parse_as_of("2026-11-01T00:00:00Z"))


def test_the_demo_at_once_answers_as_one_at_a_time(tmp_path):
    with EmbeddedStore(tmp_path / "ws") as store:
        _demo(store, tmp_path)
    with EmbeddedStore(tmp_path / "ws") as store:
        ids = store.table("accounts")["account_id"].tolist()
        batch = _batch(Snapshot(store), ids)
        single = _one_by_one(store, ids)
    _same(batch, single)
    # The demo has committees, reporting lines and warm paths to compare, not just empties.
    assert sum(len(b[0]["people"]) for b in batch.values()) > 300
    assert sum(len(b[0]["paths_to_power"]) for b in batch.values()) > 10
    assert sum(len(b[2]) for b in batch.values()) > 10


@pytest.mark.neo4j
def test_the_demo_at_once_on_the_embedded_store_answers_as_neo4j(neo4j_server, tmp_path):
    neo4j_server.clear()
    _demo(neo4j_server, tmp_path)
    with EmbeddedStore(tmp_path / "ws") as store:
        _demo(store, tmp_path)
    with EmbeddedStore(tmp_path / "ws") as store:
        ids = store.table("accounts")["account_id"].tolist()
        embedded = _batch(Snapshot(store), ids)
    _same(embedded, _one_by_one(neo4j_server, ids))
    _same(_batch(neo4j_server, ids), _one_by_one(neo4j_server, ids))
