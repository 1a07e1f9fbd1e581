"""Calibration: it recovers a planted truth, keeps sign constraints, and proves itself held out."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from abmgraph.cli import cli
from abmgraph.errors import StoreError
from abmgraph.evaluation.calibrate import CalibrationRefused, calibrate, write_calibrated
from abmgraph.evaluation.outcomes import read_outcomes
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig, load_config
from abmgraph.scoring.engine import parse_as_of

END = pd.Timestamp("2026-06-30", tz="UTC")
DATA = Path(
    os.environ.get("ABMGRAPH_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
)

# Per-lead event rates (Poisson means) for leads in market and out of it. Only demo
# requests and pricing-page views tell them apart; opens, blog and page views are noise.
RATES = {
    "demo_request": (0.9, 0.05),
    "pricing_page_view": (2.0, 0.3),
    "email_open": (3.0, 3.0),
    "blog_view": (2.0, 2.0),
    "page_view": (3.0, 3.0),
}


def make_leads(
    folder: Path, n: int = 2500, seed: int = 11, spread_days: float = 20, active_days: float = 20
) -> dict[str, Path]:
    """Leads with a planted truth: in-market leads show intent events, come by referral, convert.

    Each lead is on an account of its own and starts in the ``spread_days``
    before ``END``; its events fall in the ``active_days`` after its start (and
    before ``END``); it converts 5–40 days after its start (``converted_at`` in
    ``outcomes.csv``; no dates in ``outcomes-undated.csv``).
    """
    rng = np.random.default_rng(seed)
    ids = pd.Series([f"C{i:05d}" for i in range(n)])
    in_market = rng.random(n) < 0.3
    start = END - pd.to_timedelta(rng.uniform(0, spread_days, n), unit="D")
    source = np.where(
        rng.random(n) < np.where(in_market, 0.45, 0.1),
        "referral",
        rng.choice(["web", "paid", "event"], n),
    )
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"account_id": "A" + ids, "name": "Lead " + ids}).to_csv(
        folder / "accounts.csv", index=False
    )
    pd.DataFrame({"contact_id": ids, "account_id": "A" + ids, "lead_source": source}).to_csv(
        folder / "contacts.csv", index=False
    )
    frames = []
    for kind, (hot, cold) in RATES.items():
        counts = rng.poisson(np.where(in_market, hot, cold))
        who = np.repeat(np.arange(n), counts)
        active = np.minimum((END - start[who]).total_seconds(), active_days * 86_400)
        lag = pd.to_timedelta(rng.uniform(0, 1, len(who)) * active, unit="s")
        frames.append(pd.DataFrame({"who": who, "type": kind, "occurred_at": start[who] + lag}))
    events = pd.concat(frames, ignore_index=True)
    events["contact_id"] = ids.to_numpy()[events["who"]]
    events["event_id"] = "E" + pd.Series(np.arange(len(events))).astype(str)
    events[["event_id", "contact_id", "type", "occurred_at"]].to_csv(
        folder / "engagements.csv", index=False
    )
    converted = rng.random(n) < np.where(in_market, 0.7, 0.04)
    converted_at = (start + pd.to_timedelta(rng.uniform(5, 40, n), unit="D")).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    outcomes = pd.DataFrame(
        {
            "contact_id": ids,
            "converted": converted,
            "converted_at": np.where(converted, converted_at, ""),
        }
    )
    outcomes.to_csv(folder / "outcomes.csv", index=False)
    outcomes.drop(columns="converted_at").to_csv(folder / "outcomes-undated.csv", index=False)
    return {kind: folder / f"{kind}.csv" for kind in ("accounts", "contacts", "engagements")}


def load(folder: Path, paths: dict[str, Path]) -> EmbeddedStore:
    store = EmbeddedStore(folder / "ws")
    for kind, path in paths.items():
        report = ingest_file(
            store, kind, path, rejects_path=folder / f"{kind}.rejects.csv", quiet=True
        )
        assert report.rejected == 0
    return store


@pytest.fixture(scope="module")
def leads(tmp_path_factory):
    folder = tmp_path_factory.mktemp("leads")
    return load(folder, make_leads(folder)), folder


@pytest.fixture(scope="module")
def recovered(leads):
    store, folder = leads
    outcomes = read_outcomes(folder / "outcomes-undated.csv")
    return calibrate(
        store, ScoringConfig(), END, level="contact", outcomes=outcomes, holdout=0.3, seed=0
    )


def test_calibration_recovers_the_planted_signal(recovered):
    engagement = recovered.config.engagement
    noise = max(engagement[t].points for t in ("email_open", "blog_view", "page_view"))
    assert engagement["demo_request"].points > 2 * max(noise, 1)
    assert engagement["pricing_page_view"].points > max(noise, 1)
    rules = {rule.label: rule.points for rule in recovered.config.contact.fit.rules}
    assert rules["lead_source = referral"] == max(
        rules[r] for r in rules if r.startswith("lead_source")
    )
    assert rules["lead_source = referral"] > 5


def test_calibrated_points_rank_held_out_leads_as_well_as_the_baseline(recovered):
    report = recovered.report
    assert report["split"] == "holdout" and report["validate"] == 750
    assert report["auc_calibrated"] > report["auc_default"]
    assert report["auc_calibrated"] >= report["auc_baseline"] - 0.02
    assert report["auc_calibrated"] > 0.8


def test_positive_engagement_never_earns_negative_points(recovered):
    defaults = ScoringConfig().engagement
    for kind, rule in recovered.config.engagement.items():
        if defaults.get(kind) is not None and defaults[kind].points > 0:
            assert rule.points >= 0 and rule.cap >= 0, kind
        if defaults.get(kind) is not None and defaults[kind].points < 0:
            assert rule.points <= 0, kind


def test_written_config_loads_and_scores_as_measured(recovered, tmp_path):
    path = write_calibrated(recovered, tmp_path / "scoring.calibrated.toml")
    assert recovered.report["config_written"] == str(path)
    assert load_config(path) == recovered.config


def test_a_worse_config_is_not_written_unless_forced(recovered, tmp_path):
    recovered.report["auc_calibrated"], saved = 0.1, recovered.report["auc_calibrated"]
    try:
        with pytest.raises(CalibrationRefused, match="use --force"):
            write_calibrated(recovered, tmp_path / "worse.toml")
        assert not (tmp_path / "worse.toml").exists()
        write_calibrated(recovered, tmp_path / "worse.toml", force=True)
        assert (tmp_path / "worse.toml").exists()
    finally:
        recovered.report["auc_calibrated"] = saved


def test_conversion_rate_points(leads):
    store, folder = leads
    outcomes = read_outcomes(folder / "outcomes-undated.csv")
    result = calibrate(
        store,
        ScoringConfig(),
        END,
        level="contact",
        method="conversion-rates",
        outcomes=outcomes,
        holdout=0.3,
        seed=0,
    )
    engagement = result.config.engagement
    # A demo request's holders convert far above the average lead: points = the gap in percent.
    assert engagement["demo_request"].points > 30
    assert engagement["demo_request"].points > engagement["email_open"].points
    # The manual method is rough (sums clamp at 100), but it still ranks well above chance.
    assert result.report["auc_calibrated"] > 0.75


def test_time_split_fits_before_and_validates_after(tmp_path):
    store = load(
        tmp_path, make_leads(tmp_path / "in", n=1500, seed=3, spread_days=300, active_days=10)
    )
    outcomes = read_outcomes(tmp_path / "in" / "outcomes.csv")
    as_of = END - pd.Timedelta(days=120)
    result = calibrate(
        store, ScoringConfig(), as_of, level="contact", outcomes=outcomes, window_days=60
    )
    report = result.report
    assert report["split"] == "time"
    assert pd.Timestamp(report["train_as_of"]) == as_of - pd.Timedelta(days=60)
    assert report["auc_calibrated"] > 0.75
    with pytest.raises(StoreError, match="--holdout"):
        calibrate(
            store,
            ScoringConfig(),
            as_of,
            level="contact",
            outcomes=read_outcomes(tmp_path / "in" / "outcomes-undated.csv"),
        )


def test_cli_calibrate_json(leads, tmp_path):
    _store, folder = leads
    out = tmp_path / "new.toml"
    args = [
        "--workspace", str(folder / "ws"), "calibrate", "--as-of", f"{END:%Y-%m-%d}", "--level", "contact",
        "--outcomes", str(folder / "outcomes-undated.csv"), "--holdout", "0.3", "--seed", "1", "--out", str(out),
    ]  # fmt: skip
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert {"auc_default", "auc_calibrated", "auc_baseline", "config_written"} <= set(body)
    assert body["config_written"] == str(out) and out.exists()
    # The config records its as-of, and the next command carries it.
    command = f"abmgraph score --config {out} --as-of {END:%Y-%m-%d}"
    assert body["next_command"] == command
    assert body["score_as_of"] == f"{END:%Y-%m-%d}T23:59:59.999999+00:00"
    assert f"# Calibrated as of {END:%Y-%m-%d}; score with it at that date: {command}\n" in (
        out.read_text(encoding="utf-8")
    )
    table = CliRunner().invoke(cli, args)
    assert table.exit_code == 0, table.output
    assert "+++ " in table.output and "Held-out backtest" in table.output
    assert f"score with it: {command}" in table.output


@pytest.mark.realdata
@pytest.mark.skipif(
    not DATA.is_dir(), reason=f"real datasets not found at {DATA} (set ABMGRAPH_DATA)"
)
def test_x_education_calibrated_points_match_the_logistic_baseline(tmp_path):
    from abmgraph.datasets import convert, ingest_dataset

    data, paths = convert("x-education", DATA / "x-education-leads", tmp_path / "xe")
    store = EmbeddedStore(tmp_path / "ws")
    assert all(r.rejected == 0 for r in ingest_dataset(store, paths, tmp_path / "rejects"))
    result = calibrate(
        store, ScoringConfig(), parse_as_of(data.as_of), level="contact",
        outcomes=read_outcomes(paths["outcomes"]), holdout=0.3, seed=0,
    )  # fmt: skip
    report = result.report
    assert report["validate"] == 2772
    assert abs(report["auc_calibrated"] - report["auc_baseline"]) <= 0.02
    assert report["auc_calibrated"] >= report["auc_default"] + 0.2
    assert report["auc_baseline"] > 0.85
