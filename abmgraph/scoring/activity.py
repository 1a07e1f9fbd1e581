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
    summary: pd.DataFrame, contacts: pd.DataFrame, account_ids: pd.Series, config: ScoringConfig
) -> pd.DataFrame:
    """The raw statistics (``ACTIVITY_STATS``' columns) per account, in ``account_ids`` order.

    ``summary`` is the store's engagement summary (one row per contact and
    type, with ``decayed``, ``recent`` and ``prior`` event counts);
    ``contacts`` maps each contact to its ``account_id``.
    """
    positive = [kind for kind, rule in config.engagement.items() if rule.points > 0]
    seen = summary[summary["type"].isin(positive) & (summary["events"] > 0)]
    employer = contacts.set_index("contact_id")["account_id"]
    rows = pd.DataFrame(
        {
            "account_id": seen["contact_id"].map(employer).to_numpy(),
            "contact_id": seen["contact_id"].to_numpy(),
            "decayed": seen["decayed"].to_numpy(dtype="float64"),
            "recent": seen["recent"].to_numpy(dtype="float64"),
            "prior": seen["prior"].to_numpy(dtype="float64"),
        }
    ).dropna(subset=["account_id"])
    by_account = rows.groupby("account_id")
    stats = pd.DataFrame(
        {
            "decayed_events": by_account["decayed"].sum(),
            "recent_events": by_account["recent"].sum(),
            "active_people": by_account["contact_id"].nunique(),
            "prior_events": by_account["prior"].sum(),
        }
    ).reindex(pd.Index(account_ids, dtype="object"))
    stats = stats.fillna(0.0)
    window = config.window
    pace = stats["prior_events"] * window.recent_days / window.prior_days
    stats["rising_events"] = np.maximum(stats["recent_events"] - pace, 0.0)
    return stats[list(ACTIVITY_STATS.values())].reset_index(drop=True)


def activity_components(stats: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """``committee.<component>`` points (before the engagement weight) from the raw statistics."""
    committee = config.account.committee
    out = pd.DataFrame(index=stats.index)
    for component, stat in ACTIVITY_STATS.items():
        points = getattr(committee, f"{component}_points")
        scale = getattr(committee, f"{component}_scale")
        out[f"committee.{component}"] = points * log_share(stats[stat], scale)
    return out.round(2)
