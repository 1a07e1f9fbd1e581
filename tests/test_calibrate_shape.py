"""Account calibration learns volume back where volume drives outcomes, and keeps breadth.

Two generated worlds, each small, fast and seeded:

- a volume world: accounts of one to eleven contacts whose chance of an
  opportunity rises with how many events they had in the last 30 days. The
  default shape saturates early (capped events per contact, a per-contact cap,
  saturating committee components), so counting events ranks better than the
  default priority; calibration must give the activity components that keep
  counting their points and match the best count;
- the demo, where breadth of the buying committee drives outcomes: the
  default and the calibrated priority both beat counting.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from abmgraph.cli import cli
from abmgraph.demo import generate, write
from abmgraph.demo_run import INGEST_ORDER
from abmgraph.evaluation.calibrate import calibrate
from abmgraph.evaluation.shapes import widened
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.activity import ACTIVITY_STATS
from abmgraph.scoring.config import ScoringConfig, load_config
from abmgraph.scoring.engine import parse_as_of, score_graph

AS_OF = parse_as_of("2026-09-01")
WINDOW = 45
TYPES = ["email_open", "email_click", "pricing_page_view", "webinar_attended", "content_download"]


def _ingest(store: EmbeddedStore, paths: dict[str, Path], folder: Path) -> EmbeddedStore:
    for kind in INGEST_ORDER:
        if kind in paths:
            report = ingest_file(
                store, kind, paths[kind], rejects_path=folder / f"{kind}.rejects.csv", quiet=True
            )
            assert report.rejected == 0, kind
    return store


def volume_world(folder: Path, accounts: int = 400, seed: int = 3) -> dict[str, Path]:
    """Accounts whose opportunities follow their event volume.

    Each account has a steady daily event rate (log-normal, from about one a
    week to several a day) spread at random over its contacts, types and
    seniorities; in each 45-day window it opens an opportunity with
    probability ``sigmoid(-4.5 + 1.1 · log1p(30 · rate))``, the events a
    month it expects. Only volume carries the signal: breadth, roles and
    seniority are noise.
    """
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = np.array([f"V{i:04d}" for i in range(accounts)])
    sizes = rng.integers(1, 12, accounts)
    pd.DataFrame(
        {
            "account_id": ids,
            "name": [f"Volume {i}" for i in ids],
            "domain": [f"{i}.com" for i in ids],
        }
    ).to_csv(folder / "accounts.csv", index=False)
    owner = np.repeat(ids, sizes)
    contact_ids = np.array([f"{a}-C{j}" for a, n in zip(ids, sizes, strict=True) for j in range(n)])
    seniority = rng.choice(["manager", "director", "vp", "individual_contributor"], len(owner))
    pd.DataFrame(
        {
            "contact_id": contact_ids,
            "account_id": owner,
            "email": [
                f"{c.lower()}@{a.lower()}.com" for c, a in zip(contact_ids, owner, strict=True)
            ],
            "seniority": seniority,
            "department": rng.choice(["it", "finance", "operations"], len(owner)),
        }
    ).to_csv(folder / "contacts.csv", index=False)
    rate = np.exp(rng.normal(np.log(0.6), 1.0, accounts))  # events per day
    start = AS_OF - pd.Timedelta(days=200)
    counts = rng.poisson(rate * 200)
    account_of_event = np.repeat(np.arange(accounts), counts)
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    contact_of_event = first[account_of_event] + rng.integers(0, sizes[account_of_event])
    days = rng.uniform(0, 200, len(account_of_event))
    occurred = start + pd.to_timedelta(days, unit="D")
    pd.DataFrame(
        {
            "event_id": [f"VE{i}" for i in range(len(days))],
            "contact_id": contact_ids[contact_of_event],
            "type": rng.choice(TYPES, len(days)),
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    ).to_csv(folder / "engagements.csv", index=False)
    opportunities = []
    # In-market accounts are busy: the chance of an opportunity follows the event rate.
    chance = 1 / (1 + np.exp(4.5 - 1.1 * np.log1p(30 * rate)))
    for t in (AS_OF - pd.Timedelta(days=WINDOW), AS_OF):
        hit = rng.random(accounts) < chance
        created = t + pd.to_timedelta(rng.uniform(1, WINDOW - 1, accounts), unit="D")
        for i in np.flatnonzero(hit):
            opportunities.append(
                {
                    "opportunity_id": f"VO-{ids[i]}-{t:%m%d}",
                    "account_id": ids[i],
                    "is_closed": "false",
                    "is_won": "false",
                    "created_at": created[i].strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            )
    pd.DataFrame(opportunities).to_csv(folder / "opportunities.csv", index=False)
    return {
        kind: folder / f"{kind}.csv"
        for kind in ("accounts", "contacts", "engagements", "opportunities")
    }


@pytest.fixture(scope="module")
def volume_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("volume")
    return _ingest(EmbeddedStore(folder / "ws"), volume_world(folder / "data"), folder), folder


@pytest.fixture(scope="module")
def volume(volume_store):
    return calibrate(volume_store[0], ScoringConfig(), AS_OF, window_days=WINDOW)


@pytest.fixture(scope="module")
def breadth(tmp_path_factory):
    folder = tmp_path_factory.mktemp("breadth")
    data = generate(accounts=600, seed=7, anchor="2026-11-01")
    store = _ingest(EmbeddedStore(folder / "ws"), write(data, folder / "data"), folder)
    # The demo's open deals are all recent: a random held-out half, as of a month ago.
    as_of = parse_as_of("2026-10-02")
    return calibrate(store, ScoringConfig(), as_of, window_days=30, holdout=0.5, seed=0)


def _best_baseline(calibration) -> float:
    rows = calibration.calibrated.metrics["baselines"][1:]
    return max(row["auc"] for row in rows)


def test_widened_moves_every_saturation_and_no_points():
    config = ScoringConfig()
    wide = widened(config, 4)
    assert wide.engagement["email_open"].cap == 4 * config.engagement["email_open"].cap
    assert wide.engagement["email_open"].points == config.engagement["email_open"].points
    # A negative type's floor stays where it was.
    assert wide.engagement["unsubscribe"].cap == config.engagement["unsubscribe"].cap
    assert wide.contact.engagement_max == 4 * config.contact.engagement_max
    before, after = config.account.committee, wide.account.committee
    assert after.per_contact_cap == 4 * before.per_contact_cap
    assert after.volume_scale == 4 * before.volume_scale
    assert after.multithreading_scale == 4 * before.multithreading_scale
    assert after.recency_scale == 4 * before.recency_scale
    assert after.volume_points == before.volume_points
    assert widened(config, 1) is config


def test_where_volume_drives_outcomes_counting_beats_the_default(volume):
    # The premise: the saturating default loses to simply counting.
    assert volume.report["auc_default"] < _best_baseline(volume)
    assert volume.report["auc_best_baseline"] == _best_baseline(volume)
    assert volume.report["best_baseline"].startswith("events_")


def test_calibration_learns_volume_back_and_matches_counting(volume):
    report = volume.report
    assert report["auc_calibrated"] > report["auc_default"] + 0.1
    # The uncapped event volume carries most of the learned engagement points.
    committee = volume.config.account.committee
    assert committee.events_points == max(
        committee.events_points, committee.volume_points, committee.recency_points
    )
    assert committee.events_points > 0
    # Within sampling noise of the best count (400 accounts, about 110 held-out positives:
    # one standard error of the ROC-AUC is about 0.025). Seeds 1, 2, 3 measured 0.808
    # against 0.807, 0.733 against 0.730, 0.770 against 0.780 (see the seed test below).
    assert report["auc_calibrated"] >= _best_baseline(volume) - 0.015


def test_the_activity_scales_come_from_the_training_records(volume_store, volume):
    # The largest activity among the training records (as of 45 days before), rounded
    # up to two significant digits, so none of them is capped and the points follow
    # log(1 + events) across the whole range. The written config carries them.
    training = score_graph(volume_store[0], ScoringConfig(), AS_OF - pd.Timedelta(days=WINDOW))
    committee = volume.config.account.committee
    for component, stat in ACTIVITY_STATS.items():
        largest = training.accounts[stat].max()
        scale = getattr(committee, f"{component}_scale")
        assert largest <= scale <= 1.1 * largest, component


@pytest.mark.parametrize("seed", [1, 2])
def test_on_other_draws_calibration_beats_every_count(tmp_path, seed):
    store = _ingest(
        EmbeddedStore(tmp_path / "ws"), volume_world(tmp_path / "data", seed=seed), tmp_path
    )
    calibration = calibrate(store, ScoringConfig(), AS_OF, window_days=WINDOW)
    assert calibration.report["auc_calibrated"] > _best_baseline(calibration)


def test_where_breadth_drives_outcomes_the_priority_still_beats_counting(breadth):
    report = breadth.report
    # Counting events or people does not find the in-market committees (at best 0.60 here);
    # the default (0.81) and calibrated (0.85) priorities do.
    best = _best_baseline(breadth)
    assert report["auc_default"] > best + 0.1
    assert report["auc_calibrated"] > report["auc_default"] + 0.03
    # On this draw the training folds keep the configured shape, and breadth keeps its
    # points: role coverage and cross-functional reach outweigh event volume.
    assert report["saturation_factor"] == 1
    assert report["saturation_cv_auc"]["1"] > report["saturation_cv_auc"]["16"]
    committee = breadth.config.account.committee
    assert committee.role_coverage_points > committee.events_points
    assert committee.cross_functional_points > committee.events_points


def test_where_the_demo_plants_graph_patterns_calibration_keeps_the_graph(breadth):
    # The demo plants returning champions at in-market accounts, so their component
    # keeps its points; weights are contributions to the priority.
    weights = {row["feature"]: row["points"] for row in breadth.weights}
    assert weights["graph.champions_moved"] > 5
    assert breadth.config.account.graph.champions_moved_points > 0


def test_cli_calibrate_names_the_shape_and_the_best_count(volume_store, volume, tmp_path):
    _, folder = volume_store
    out = tmp_path / "wide.toml"
    args = ["--workspace", str(folder / "ws"), "calibrate", "--as-of", "2026-09-01"]
    result = CliRunner().invoke(cli, [*args, "--window", str(WINDOW), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = volume.report
    assert report["saturation_factor"] == 1
    assert "Kept the configured saturation shape" in result.output
    assert f"best naive count {report['auc_best_baseline']} ({report['best_baseline']})" in (
        result.output
    )
    assert "Held out, against naive baselines" in result.output
    assert "score (calibrated)" in result.output
    # The written config carries the activity points and scales it was measured with.
    written = load_config(out).account.committee
    assert written.events_points == volume.config.account.committee.events_points
    assert written.events_scale == volume.config.account.committee.events_scale
