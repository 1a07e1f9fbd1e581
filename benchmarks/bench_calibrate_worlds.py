"""Held-out ROC-AUC of account calibration where volume drives outcomes and where breadth does.

Reproduce the README's Calibrate table with
``.venv/bin/python benchmarks/bench_calibrate_worlds.py``: for seeds 1–3 it
builds the volume world of ``tests/test_calibrate_shape.py`` (400 accounts
whose opportunities follow their event rate) and calibrates as of
2026-09-01 with a 45-day window; then the demo (600 accounts, seed 7, half
held out as of 2026-10-02, 30-day window). Each row: the default config, the
calibrated one (with the saturation shape kept), the best naive count and the
priority points the calibration gave the activity and graph components (the
volume world has no reporting lines, deals or families). Nothing here
is timed or a test; the figures are exact for a given library stack.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_calibrate_shape import AS_OF, WINDOW, _ingest, volume_world

from abmgraph.demo import generate, write
from abmgraph.evaluation.calibrate import Calibration, calibrate
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.scoring.activity import ACTIVITY_COMPONENTS
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of


def row(world: str, calibration: Calibration) -> str:
    report = calibration.report
    committee = calibration.config.account.committee
    weight = calibration.config.account.engagement_weight
    learned = ", ".join(
        f"{name} {getattr(committee, f'{name}_points') * weight:.0f}"
        for name in ACTIVITY_COMPONENTS
        if getattr(committee, f"{name}_points")
    )
    # Graph components only where the data showed them (the others keep their points).
    graph = calibration.config.account.graph
    fitted = {row["feature"] for row in calibration.weights}
    walked = ", ".join(
        f"{name} {getattr(graph, f'{name}_points') * weight:.0f}"
        for name in ("access_to_power", "champions_moved", "family")
        if f"graph.{name}" in fitted
    )
    return (
        f"| {world} | {report['auc_default']:.3f} | {report['auc_calibrated']:.3f} "
        f"({report['saturation_factor']:g}×) | {report['auc_best_baseline']:.3f} "
        f"({report['best_baseline']}) | {learned or 'none'} | {walked or 'none'} |"
    )


print(
    "| world | default | calibrated (shape kept) | best naive count | activity points "
    "| graph points |"
)
print("|---|---|---|---|---|---|")
for seed in (1, 2, 3):
    folder = Path(tempfile.mkdtemp())
    store = _ingest(EmbeddedStore(folder / "ws"), volume_world(folder / "data", seed=seed), folder)
    print(row(f"volume, seed {seed}", calibrate(store, ScoringConfig(), AS_OF, window_days=WINDOW)))
folder = Path(tempfile.mkdtemp())
data = write(generate(accounts=600, seed=7, anchor="2026-11-01"), folder / "data")
store = _ingest(EmbeddedStore(folder / "ws"), data, folder)
demo = calibrate(
    store, ScoringConfig(), parse_as_of("2026-10-02"), window_days=30, holdout=0.5, seed=0
)
print(row("demo, seed 7", demo))
