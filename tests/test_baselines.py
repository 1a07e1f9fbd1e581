"""Naive baselines beside the score: counts worked out by hand, on both stores, in the CLI."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import AS_OF

from abmgraph.cli import cli
from abmgraph.evaluation.backtest import backtest
from abmgraph.evaluation.baselines import baseline_metrics, baseline_signals
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of

# Events per contact, as days before AS_OF. Negative: after AS_OF (never counted);
# over 90: outside every window.
EVENTS = {
    "A1": [("webinar_attended", 5), ("email_open", 20), ("email_open", -3)],
    "A2": [("email_click", 60)],
    "B1": [("email_open", 2), ("email_open", 3), ("email_click", 4), ("webinar_attended", 6)],
    "B2": [("email_open", 100)],
    "C1": [("email_open", 40)],
    "C2": [("email_click", 80)],
    "D1": [],
}
# Opportunities created 10 days after AS_OF: B and C convert, A and D do not.
CONVERTED = ("B", "C")


def _world(builder):
    for contact, events in EVENTS.items():
        account = contact[0]
        if contact.endswith("1"):
            builder.account(account)
        builder.contact(contact, account)
        for kind, days in events:
            builder.event(contact, kind, days)
    as_of = parse_as_of(AS_OF)
    for account in CONVERTED:
        builder.add(
            "opportunities",
            opportunity_id=f"O-{account}",
            account_id=account,
            is_closed="false",
            is_won="false",
            created_at=(as_of + pd.Timedelta(days=10)).isoformat(),
        )
    return builder


def test_baseline_counts_by_hand(store, builder):
    _world(builder).load(store)
    ids = pd.Series(["A", "B", "C", "D", "UNKNOWN"])
    counts = baseline_signals(store, parse_as_of(AS_OF), "account", ids)
    assert counts.to_dict("list") == {
        # A: 5 and 20 days (the event after as_of never counts), 60 days by A2.
        "events_14d": [1, 4, 0, 0, 0],
        "events_30d": [2, 4, 0, 0, 0],
        "events_90d": [3, 4, 2, 0, 0],
        # B2's only event is 100 days old: B has one engaged person.
        "engaged_people_14d": [1, 1, 0, 0, 0],
        "engaged_people_30d": [1, 1, 0, 0, 0],
        "engaged_people_90d": [2, 1, 2, 0, 0],
    }
    contacts = baseline_signals(store, parse_as_of(AS_OF), "contact", pd.Series(["A1", "B2"]))
    assert contacts.to_dict("list") == {
        "events_14d": [1, 0],
        "events_30d": [2, 0],
        "events_90d": [2, 0],
    }


def test_backtest_reports_each_baseline_auc_beside_the_score(store, builder):
    _world(builder).load(store)
    metrics = backtest(store, ScoringConfig(), parse_as_of(AS_OF), window_days=30).metrics
    rows = {row["baseline"]: row for row in metrics["baselines"]}
    assert list(rows) == [
        "score",
        "events_14d",
        "events_30d",
        "events_90d",
        "engaged_people_14d",
        "engaged_people_30d",
        "engaged_people_90d",
    ]
    # Positives B, C against negatives A, D: four pairs, a tie counts half.
    # events_90d: B(4) > A(3), B > D(0), C(2) < A, C > D  → 3 of 4.
    # events_14d: B > A, B > D, C(0) < A(1), C = D(0)    → 2.5 of 4.
    # engaged_people_14d: B = A, B > D, C < A, C = D     → 2 of 4.
    # engaged_people_90d: B(1) < A(2), B > D, C = A, C > D → 2.5 of 4.
    assert {name: row["auc"] for name, row in rows.items() if name != "score"} == {
        "events_14d": 0.625,
        "events_30d": 0.625,
        "events_90d": 0.75,
        "engaged_people_14d": 0.5,
        "engaged_people_30d": 0.5,
        "engaged_people_90d": 0.625,
    }
    assert rows["score"]["auc"] == metrics["auc"]
    assert rows["score"]["pr_auc"] == metrics["pr_auc"]
    assert rows["score"]["top_decile_lift"] == metrics["lift_by_decile"][0]["lift"]
    beaten = [n for n, r in rows.items() if n != "score" and r["auc"] > metrics["auc"]]
    assert metrics["beaten_by_baselines"] == beaten
    assert all(rows[n]["beats_score"] == (n in beaten) for n in rows if n != "score")


def test_baseline_metrics_by_hand():
    signals = pd.DataFrame({"events_30d": [0, 1, 5, 9], "flat": [1, 1, 1, 1]})
    y = [False, False, True, True]
    rows = baseline_metrics(y, [1.0, 2.0, 3.0, 4.0], signals)
    assert rows[0] == {
        "baseline": "score",
        "auc": 1.0,
        "pr_auc": 1.0,
        "top_decile_lift": 2.0,
        "beats_score": None,
    }
    # A perfect baseline ties a perfect score: it does not beat it. A constant ranks at 0.5.
    assert (rows[1]["auc"], rows[1]["beats_score"]) == (1.0, False)
    assert (rows[2]["auc"], rows[2]["pr_auc"], rows[2]["beats_score"]) == (0.5, 0.5, False)
    # With one class there is nothing to rank: no AUC, no verdict.
    single = baseline_metrics([True] * 4, [1.0, 2.0, 3.0, 4.0], signals)
    assert single[1]["auc"] is None and single[1]["beats_score"] is None


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_cli_backtest_shows_the_baselines(builder, tmp_path, fmt):
    from abmgraph.graph.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "ws") as store:
        _world(builder).load(store)
    args = ["--workspace", str(tmp_path / "ws"), "backtest", "--as-of", AS_OF, "--window", "30"]
    worse = tmp_path / "fit-only.toml"
    worse.write_text("[account]\nfit_weight = 1.0\nengagement_weight = 0.0\n", encoding="utf-8")
    result = CliRunner().invoke(cli, [*args, "--against", str(worse), "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        body = json.loads(result.stdout)
        assert [r["baseline"] for r in body["baselines"]][:2] == ["score", "events_14d"]
        # Every account has the same fit: the fit-only config ties everywhere, at 0.5,
        # and four baselines rank better than it.
        assert body["against"]["auc"] == 0.5
        assert body["against"]["beaten_by_baselines"] == [
            "events_14d",
            "events_30d",
            "events_90d",
            "engaged_people_90d",
        ]
    else:
        assert "naive baselines" in result.output
        assert "events_90d" in result.output and "0.750" in result.output
        assert "score (fit-only)" in result.output
        assert "Counting ranks better than fit-only: events_90d reaches ROC-AUC 0.75" in (
            result.output
        )


def test_a_store_without_events_counts_zero_everywhere(store, builder):
    builder.account("A").contact("A1", "A").account("B")
    builder.load(store)
    counts = baseline_signals(store, parse_as_of(AS_OF), "account", pd.Series(["A", "B"]))
    assert counts.shape == (2, 6)
    assert (counts.to_numpy() == 0).all()
