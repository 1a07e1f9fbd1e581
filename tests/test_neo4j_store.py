"""The Neo4j store against a real server: same frames as the embedded store, a sound graph.

Tests marked ``neo4j`` need a server: ``NEO4J_URI`` if set, else the local one
started by ``scripts/neo4j-local start``. Without one they fail with a message
saying so; deselect them with ``pytest -m "not neo4j"``. Every such test
starts from an empty database.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from abmgraph.errors import StoreError, StoreUnavailableError
from abmgraph.graph import neo4j_columns, neo4j_connection, neo4j_cypher, neo4j_store
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.neo4j_cypher import load_query
from abmgraph.graph.neo4j_store import Neo4jStore
from abmgraph.graph.schema import KINDS, Kind
from abmgraph.graph.store import EventWindow, GraphStore
from abmgraph.graph.tables import column_dtypes, empty_table
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store

URI = os.environ.get("NEO4J_URI") or neo4j_store.DEFAULT_URI
TABLE_KINDS: list[Kind] = [k for k in KINDS if k != "engagements"]
AS_OF = pd.Timestamp("2026-11-01T00:00:00Z")
HOSTILE = "x'}) DETACH DELETE n //"


# -- fixtures ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server() -> Iterator[Neo4jStore]:
    try:
        store = Neo4jStore.connect(uri=URI)
    except StoreUnavailableError as exc:
        problem = str(exc)
    else:
        problem = ""
    if problem:
        pytest.fail(
            f"These tests need a Neo4j server. {problem} "
            "Or deselect them with: pytest -m 'not neo4j'",
            pytrace=False,
        )
    yield store
    store.close()


@pytest.fixture
def neo(server: Neo4jStore, monkeypatch: pytest.MonkeyPatch) -> Neo4jStore:
    """The server's store, emptied, with small batches so several are written."""
    server.clear()
    monkeypatch.setattr(server, "batch_size", 3)
    monkeypatch.setattr(server, "event_batch_size", 4)
    monkeypatch.setattr(server, "read_chunk", 5)
    monkeypatch.setattr(server, "summary_chunk", 2)
    monkeypatch.setattr(server, "lookup_chunk", 3)
    return server


@pytest.fixture
def embedded(tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path / "ws")


# -- data ------------------------------------------------------------------------------
def frame(kind: Kind, *rows: dict[str, Any]) -> pd.DataFrame:
    """A normalised table of ``kind``: every stored column typed, extras as text."""
    typed = column_dtypes(kind)
    given = pd.DataFrame(list(rows))
    out = {
        c: pd.Series(given[c] if c in given else [None] * len(given), dtype=object).astype(d)
        if not d.startswith("datetime")
        else pd.to_datetime(given[c] if c in given else [None] * len(given), utc=True).astype(d)
        for c, d in typed.items()
    }
    out.update({c: given[c].astype("str") for c in given.columns if c not in typed})
    return pd.DataFrame(out)


def event(key: int, contact_id: str | None, type: str, days_ago: float, **extra: Any) -> dict:
    return {
        "event_key": np.uint64(key),
        "event_id": f"E{key}",
        "contact_id": contact_id,
        "type": type,
        "occurred_at": AS_OF - pd.Timedelta(days=days_ago),
        **extra,
    }


