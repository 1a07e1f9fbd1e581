"""Prove the ranking: backtests as of a past date, and calibration of the points from outcomes.

``backtest`` scores the graph as it stood at ``as_of`` and measures what
happened in the window after it; ``calibrate`` learns new points from
outcomes and checks them on held-out records; ``chart.lift_chart`` draws
lift by score decile (imported on its own: it loads matplotlib).
"""

from abmgraph.evaluation.backtest import Backtest, backtest
from abmgraph.evaluation.calibrate import Calibration, CalibrationRefused, calibrate
from abmgraph.evaluation.outcomes import observed_outcomes, read_outcomes

__all__ = [
    "Backtest",
    "Calibration",
    "CalibrationRefused",
    "backtest",
    "calibrate",
    "observed_outcomes",
    "read_outcomes",
]
