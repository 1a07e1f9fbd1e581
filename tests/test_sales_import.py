"""Bulk import carries the sales side: Feedback and SalesActivity nodes, linked as the store links them."""

from __future__ import annotations

from pathlib import Path

from test_neo4j_import import pairs, read

from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.neo4j_import import write_import_files
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