def sample() -> dict[Kind, pd.DataFrame]:
    """A small graph touching every kind, column type and relationship."""
    return {
        "accounts": frame(
            "accounts",
            {
                "account_id": "A1",
                "name": "Acme",
                "domain": "acme.com",
                "employees": 1200,
                "annual_revenue": 2.5e8,
                "technologies": "salesforce;hubspot",
                "is_target": True,
                "tier_hint": "gold",
            },
            {
                "account_id": "A2",
                "name": "Acme Holdings",
                "domain": "acmeholdings.com",
                "is_customer": False,
            },
            {
                "account_id": "A3",
                "name": "Beta",
                "domain": "beta.io",
                "parent_account_id": "A2",
                "country": "DE",
            },
        ),
        "contacts": frame(
            "contacts",
            {
                "contact_id": "C1",
                "account_id": "A1",
                "email": "ceo@acme.com",
                "seniority": "c_level",
                "department": "executive",
                "buying_role": "decision_maker",
                "opted_out": False,
                "previous_account_ids": "A3;A9",
            },
            {
                "contact_id": "C2",
                "account_id": "A1",
                "email": "vp@acme.com",
                "manager_id": "C1",
                "seniority": "vp",
                "department": "it",
                "buying_role": "champion",
                "consent": True,
            },
            {
                "contact_id": "C3",
                "account_id": "A3",
                "email": "dev@beta.io",
                "manager_id": "C9",
                "seniority": "individual_contributor",
                "department": "engineering",
            },
            {"contact_id": "C4", "email": "lead@gmail.com", "is_free_mail": True},
        ),
        "engagements": frame(
            "engagements",
            event(1, "C1", "pricing_page_view", 1.5),
            event(2, "C1", "pricing_page_view", 20),
            event(3, "C1", "demo_request", 40, channel="web"),
            event(2**63 + 7, "C2", "webinar_attended", 3, campaign="Q4 launch"),
            event(5, "C2", "email_open", 200),
            event(6, "C3", "page_view", 0),
            event(7, "C3", "page_view", -2),  # after as_of
            event(8, "C9", "page_view", 5),  # contact not loaded yet
        ),
        "intent": frame(
            "intent",
            {
                "account_id": "A1",
                "topic": "crm",
                "score": 80.0,
                "observed_at": AS_OF - pd.Timedelta(days=3),
            },
            {
                "account_id": "A1",
                "topic": "crm",
                "score": 60.0,
                "observed_at": AS_OF - pd.Timedelta(days=10),
            },
            {
                "account_id": "A7",
                "topic": "abm",
                "score": 55.5,
                "observed_at": AS_OF - pd.Timedelta(days=1),
            },
        ),
        "opportunities": frame(
            "opportunities",
            {
                "opportunity_id": "O1",
                "account_id": "A1",
                "stage": "Proposal",
                "is_closed": False,
                "amount": 50000.0,
                "created_at": AS_OF - pd.Timedelta(days=30),
            },
            {
                "opportunity_id": "O2",
                "account_id": "A3",
                "is_closed": True,
                "is_won": True,
                "created_at": AS_OF - pd.Timedelta(days=400),
                "closed_at": AS_OF - pd.Timedelta(days=300, microseconds=17),
            },
        ),
        "opportunity_contacts": frame(
            "opportunity_contacts",
            {"opportunity_id": "O1", "contact_id": "C2", "role": "champion", "is_primary": True},
            {"opportunity_id": "O1", "contact_id": "C1", "role": "economic_buyer"},
            {"opportunity_id": "O2", "contact_id": "C3"},
        ),
    }


def with_late_contact(tables: dict[Kind, pd.DataFrame]) -> dict[Kind, pd.DataFrame]:
    """The sample with C9, whose event it holds, among the contacts."""
    late = frame("contacts", {"contact_id": "C9", "account_id": "A3"})
    return {**tables, "contacts": pd.concat([tables["contacts"], late], ignore_index=True)}


def load(store: GraphStore, tables: dict[Kind, pd.DataFrame]) -> dict[Kind, int]:
    return {kind: store.upsert(kind, rows) for kind, rows in tables.items()}


def window(**changes: float) -> EventWindow:
    settings = {"lookback_days": 180, "half_life_days": 30, "recent_days": 14, "prior_days": 28}
    settings.update(changes)
    return EventWindow(AS_OF, **settings)


def sorted_summary(summary: pd.DataFrame) -> pd.DataFrame:
    return summary.sort_values(["contact_id", "type"]).reset_index(drop=True)


def _key(node: str) -> str:
    return (
        f"CASE WHEN {node}:Account THEN {node}.account_id WHEN {node}:Contact THEN"
        f" {node}.contact_id WHEN {node}:Opportunity THEN {node}.opportunity_id"
        f" WHEN {node}:Engagement THEN {node}.event_id ELSE {node}.name END"
    )


def relationships(store: Neo4jStore) -> list[tuple]:
    """Every relationship as (from key, type, properties, to key), sorted."""
    query = (
        f"MATCH (a)-[r]->(b) RETURN {_key('a')} AS a, type(r) AS type,"
        f" properties(r) AS properties, {_key('b')} AS b"
    )
    records, _, _ = store._driver.execute_query(query, database_=store.database)
    return sorted(
        (r["a"], r["type"], repr(sorted(r["properties"].items())), r["b"]) for r in records
    )


def rel_count(store: Neo4jStore, type: str) -> int:
    return sum(1 for r in relationships(store) if r[1] == type)


def nodes(store: Neo4jStore) -> list[tuple]:
    """Every node's labels and properties, without row sequence numbers and bookkeeping."""
    query = "MATCH (n) WHERE NOT n:AbmgraphMeta RETURN labels(n) AS labels, properties(n) AS p"
    records, _, _ = store._driver.execute_query(query, database_=store.database)
    unnumbered = {"_seq", "_score_run"}  # the run is a random id
    return sorted(
        repr((r["labels"], sorted((k, v) for k, v in r["p"].items() if k not in unnumbered)))
        for r in records
    )


def snapshot(store: Neo4jStore) -> dict[str, Any]:
    return {
        "tables": {kind: store.table(kind) for kind in TABLE_KINDS},
        "counts": store.counts(),
        "nodes": nodes(store),
        "relationships": relationships(store),
    }


def assert_same_graph(a: dict[str, Any], b: dict[str, Any]) -> None:
    for kind in TABLE_KINDS:
        pd.testing.assert_frame_equal(a["tables"][kind], b["tables"][kind])
    assert a["counts"] == b["counts"]
    assert a["nodes"] == b["nodes"]
    assert a["relationships"] == b["relationships"]


