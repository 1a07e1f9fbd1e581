"""The same demo data in both stores gives the same scores, tiers, stages and missing roles."""

from __future__ import annotations

import pandas as pd
import pytest

from abmgraph.demo import generate, write
from abmgraph.demo_run import INGEST_ORDER
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store

pytestmark = pytest.mark.neo4j


def _load_and_score(store, paths, tmp_path):
    for kind in INGEST_ORDER:
        report = ingest_file(
            store, kind, paths[kind], rejects_path=tmp_path / f"{kind}.csv", quiet=True
        )
        assert report.rejected == 0
    score_store(store, ScoringConfig(), parse_as_of("2026-11-01T00:00:00Z"))
    accounts = store.scores("accounts").sort_values("account_id").reset_index(drop=True)
    contacts = store.scores("contacts").sort_values("contact_id").reset_index(drop=True)
    return accounts, contacts


def test_both_stores_score_the_demo_identically(neo4j_server, tmp_path):
    paths = write(generate(accounts=120, seed=21, anchor="2026-11-01"), tmp_path / "data")
    neo4j_server.clear()
    neo_accounts, neo_contacts = _load_and_score(neo4j_server, paths, tmp_path)
    emb_accounts, emb_contacts = _load_and_score(EmbeddedStore(tmp_path / "ws"), paths, tmp_path)

    assert len(neo_accounts) == len(emb_accounts) == 120
    assert list(neo_accounts["account_id"]) == list(emb_accounts["account_id"])
    for column in ("priority", "fit_score", "engagement_score"):
        assert (neo_accounts[column] - emb_accounts[column]).abs().max() <= 1e-6, column
    for column in ("tier", "stage"):
        assert list(neo_accounts[column]) == list(emb_accounts[column]), column
    assert [list(m) for m in neo_accounts["missing_roles"]] == [
        list(m) for m in emb_accounts["missing_roles"]
    ]

    assert list(neo_contacts["contact_id"]) == list(emb_contacts["contact_id"])
    for column in ("score", "fit_score", "engagement_score"):
        assert (neo_contacts[column] - emb_contacts[column]).abs().max() <= 1e-6, column
    for column in ("grade", "stage", "quadrant", "roles"):
        assert list(neo_contacts[column]) == list(emb_contacts[column]), column
    pd.testing.assert_series_equal(
        neo_accounts["engaged_contacts"], emb_accounts["engaged_contacts"], check_dtype=False
    )
