"""The planted truth of the demo data: the ranking finds the accounts that are in market."""

from __future__ import annotations

import pandas as pd
import pytest

from abmgraph.demo_run import run_demo
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.workspace import Workspace


@pytest.mark.parametrize("seed", [1, 2])
def test_in_market_accounts_rank_in_the_top_k(tmp_path, seed):
    workspace = Workspace(tmp_path / "ws")
    store = EmbeddedStore(workspace.path)
    out = tmp_path / "data"
    run = run_demo(store, workspace, accounts=300, seed=seed, anchor="2026-11-01", out=out)
    assert all(report.rejected == 0 for report in run.reports)

    truth = pd.read_csv(out / "truth.csv")
    planted = set(truth.loc[truth["in_market"], "account_id"])
    ranked = store.scores("accounts").sort_values("priority", ascending=False)
    top_k = set(ranked["account_id"].head(len(planted)))
    assert len(planted & top_k) / len(planted) >= 0.9
    # The fit floor: nothing outside the ICP is tier 1.
    assert not ranked.loc[~ranked["in_icp"], "tier"].eq(1).any()
