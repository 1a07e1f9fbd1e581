"""Backtests: metrics worked out by hand, outcomes in the window, and nothing after as_of leaks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import AS_OF

from abmgraph.cli import cli
from abmgraph.demo import generate, write
from abmgraph.demo_run import INGEST_ORDER
from abmgraph.evaluation.backtest import backtest
from abmgraph.evaluation.metrics import conversion_by, lift_by_decile, pipeline_velocity, roc_auc
from abmgraph.evaluation.outcomes import observed_outcomes
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of

ANCHOR = "2026-11-01"
AS_OF_PAST = "2026-10-01"


# -- metrics ----------------------------------------------------------------------
def test_lift_by_decile_by_hand():
    y = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    rows = lift_by_decile(y, list(range(10, 0, -1)))
    assert [r["lift"] for r in rows] == [5.0, 5.0] + [0.0] * 8
    assert [r["count"] for r in rows] == [1] * 10


def test_lift_by_decile_spreads_ties_evenly():
    # Four tied rows with one conversion: every decile they fill converts at a quarter.
    rows = lift_by_decile([1, 0, 0, 0], [5, 5, 5, 5], groups=4)
    assert [r["conversion"] for r in rows] == [0.25] * 4
    assert lift_by_decile([], []) == []


def test_roc_auc_and_single_class():
    assert roc_auc([0, 1, 0, 1], [1, 2, 1, 2]) == 1.0
    assert roc_auc([0, 1], [1, 1]) == 0.5
    assert roc_auc([1, 1], [1, 2]) is None


def test_conversion_by_group():
    rows = conversion_by([1, 1, 2, 3], [1, 0, 1, 0], "tier")
    assert rows[0] == {"tier": 1, "count": 2, "positives": 1, "conversion": 0.5, "lift": 1.0}
    assert rows[1]["lift"] == 2.0


def test_pipeline_velocity_by_hand():
    at = pd.Timestamp("2026-01-01", tz="UTC")
    opportunities = pd.DataFrame(
        {
            "account_id": ["A", "A", "B"],
            "is_closed": [True, True, False],
            "is_won": [True, False, False],
            "amount": [30_000.0, 10_000.0, 5_000.0],
            "created_at": [at, at, at],
            "closed_at": [at + pd.Timedelta(days=30), at + pd.Timedelta(days=10), pd.NaT],
        }
    )
    rows = pipeline_velocity(opportunities, pd.Series({"A": 1, "B": 2}))
    # Tier 1: 2 opportunities × 50% win rate × 30,000 average won ÷ 30 days.
    assert rows[0]["velocity_per_day"] == pytest.approx(1000.0)
    assert rows[1] == {
        "tier": 2, "currency": None, "opportunities": 1, "won": 0, "closed": 0, "win_rate": 0.0,
        "average_amount": 5000.0, "cycle_days": None, "velocity_per_day": 0.0,
    }  # fmt: skip


# -- outcomes ---------------------------------------------------------------------
def test_outcomes_count_only_opportunities_created_in_the_window(store, builder):
    for account in ("BEFORE", "INSIDE", "AFTER", "NONE"):
        builder.account(account)
        builder.contact(f"{account}-P1", account)
        builder.event(f"{account}-P1", "webinar_attended", 40)
    as_of = parse_as_of(AS_OF) - pd.Timedelta(days=30)
    created = {"BEFORE": -5, "INSIDE": 10, "AFTER": 40}
    for account, days in created.items():
        builder.add(
            "opportunities",
            opportunity_id=f"O-{account}",
            account_id=account,
            is_closed="true",
            is_won=str(account == "INSIDE").lower(),
            created_at=(as_of + pd.Timedelta(days=days)).isoformat(),
            closed_at=(as_of + pd.Timedelta(days=days + 5)).isoformat(),
        )
        builder.add(
            "opportunity_contacts", opportunity_id=f"O-{account}", contact_id=f"{account}-P1"
        )
    builder.load(store)
    accounts = observed_outcomes(store, "account", as_of, 30).set_index("id")
    assert accounts["converted"].to_dict() == {
        "BEFORE": False,
        "INSIDE": True,
        "AFTER": False,
        "NONE": False,
    }
    assert accounts.loc["INSIDE", "won"]
    contacts = observed_outcomes(store, "contact", as_of, 30).set_index("id")
    assert contacts["converted"].sum() == 1 and contacts.loc["INSIDE-P1", "converted"]


# -- nothing after as_of leaks ----------------------------------------------------
@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backtest")
    store = EmbeddedStore(folder / "ws")
    data = generate(accounts=80, seed=5, anchor=ANCHOR)
    paths = write(data, folder / "data")
    for kind in INGEST_ORDER:
        ingest_file(
            store, kind, paths[kind], rejects_path=folder / f"{kind}.rejects.csv", quiet=True
        )
    return store, folder


def _future(store: EmbeddedStore, folder, as_of: pd.Timestamp) -> None:
    """Add high-intent events and opportunities dated after ``as_of``."""
    contacts = store.table("contacts")["contact_id"].head(40)
    later = [as_of + pd.Timedelta(days=d) for d in (1, 15, 200)]
    events = pd.DataFrame(
        {
            "event_id": [f"FUT-{c}-{i}" for c in contacts for i in range(3)],
            "contact_id": np.repeat(contacts.to_numpy(), 3),
            "type": "demo_request",
            "occurred_at": [t.isoformat() for _ in contacts for t in later],
        }
    )
    events.to_csv(folder / "future-events.csv", index=False)
    accounts = store.table("accounts")["account_id"].tail(10)
    opportunities = pd.DataFrame(
        {
            "opportunity_id": [f"FUT-O{i}" for i in range(len(accounts))],
            "account_id": accounts.to_numpy(),
            "stage": "Discovery",
            "is_closed": "false",
            "created_at": (as_of + pd.Timedelta(days=3)).isoformat(),
        }
    )
    opportunities.to_csv(folder / "future-opps.csv", index=False)
    ingest_file(store, "engagements", folder / "future-events.csv", quiet=True)
    ingest_file(store, "opportunities", folder / "future-opps.csv", quiet=True)


def test_nothing_after_as_of_reaches_a_backtest(demo_store, tmp_path):
    _source, folder = demo_store
    store = EmbeddedStore(tmp_path / "copy")
    for kind in INGEST_ORDER:
        ingest_file(store, kind, folder / "data" / f"{kind}.csv", quiet=True)
    as_of = parse_as_of(AS_OF_PAST)
    before = {
        lvl: backtest(store, ScoringConfig(), as_of, window_days=30, level=lvl)
        for lvl in ("account", "contact")
    }
    _future(store, tmp_path, as_of)
    for level, old in before.items():
        new = backtest(store, ScoringConfig(), as_of, window_days=30, level=level)
        merged = old.frame.merge(new.frame, on="id", suffixes=("_old", "_new"))
        assert len(merged) == len(old.frame) == len(new.frame)
        for column in ("score", "tier", "stage"):
            assert (merged[f"{column}_old"] == merged[f"{column}_new"]).all(), (level, column)
    # The new opportunities fall in the window, so only the outcomes moved.
    assert (
        before["account"].metrics["positives"]
        < backtest(store, ScoringConfig(), as_of, window_days=30).metrics["positives"]
    )


def test_backtest_finds_the_planted_in_market_accounts(demo_store):
    store, _ = demo_store
    metrics = backtest(store, ScoringConfig(), parse_as_of(AS_OF_PAST), window_days=30).metrics
    assert metrics["positives"] > 0
    assert metrics["auc"] > 0.8
    assert metrics["lift_by_decile"][0]["lift"] > 2


# -- the command ------------------------------------------------------------------
def test_cli_backtest_json_against_and_chart(demo_store, tmp_path):
    _, folder = demo_store
    other = tmp_path / "flat.toml"
    other.write_text("[engagement.email_open]\npoints = 20\ncap = 40\n", encoding="utf-8")
    chart = tmp_path / "lift.png"
    args = ["--workspace", str(folder / "ws"), "backtest", "--as-of", AS_OF_PAST, "--window", "30"]
    result = CliRunner().invoke(
        cli, [*args, "--against", str(other), "--format", "json", "--chart", str(chart)]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert {"auc", "pr_auc", "lift_by_decile", "conversion_by_tier"} <= set(body)
    assert {"auc", "pr_auc", "lift_by_decile", "conversion_by_tier"} <= set(body["against"])
    assert body["against"]["config"] == "flat"
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and chart.stat().st_size > 10_000
    table = CliRunner().invoke(cli, [*args, "--level", "contact"])
    assert table.exit_code == 0, table.output
    assert "Lift by score decile" in table.output and "ROC-AUC" in table.output


def test_cli_backtest_with_a_bad_date_is_a_one_line_error(demo_store):
    _, folder = demo_store
    result = CliRunner().invoke(
        cli, ["--workspace", str(folder / "ws"), "backtest", "--as-of", "yesterday"]
    )
    assert result.exit_code == 1
    assert "is not a date" in result.output
