"""Bulk import carries the sales side: Feedback and SalesActivity nodes, linked as the store links them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from test_neo4j_import import IMPORT_PORT, SCRIPT, pairs, read
from test_neo4j_store import assert_same_graph, frame, load, sample, snapshot

from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.neo4j_import import write_import_files
from abmgraph.graph.neo4j_store import Neo4jStore
from tests.conftest import GraphBuilder


def test_import_files_link_verdicts_and_touches(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    builder = GraphBuilder(tmp_path / "in")
    builder.account("A1").account("A2").contact("C1", "A1").contact("C2", "A2")
    # Rows: feedback 0 on C1 (account A1 from the contact), 1 on account A2 alone.
    builder.add("feedback", contact_id="C1", verdict="accepted", at="2026-10-01T00:00:00Z")
    builder.add("feedback", account_id="A2", verdict="rejected", reason="no fit", at="2026-10-02")
    # Activities: 0 on C2 (and A2), 1 on account A1 alone.
    builder.add("sales_activities", activity_id="T1", contact_id="C2", type="call", at="2026-10-01")
    builder.add(
        "sales_activities", activity_id="T2", account_id="A1", type="email", at="2026-10-02"
    )
    builder.load(store)
    folder = write_import_files(store, tmp_path / "import").folder
    assert read(folder, "feedback.csv")["verdict"].tolist() == ["accepted", "rejected"]
    assert read(folder, "sales_activities.csv")["activity_id"].tolist() == ["T1", "T2"]
    arguments = (folder / "neo4j-admin.args").read_text(encoding="utf-8")
    assert "--nodes=Feedback=feedback.csv" in arguments
    assert "--relationships=TOUCHED=touched.csv" in arguments
    # (start row, end row): contacts C1 = 0, C2 = 1; accounts A1 = 0, A2 = 1; contacts first.
    assert pairs(folder, "has_feedback.csv") == [(0, 0), (0, 0), (1, 1)]
    assert pairs(folder, "touched.csv") == [(1, 0), (1, 0), (0, 1)]


@pytest.mark.neo4j
def test_bulk_import_builds_the_sales_side_the_driver_builds(neo4j_server, tmp_path: Path):
    tables = sample()
    tables["feedback"] = frame(
        "feedback",
        {
            "contact_id": "C1",
            "account_id": "A1",
            "verdict": "accepted",
            "at": "2026-10-01T00:00:00Z",
        },
        {
            "account_id": "A2",
            "verdict": "rejected",
            "reason": "no fit",
            "at": "2026-10-02T00:00:00Z",
        },
    )
    tables["sales_activities"] = frame(
        "sales_activities",
        {"activity_id": "T1", "contact_id": "C2", "account_id": "A1", "type": "call",
         "at": "2026-10-01T09:00:00Z", "owner": "ann"},
        {"activity_id": "T2", "account_id": "A2", "type": "email", "at": "2026-10-02T00:00:00Z"},
    )  # fmt: skip
    embedded = EmbeddedStore(tmp_path / "ws")
    load(embedded, tables)
    files = write_import_files(embedded, tmp_path / "import")
    neo4j_server.clear()
    load(neo4j_server, tables)
    expected = snapshot(neo4j_server)
    linked = [r for r in expected["relationships"] if r[1] in ("HAS_FEEDBACK", "TOUCHED")]
    assert [(a, t) for a, t, _, _ in linked] == [
        ("A1", "HAS_FEEDBACK"),
        ("A1", "TOUCHED"),
        ("A2", "HAS_FEEDBACK"),
        ("A2", "TOUCHED"),
        ("C1", "HAS_FEEDBACK"),
        ("C2", "TOUCHED"),
    ]
    port = ["--port", str(IMPORT_PORT)]
    env = {**os.environ, "NEO4J_HEAP": "512m"}
    done = subprocess.run(
        [str(SCRIPT), "import", str(files.folder), *port], env=env, capture_output=True, text=True
    )
    try:
        assert done.returncode == 0, done.stderr[-3000:]
        imported = Neo4jStore.connect(uri=done.stdout.strip().splitlines()[-1])
        try:
            assert_same_graph(snapshot(imported), expected)
        finally:
            imported.close()
    finally:
        subprocess.run([str(SCRIPT), "reset", *port], capture_output=True, check=False)
