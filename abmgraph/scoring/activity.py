"""The account's raw activity: event volume, recent events, active people and trend.

The six classic committee components saturate early by design (capped
events per contact and type, a cap per contact, components that flatten),
which is right when the breadth of a buying committee predicts and throws
information away when sheer volume does. These four components keep
counting instead; they default to 0 points, so a config turns them on
(calibration does when the data says so):

- ``committee.events``: the account's events, each halved every
  ``half_life_days`` of age, over every contact, with no cap per contact or
  type;
- ``committee.recent_events``: events in the last ``recent_days``;
- ``committee.people``: contacts with at least one event in the look-back;
- ``committee.trend``: recent events above the pace of the ``prior_days``
  before them (``recent − prior × recent_days ÷ prior_days``, never below 0),
  so a rising account earns points and a cooling one simply earns none.
  It is the one component an added positive event can lower: an event
  back-dated into the prior window raises the pace the recent events are
  held to. That is what a trend measures, which is why it is off by default.

Only engagement types with positive points count, so a negative signal never
raises a component. Each grows with ``log(1 + x)`` up to its ``*_scale`` and
earns its full points there: every event adds, the hundredth less than the
first, and an account's events cannot push the priority past 100.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.scoring.config import ScoringConfig

__all__ = [
    "ACTIVITY_COMPONENTS",
    "ACTIVITY_STATS",
    "account_activity",
    "activity_components",
    "log_share",
]

# Component → the raw statistic it grows with (a column of ``account_activity``).
ACTIVITY_STATS = {
    "events": "decayed_events",
    "recent_events": "recent_events",
    "people": "active_people",
    "trend": "rising_events",
}
ACTIVITY_COMPONENTS = tuple(ACTIVITY_STATS)


def log_share(x: pd.Series | np.ndarray, scale: float) -> np.ndarray:
    """``log(1 + x) ÷ log(1 + scale)``, at most 1: 0 at none, 1 from ``scale`` on."""
    x = np.maximum(np.asarray(x, dtype="float64"), 0.0)
    return np.minimum(np.log1p(x) / np.log1p(scale), 1.0)


def account_activity(
    contacts: pd.DataFrame, account_ids: pd.Series, config: ScoringConfig
) -> pd.DataFrame:
    """The raw statistics (``ACTIVITY_STATS``' columns) per account, in ``account_ids`` order.

    ``contacts`` are scored contacts: ``account_id`` and their positive-type
    event counts ``positive_events``, ``decayed_events``, ``recent_events``
    and ``prior_events`` (see ``scoring.contacts``).
    """
    n = len(account_ids)
    employer = pd.Index(account_ids).get_indexer(contacts["account_id"])
    mine = employer >= 0
    account = employer[mine]

    def total(column: str) -> np.ndarray:
        weights = contacts[column].to_numpy(dtype="float64")[mine]
        return np.bincount(account, weights=weights, minlength=n)

    active = contacts["positive_events"].to_numpy()[mine] > 0
    recent, prior = total("recent_events"), total("prior_events")
    window = config.window
    pace = prior * window.recent_days / window.prior_days
    return pd.DataFrame(
        {
            "decayed_events": total("decayed_events"),
            "recent_events": recent,
            "active_people": np.bincount(account[active], minlength=n).astype("float64"),
            "rising_events": np.maximum(recent - pace, 0.0),
        }
    )


def activity_components(stats: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """``committee.<component>`` points (before the engagement weight) from the raw statistics."""
    committee = config.account.committee
    out = pd.DataFrame(index=stats.index)
    for component, stat in ACTIVITY_STATS.items():
        points = getattr(committee, f"{component}_points")
        scale = getattr(committee, f"{component}_scale")
        out[f"committee.{component}"] = points * log_share(stats[stat], scale)
    return out.round(2)