def plain_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells as Python lists (Parquet gives numpy arrays), for comparison."""
    return frame.apply(
        lambda column: (
            column.map(lambda v: list(v) if isinstance(v, np.ndarray) else v)
            if column.dtype == object
            else column
        )
    )


# -- queries as package data (no server needed) ------------------------------------------
def test_named_queries_load_from_the_package():
    text = load_query("upsert_contacts")
    assert "UNWIND range(0, $count - 1) AS idx\nWITH {{row}} AS row" in text
    folder = Path(neo4j_cypher.__file__).parent / "cypher"
    names = sorted(p.stem for p in folder.glob("*.cypher"))
    assert {"schema", "engagement_summary", "node_rows", "clear"} <= set(names)
    for name in names:
        assert load_query(name).strip(), name


def test_query_names_are_quoted_never_pasted():
    query = neo4j_cypher.build_query("match_keys", "node_rows", label="Contact", key="contact_id")
    assert "MATCH (n:`Contact`)" in query
    assert "n.`contact_id` = id" in query
    assert "{{" not in query
    assert neo4j_columns.quote("a`b") == "`a``b`"
    with pytest.raises(StoreError, match="not a label or column"):
        neo4j_cypher.build_query("resolve", label="Account", key="account_id", by=HOSTILE)


def test_bulk_import_needs_neither_the_driver_nor_the_store():
    # Writing import files is bookkeeping only: labels, properties, column models.
    code = (
        "import sys, abmgraph.graph.neo4j_import\n"
        "print(sorted(m for m in sys.modules if m == 'neo4j' or m.startswith(\n"
        "    ('neo4j.', 'abmgraph.graph.neo4j_store', 'abmgraph.graph.neo4j_connection'))))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_every_upsert_reads_its_rows_from_column_lists():
    for kind in KINDS:
        assert "{{row}}" in load_query(f"upsert_{kind}"), kind


def test_rows_travel_as_column_lists_with_names_quoted():
    text = neo4j_columns.row_map(["a`b", "when"], temporal=["when"])
    assert text == (
        "{`a``b`: $c0[idx], `when`: CASE WHEN $c1[idx] IS NULL THEN null"
        " ELSE datetime.fromepoch($c1[idx], $c1_ns[idx]) END}"
    )
    rows = pd.DataFrame(
        {
            "a`b": pd.Series(["x'}) DETACH DELETE n //", None], dtype="str"),
            "when": pd.to_datetime(["1970-01-02T00:00:01.25Z", None], utc=True),
        }
    )
    params = neo4j_columns.column_params(rows, ["a`b", "when", "gone"], temporal=["when"])
    assert params == {
        "count": 2,
        "c0": ["x'}) DETACH DELETE n //", None],
        "c1": [86_401, None],  # one day and one second after the epoch
        "c1_ns": [250_000_000, None],
        "c2": [None, None],  # a column the rows lack is written as nulls: SET += removes it
    }
    # Before 1970 the seconds round down and the nanoseconds stay positive.
    before = pd.DataFrame({"when": pd.to_datetime(["1969-12-31T23:59:59.5Z"], utc=True)})
    params = neo4j_columns.column_params(before, ["when"], temporal=["when"])
    assert (params["c0"], params["c0_ns"]) == ([-1], [500_000_000])


def test_package_data_includes_the_queries():
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"graph/cypher/*.cypher"' in pyproject


# -- connection errors (no server needed) ----------------------------------------------
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_server_names_the_uri():
    uri = f"bolt://127.0.0.1:{closed_port()}"
    with pytest.raises(StoreUnavailableError) as caught:
        Neo4jStore.connect(uri=uri)
    message = str(caught.value)
    assert message.startswith(f"Cannot reach Neo4j at {uri}: ")
    assert "Start one with scripts/neo4j-local start or set NEO4J_URI." in message
    assert "\n" not in message


def test_connection_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    uri = f"bolt://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("NEO4J_URI", uri)
    with pytest.raises(StoreUnavailableError, match=re.escape(uri)):
        Neo4jStore.connect()


def _packstream_string(text: str) -> bytes:
    data = text.encode()
    return (bytes([0x80 + len(data)]) if len(data) < 16 else bytes([0xD0, len(data)])) + data


def _refuse_credentials(listener: socket.socket) -> None:
    """Speak just enough Bolt 5.0 to answer HELLO the way Neo4j answers a bad password."""
    connection, _ = listener.accept()
    with connection:
        connection.recv(20)  # magic number and the four version proposals
        connection.sendall(bytes([0, 0, 0, 5]))
        received = b""
        while not received.endswith(b"\x00\x00"):
            chunk = connection.recv(65536)
            if not chunk:
                return
            received += chunk
        body = (
            b"\xb1\x7f\xa2"
            + _packstream_string("code")
            + _packstream_string("Neo.ClientError.Security.Unauthorized")
            + _packstream_string("message")
            + _packstream_string("The client is unauthorized due to authentication failure.")
        )
        connection.sendall(struct.pack(">H", len(body)) + body + b"\x00\x00")
        with contextlib.suppress(OSError):
            connection.recv(1024)


def test_wrong_credentials_are_reported_without_the_password(monkeypatch: pytest.MonkeyPatch):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        uri = f"bolt://127.0.0.1:{listener.getsockname()[1]}"
        threading.Thread(target=_refuse_credentials, args=(listener,), daemon=True).start()
        monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pw")
        with pytest.raises(StoreUnavailableError) as caught:
            Neo4jStore.connect(uri=uri, user="alice")
    assert str(caught.value) == (
        f"Neo4j at {uri} refused the credentials for user alice; "
        "check NEO4J_USER and NEO4J_PASSWORD."
    )
    assert "s3cret-pw" not in str(caught.value)


# -- against a server ------------------------------------------------------------------
@pytest.mark.neo4j
def test_empty_store_reads_like_the_embedded_one(neo: Neo4jStore, embedded: EmbeddedStore):
    for kind in TABLE_KINDS:
        pd.testing.assert_frame_equal(neo.table(kind), embedded.table(kind))
        pd.testing.assert_frame_equal(neo.table(kind), empty_table(kind))
    assert neo.counts() == embedded.counts()
    assert neo.event_count() == 0
    pd.testing.assert_frame_equal(
        neo.engagement_summary(window()), embedded.engagement_summary(window())
    )
    assert neo.scores("accounts").empty and neo.score_meta() is None
    keys = pd.Series([1, 2], dtype="uint64")
    pd.testing.assert_series_equal(neo.existing_event_keys(keys), pd.Series([False, False]))
    values = pd.Series(["acme.com"], dtype="str")
    pd.testing.assert_series_equal(
        neo.resolve("accounts", "domain", values), embedded.resolve("accounts", "domain", values)
    )


@pytest.mark.neo4j
def test_every_kind_round_trips_like_the_embedded_store(neo: Neo4jStore, embedded: EmbeddedStore):
    tables = sample()
    assert load(neo, tables) == load(embedded, tables)
    for kind in TABLE_KINDS:
        pd.testing.assert_frame_equal(neo.table(kind), embedded.table(kind), obj=kind)
    ids = pd.Series(["A1", "A7", "nope"], dtype="str")
    for kind in ("accounts", "intent"):
        pd.testing.assert_frame_equal(
            neo.table(kind, ids), embedded.table(kind, ids).reset_index(drop=True)
        )
    assert neo.counts() == embedded.counts()
    assert neo.event_count() == embedded.event_count() == 8


@pytest.mark.neo4j
def test_ingested_files_round_trip_like_the_embedded_store(
    neo: Neo4jStore, embedded: EmbeddedStore, builder: Any
):
    (
        builder.account("A1", technologies="salesforce;marketo", crm_owner="Dana")
        .account("A2", parent_account_id="A1", employees=40)
        .contact("C1", "A1", seniority="vp", buying_role="champion", title="VP IT")
        .contact("C2", "A1", manager_id="C1", department="finance", previous_account_ids="A2")
        .contact("C3", "A2", email="c3@gmail.com", opted_out="yes")
        .event("C1", "demo_request", 2)
        .event("C1", "pricing_page_view", 9, campaign="Q4")
        .event("C2", "email_open", 40)
        .event("C3", "page_view", 100)
        .add("intent", account_id="A1", topic="abm software", score=70, observed_at="2026-10-20")
        .add(
            "opportunities",
            opportunity_id="O1",
            account_id="A1",
            stage="Proposal",
            is_closed="false",
            amount=1000,
            created_at="2026-09-01",
        )
        .add(
            "opportunity_contacts",
            opportunity_id="O1",
            contact_id="C2",
            role="Economic Buyer",
            is_primary="true",
        )
    )
    builder.load(embedded)
    builder.load(neo)
    for kind in TABLE_KINDS:
        pd.testing.assert_frame_equal(neo.table(kind), embedded.table(kind), obj=kind)
    assert neo.counts() == embedded.counts()
    pd.testing.assert_frame_equal(
        sorted_summary(neo.engagement_summary(window())),
        sorted_summary(embedded.engagement_summary(window())),
        check_exact=False,
        rtol=0,
        atol=1e-9,
    )


@pytest.mark.neo4j
def test_engagement_summary_matches_the_embedded_store(neo: Neo4jStore, embedded: EmbeddedStore):
    tables = with_late_contact(sample())
    load(neo, tables)
    load(embedded, tables)
    for settings in ({}, {"lookback_days": 30, "half_life_days": 7.5}, {"recent_days": 1.5}):
        mine = neo.engagement_summary(window(**settings))
        theirs = embedded.engagement_summary(window(**settings))
        assert list(mine.columns) == list(theirs.columns)
        assert mine.dtypes.to_dict() == theirs.dtypes.to_dict()
        pd.testing.assert_frame_equal(
            sorted_summary(mine), sorted_summary(theirs), check_exact=False, rtol=0, atol=1e-9
        )
    some = pd.Series(["C1", "C3", "C1", "missing"], dtype="str")
    pd.testing.assert_frame_equal(
        sorted_summary(neo.engagement_summary(window(), some)),
        sorted_summary(embedded.engagement_summary(window(), some)),
        check_exact=False,
        rtol=0,
        atol=1e-9,
    )
    late = neo.engagement_summary(window())
    assert "C3" in set(late["contact_id"])
    assert late.loc[late["contact_id"] == "C3", "events"].sum() == 1  # the later event is unseen


@pytest.mark.neo4j
def test_events_count_once_their_contact_is_stored(neo: Neo4jStore, embedded: EmbeddedStore):
    # The summary walks PERFORMED from stored contacts, so an event whose contact
    # is not loaded yet is held (and counted by event_count) but not summarised;
    # scoring never reads such rows on either store.
    tables = sample()
    load(neo, tables)
    load(embedded, tables)
    assert neo.event_count() == embedded.event_count() == 8
    assert "C9" not in set(neo.engagement_summary(window())["contact_id"])
    assert "C9" in set(embedded.engagement_summary(window())["contact_id"])
    # Only the waiting event keeps its contact_id; the others' contact is PERFORMED's start.
    held = "MATCH (e:Engagement) WHERE e.contact_id IS NOT NULL OR e.occurred_us IS NOT NULL"
    waiting = neo.read_query(
        held + " RETURN e.contact_id AS contact_id, e:AwaitingContact AS waits"
    )
    assert waiting == [{"contact_id": "C9", "waits": True}]
    late = with_late_contact(tables)["contacts"].iloc[-1:]
    neo.upsert("contacts", late)
    embedded.upsert("contacts", late)
    assert neo.read_query(held + " RETURN count(e) AS n") == [{"n": 0}]
    # The link's time comes from the event's occurred_at, 2026-10-27T00:00:00Z, in microseconds.
    linked = neo.read_query(
        "MATCH (:Contact {contact_id: 'C9'})-[p:PERFORMED]->() RETURN p.occurred_us AS us"
    )
    assert linked == [{"us": 1_793_059_200_000_000}]
    pd.testing.assert_frame_equal(
        sorted_summary(neo.engagement_summary(window())),
        sorted_summary(embedded.engagement_summary(window())),
        check_exact=False,
        rtol=0,
        atol=1e-9,
    )


@pytest.mark.neo4j
def test_a_waiting_event_links_with_its_exact_time(neo: Neo4jStore):
    # Before 1970 and with microseconds: -0.749999 s is -1 s plus 250,001 µs.
    at = pd.Timestamp("1969-12-31T23:59:59.250001Z")
    neo.upsert("engagements", frame("engagements", event(1, "C1", "page_view", 0, occurred_at=at)))
    neo.upsert("contacts", frame("contacts", {"contact_id": "C1"}))
    linked = neo.read_query("MATCH (:Contact)-[p:PERFORMED]->() RETURN p.occurred_us AS us")
    assert linked == [{"us": -749_999}]


@pytest.mark.neo4j
def test_scores_read_back_like_the_embedded_store(neo: Neo4jStore, embedded: EmbeddedStore):
    tables = sample()
    load(neo, tables)
    load(embedded, tables)
    config, as_of = ScoringConfig(), parse_as_of(AS_OF)
    mine, theirs = score_store(neo, config, as_of), score_store(embedded, config, as_of)
    for level in ("contacts", "accounts"):
        pd.testing.assert_frame_equal(
            plain_lists(neo.scores(level)),
            plain_lists(embedded.scores(level)),
            check_exact=False,
            rtol=1e-9,
        )
    meta = neo.score_meta()
    assert meta is not None
    assert {**meta, "scored_at": None} == {**mine.meta(), "scored_at": None}
    assert theirs.as_of == mine.as_of
    # Scores sit on the nodes for Browser, Bloom and BI tools.
    records, _, _ = neo._driver.execute_query(
        "MATCH (a:Account {account_id: 'A1'}) RETURN a.priority AS priority, a.tier AS tier,"
        " a.roles_covered AS roles",
        database_=neo.database,
    )
    row = neo.scores("accounts").set_index("account_id").loc["A1"]
    assert records[0]["priority"] == row["priority"] and records[0]["tier"] == row["tier"]
    assert records[0]["roles"] == list(row["roles_covered"])


@pytest.mark.neo4j
def test_write_scores_replaces_the_previous_result(neo: Neo4jStore):
    load(neo, sample())
    contacts = pd.DataFrame(
        {
            "contact_id": ["C1", "C2"],
            "account_id": ["A1", "A1"],
            "score": [80.5, 10.0],
            "grade": ["A", "C"],
        }
    )
    accounts = pd.DataFrame(
        {
            "account_id": ["A1"],
            "name": ["Acme"],
            "priority": [90.0],
            "missing_roles": [["champion", "end_user"]],
        }
    )
    neo.write_scores(contacts, accounts, {"as_of": "2026-11-01", "n": 1})
    pd.testing.assert_frame_equal(neo.scores("contacts"), contacts)
    pd.testing.assert_frame_equal(neo.scores("accounts"), accounts)

    fewer = pd.DataFrame({"contact_id": ["C2"], "account_id": ["A1"], "score": [12.0]})
    neo.write_scores(fewer, accounts.iloc[:0], {"as_of": "2026-11-02"})
    pd.testing.assert_frame_equal(neo.scores("contacts"), fewer)
    assert neo.scores("accounts").empty and list(neo.scores("accounts").columns) == list(
        accounts.columns
    )
    assert neo.score_meta() == {"as_of": "2026-11-02"}
    records, _, _ = neo._driver.execute_query(
        "MATCH (n) WHERE n.grade IS NOT NULL OR n.priority IS NOT NULL"
        " OR (n:Contact AND n.contact_id = 'C1' AND n.score IS NOT NULL) RETURN count(n) AS n",
        database_=neo.database,
    )
    assert records[0]["n"] == 0
    # Table columns are untouched by scores, and re-ingesting keeps the scores.
    pd.testing.assert_frame_equal(
        neo.table("contacts"), sample()["contacts"], check_index_type=False
    )
    neo.upsert("contacts", sample()["contacts"])
    pd.testing.assert_frame_equal(neo.scores("contacts"), fewer)


@pytest.mark.neo4j
def test_upserting_again_changes_nothing(neo: Neo4jStore):
    tables = sample()
    first = load(neo, tables)
    assert first == {
        "accounts": 3,
        "contacts": 4,
        "engagements": 8,
        "intent": 3,
        "opportunities": 2,
        "opportunity_contacts": 3,
    }
    before = snapshot(neo)
    assert load(neo, tables) == dict.fromkeys(tables, 0)
    assert_same_graph(snapshot(neo), before)


@pytest.mark.neo4j
def test_relationships_follow_the_tables(neo: Neo4jStore):
    tables = sample()
    # Contacts and their events arrive before the accounts, a report before its manager.
    for kind in ("contacts", "engagements", "opportunity_contacts", "intent"):
        neo.upsert(kind, tables[kind])
    assert rel_count(neo, "WORKS_AT") == 0
    assert rel_count(neo, "REPORTS_TO") == 1  # C2 -> C1, loaded together
    assert rel_count(neo, "PERFORMED") == 7  # C9's event waits for C9
    neo.upsert("accounts", tables["accounts"])
    neo.upsert("opportunities", tables["opportunities"])
    rels = relationships(neo)
    assert [r for r in rels if r[1] == "WORKS_AT"] == [
        ("C1", "WORKS_AT", "[]", "A1"),
        ("C2", "WORKS_AT", "[]", "A1"),
        ("C3", "WORKS_AT", "[]", "A3"),
    ]
    assert [(r[0], r[3]) for r in rels if r[1] == "WORKED_AT"] == [("C1", "A3")]
    assert [(r[0], r[3]) for r in rels if r[1] == "SUBSIDIARY_OF"] == [("A3", "A2")]
    assert [(r[0], r[3]) for r in rels if r[1] == "HAS_OPPORTUNITY"] == [("A1", "O1"), ("A3", "O2")]
    assert [(r[0], r[2], r[3]) for r in rels if r[1] == "HAS_ROLE"] == [
        ("C1", "[('source', 'explicit')]", "decision_maker"),
        ("C2", "[('source', 'explicit')]", "champion"),
    ]
    assert [(r[0], r[2], r[3]) for r in rels if r[1] == "CONTACT_ROLE"] == [
        ("C1", "[('role', 'economic_buyer')]", "O1"),
        ("C2", "[('is_primary', True), ('role', 'champion')]", "O1"),
        ("C3", "[]", "O2"),
    ]
    intent = [r for r in rels if r[1] == "SHOWS_INTENT"]
    assert [(r[0], r[3]) for r in intent] == [("A1", "crm"), ("A1", "crm")]  # A7 is not loaded
    assert all("observed_at" in r[2] and "score" in r[2] for r in intent)

    # The manager arrives later: the waiting REPORTS_TO and PERFORMED appear.
    neo.upsert("contacts", frame("contacts", {"contact_id": "C9", "account_id": "A3"}))
    assert ("C3", "REPORTS_TO", "[]", "C9") in relationships(neo)
    assert rel_count(neo, "PERFORMED") == 8

    # Changed columns move the relationships; missing ones remove them.
    neo.upsert(
        "contacts",
        frame(
            "contacts",
            {"contact_id": "C2", "account_id": "A3", "manager_id": "C9", "buying_role": "end_user"},
            {"contact_id": "C1", "account_id": None, "previous_account_ids": "A2"},
        ),
    )
    neo.upsert("accounts", frame("accounts", {"account_id": "A3", "name": "Beta"}))
    rels = relationships(neo)
    assert [(r[0], r[3]) for r in rels if r[1] == "WORKS_AT"] == [
        ("C2", "A3"),
        ("C3", "A3"),
        ("C9", "A3"),
    ]
    assert [(r[0], r[3]) for r in rels if r[1] == "REPORTS_TO"] == [("C2", "C9"), ("C3", "C9")]
    assert [(r[0], r[3]) for r in rels if r[1] == "WORKED_AT"] == [("C1", "A2")]
    assert [(r[0], r[3]) for r in rels if r[1] == "HAS_ROLE"] == [("C2", "end_user")]
    assert [r for r in rels if r[1] == "SUBSIDIARY_OF"] == []
    assert rel_count(neo, "PERFORMED") == 8  # events never move


@pytest.mark.neo4j
def test_hostile_text_is_stored_verbatim_and_harms_nothing(
    neo: Neo4jStore, embedded: EmbeddedStore
):
    odd = [HOSTILE, "`backtick`", "{brace}", "$param", 'MATCH (n) "quoted"\n//', "ünï ✓"]
    tables = with_late_contact(sample())
    accounts = frame(
        "accounts",
        *[
            {
                "account_id": text,
                "name": text,
                "domain": f"{i}.example",
                "industry": text,
                HOSTILE: text,
                "we`ird {col}": text,
            }
            for i, text in enumerate(odd)
        ],
    )
    contacts = frame(
        "contacts",
        *[
            {
                "contact_id": f"{text}-c",
                "account_id": text,
                "manager_id": f"{odd[0]}-c",
                "title": text,
                "buying_role": text,
            }
            for text in odd
        ],
    )
    events = frame("engagements", *[event(100 + i, f"{t}-c", t, 1) for i, t in enumerate(odd)])
    for store in (neo, embedded):
        load(store, tables)
        store.upsert("accounts", accounts)
        store.upsert("contacts", contacts)
        store.upsert("engagements", events)
    for kind in TABLE_KINDS:
        pd.testing.assert_frame_equal(neo.table(kind), embedded.table(kind), obj=kind)
    stored = neo.table("accounts", pd.Series(odd, dtype="str"))
    assert stored["account_id"].tolist() == odd and stored[HOSTILE].tolist() == odd
    assert stored["we`ird {col}"].tolist() == odd
    assert neo.counts() == embedded.counts()
    assert rel_count(neo, "REPORTS_TO") == len(odd) + 2
    pd.testing.assert_frame_equal(
        sorted_summary(neo.engagement_summary(window())),
        sorted_summary(embedded.engagement_summary(window())),
        check_exact=False,
        rtol=0,
        atol=1e-9,
    )
    values = pd.Series([f"{i}.example" for i in range(len(odd))], dtype="str")
    assert neo.resolve("accounts", "domain", values).tolist() == odd


@pytest.mark.neo4j
def test_resolve_matches_the_embedded_store(neo: Neo4jStore, embedded: EmbeddedStore):
    tables = sample()
    # Two accounts share a domain: the first stored row wins, as in the embedded store.
    tables["accounts"] = pd.concat(
        [
            tables["accounts"],
            frame("accounts", {"account_id": "A0", "name": "Dup", "domain": "acme.com"}),
        ],
        ignore_index=True,
    )
    load(neo, tables)
    load(embedded, tables)
    neo.upsert(
        "accounts", frame("accounts", {"account_id": "A1", "name": "Acme", "domain": "acme.com"})
    )
    embedded.upsert(
        "accounts", frame("accounts", {"account_id": "A1", "name": "Acme", "domain": "acme.com"})
    )
    cases = [
        ("accounts", "domain", ["acme.com", "beta.io", "nowhere.org", None, "acme.com"]),
        ("contacts", "email", ["vp@acme.com", "x@y.z"]),
        ("accounts", "account_id", ["A3", "A4"]),
        ("contacts", "not_a_column", ["x"]),
    ]
    for kind, by, raw in cases:
        values = pd.Series(raw, dtype="str", index=range(10, 10 + len(raw)), name="key")
        pd.testing.assert_series_equal(
            neo.resolve(kind, by, values), embedded.resolve(kind, by, values)
        )
    assert neo.resolve("accounts", "domain", pd.Series(["acme.com"], dtype="str"))[0] == "A0"


@pytest.mark.neo4j
def test_event_keys_keep_all_64_bits(neo: Neo4jStore, embedded: EmbeddedStore):
    tables = sample()
    load(neo, tables)
    load(embedded, tables)
    keys = pd.Series([2**63 + 7, 7, 2**64 - 1, 1], dtype="uint64", index=[5, 6, 7, 8])
    pd.testing.assert_series_equal(
        neo.existing_event_keys(keys), embedded.existing_event_keys(keys)
    )
    # A repeated key within one upsert is stored once, as in the embedded store.
    twice = frame(
        "engagements",
        event(2**64 - 1, "C1", "email_open", 1),
        event(2**64 - 1, "C2", "email_click", 2),
    )
    assert neo.upsert("engagements", twice) == embedded.upsert("engagements", twice) == 1
    assert neo.event_count() == embedded.event_count() == 9


@pytest.mark.neo4j
def test_an_interrupted_load_run_again_ends_in_the_same_graph(
    neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch
):
    tables = sample()
    load(neo, tables)
    expected = snapshot(neo)
    neo.clear()
    monkeypatch.setattr(neo, "batch_size", 1)

    calls = {"n": 0}
    write_batch = Neo4jStore._write_batch

    def dies_after_one_batch(self: Neo4jStore, *args: Any) -> int:
        calls["n"] += 1
        if calls["n"] > 1:
            raise KeyboardInterrupt("killed")
        return write_batch(self, *args)

    for kind, rows in tables.items():
        calls["n"] = 0
        with monkeypatch.context() as patch:
            patch.setattr(Neo4jStore, "_write_batch", dies_after_one_batch)
            with pytest.raises(KeyboardInterrupt):
                neo.upsert(kind, rows)
        # The stated guarantee: the batches committed before the interruption stay, whole.
        assert neo.counts()[kind] > 0
    load(neo, tables)
    assert_same_graph(snapshot(neo), expected)


@pytest.mark.neo4j
def test_schema_is_created_before_the_first_write(neo: Neo4jStore):
    neo.upsert("accounts", sample()["accounts"])
    records, _, _ = neo._driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties RETURN labelsOrTypes[0] AS label,"
        " properties[0] AS property",
        database_=neo.database,
    )
    unique = {(r["label"], r["property"]) for r in records}
    assert {
        ("Account", "account_id"),
        ("Contact", "contact_id"),
        ("Engagement", "event_key"),
        ("Opportunity", "opportunity_id"),
        ("Role", "name"),
        ("Topic", "name"),
    } <= unique
    records, _, _ = neo._driver.execute_query(
        "SHOW INDEXES YIELD labelsOrTypes, properties, state"
        " RETURN labelsOrTypes[0] AS label, properties[0] AS property, state",
        database_=neo.database,
    )
    online = {(r["label"], r["property"]) for r in records if r["state"] == "ONLINE"}
    assert {
        ("Account", "domain"),
        ("Contact", "email"),
        ("AwaitingContact", "contact_id"),
    } <= online
    # Events carry exactly one index, their key: every extra one costs a write per event.
    assert {p for label, p in online if label == "Engagement"} == {"event_key"}


@pytest.mark.neo4j
def test_schema_statements_run_only_when_a_part_is_missing_or_left_over(
    neo: Neo4jStore, monkeypatch: pytest.MonkeyPatch
):
    neo.upsert("accounts", sample()["accounts"])
    ran: list[str] = []

    def counted(tx: Any, query: Any, params: dict[str, Any]) -> None:
        ran.append(query)
        neo4j_cypher.tx_consume(tx, query, params)

    monkeypatch.setattr(neo4j_connection, "tx_consume", counted)

    def indexes() -> set[str]:
        records, _, _ = neo._driver.execute_query(
            "SHOW INDEXES YIELD name RETURN name", database_=neo.database
        )
        return {r["name"] for r in records}

    with Neo4jStore.connect(uri=URI) as again:
        again._ensure_schema()
    assert ran == []  # every part in place: no statement runs
    # One index gone, and one that the schema drops made again.
    neo._driver.execute_query("DROP INDEX abmgraph_contact_email", database_=neo.database)
    neo._driver.execute_query(
        "CREATE INDEX abmgraph_engagement_occurred FOR (n:Engagement) ON (n.occurred_at)",
        database_=neo.database,
    )
    with Neo4jStore.connect(uri=URI) as again:
        again._ensure_schema()
    assert len(ran) == len(neo4j_cypher.statements("schema"))
    assert "abmgraph_contact_email" in indexes()
    assert "abmgraph_engagement_occurred" not in indexes()


@pytest.mark.neo4j
def test_connects_from_environment_settings(server: Neo4jStore, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEO4J_URI", server.uri)
    monkeypatch.setenv("NEO4J_DATABASE", server.database)
    with Neo4jStore.connect() as store:
        assert (store.uri, store.database) == (server.uri, server.database)
        assert store.event_count() >= 0
    monkeypatch.setenv("NEO4J_DATABASE", "no-such-database")
    with pytest.raises(StoreUnavailableError, match="has no database 'no-such-database'"):
        Neo4jStore.connect()


@pytest.mark.neo4j
def test_reserved_column_names_are_refused(neo: Neo4jStore):
    rows = frame("accounts", {"account_id": "A1", "name": "Acme"}).assign(_seq="x")
    with pytest.raises(StoreError, match="reserved"):
        neo.upsert("accounts", rows)
    assert neo.counts()["accounts"] == 0
