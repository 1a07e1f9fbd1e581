"""Re-ingesting the same files changes no table and no score."""

from __future__ import annotations

import pandas as pd

from abmgraph.demo_run import INGEST_ORDER, run_demo
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store
from abmgraph.workspace import Workspace


def test_reingesting_the_demo_files_changes_no_score(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    store = EmbeddedStore(workspace.path)
    out = tmp_path / "data"
    run_demo(store, workspace, accounts=80, seed=4, anchor="2026-11-01", out=out)
    before_accounts = store.scores("accounts")
    before_contacts = store.scores("contacts")
    tables = {k: store.table(k).copy() for k in INGEST_ORDER if k != "engagements"}
    events = store.event_count()

    for kind in INGEST_ORDER:
        report = ingest_file(
            store, kind, out / f"{kind}.csv", rejects_path=tmp_path / "r.csv", quiet=True
        )
        assert report.new == 0, kind
    assert store.event_count() == events
    for kind, table in tables.items():
        pd.testing.assert_frame_equal(store.table(kind), table)

    score_store(store, ScoringConfig(), parse_as_of("2026-11-01T00:00:00Z"))
    pd.testing.assert_frame_equal(store.scores("accounts"), before_accounts)
    pd.testing.assert_frame_equal(store.scores("contacts"), before_contacts)
