"""Naive baselines: rank by simply counting recent activity, to measure a score against.

A score earns its keep only if it ranks better than counting. For every
scored id the baselines are:

- ``events_<N>d``: the engagement events (of every type) in the last N days
  before ``as_of``;
- ``engaged_people_<N>d`` (accounts only): the account's contacts with at
  least one event in those N days;

for N in 14, 30 and 90. All six come from one ``engagement_summary`` call
through the ``GraphStore`` interface (a 90-day window whose ``recent`` part
is the last 14 days and whose ``prior`` part the 16 before), so both stores
give the same counts. An event counts in the last N days when it is less than
N days old; the 90-day window holds every event the summary sees (the store's
window includes its start).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from abmgraph.evaluation.metrics import lift_by_decile, pr_auc, roc_auc
from abmgraph.evaluation.outcomes import Level
from abmgraph.graph.store import EventWindow, GraphStore

__all__ = ["BASELINE_DAYS", "baseline_metrics", "baseline_signals"]

BASELINE_DAYS = (14, 30, 90)


def baseline_signals(
    store: GraphStore, as_of: pd.Timestamp, level: Level, ids: pd.Series
) -> pd.DataFrame:
    """The baseline counts for ``ids`` (accounts or contacts), one row per id, in order.

    Columns ``events_14d``, ``events_30d``, ``events_90d`` and, at the
    account level, ``engaged_people_14d``, ``engaged_people_30d``,
    ``engaged_people_90d``. Ids without events count 0.
    """
    short, middle, long = BASELINE_DAYS
    window = EventWindow(
        as_of=as_of,
        lookback_days=long,
        half_life_days=long,
        recent_days=short,
        prior_days=middle - short,
    )
    summary = store.engagement_summary(window)
    per_contact = summary.groupby("contact_id")[["events", "recent", "prior"]].sum()
    counts = pd.DataFrame(
        {
            f"events_{short}d": per_contact["recent"],
            f"events_{middle}d": per_contact["recent"] + per_contact["prior"],
            f"events_{long}d": per_contact["events"],
        },
        index=per_contact.index,
    )
    index = pd.Index(ids.astype("str").to_numpy())
    if level == "contact":
        return counts.reindex(index).fillna(0).astype("int64").reset_index(drop=True)
    contacts = store.table("contacts", columns=["contact_id", "account_id"])
    owner = contacts.dropna(subset=["account_id"]).set_index("contact_id")["account_id"]
    counts = counts.join(owner, how="inner")
    for days in BASELINE_DAYS:
        counts[f"engaged_people_{days}d"] = (counts[f"events_{days}d"] > 0).astype("int64")
    by_account = counts.groupby("account_id").sum()
    return by_account.reindex(index).fillna(0).astype("int64").reset_index(drop=True)


def _top_decile_lift(y: np.ndarray, score: np.ndarray) -> float | None:
    rows = lift_by_decile(y, score)
    return rows[0]["lift"] if rows else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def baseline_metrics(
    y: np.ndarray, score: np.ndarray, signals: pd.DataFrame
) -> list[dict[str, Any]]:
    """ROC-AUC, PR-AUC and top-decile lift of the score and of each baseline, side by side.

    The first row is the score itself (``baseline`` = ``score``); each row's
    ``beats_score`` says whether that baseline ranks better than the score
    by ROC-AUC.

    Examples
    --------
    >>> signals = pd.DataFrame({"events_30d": [0, 1, 5, 9]})
    >>> rows = baseline_metrics(np.array([0, 0, 1, 1]), np.array([4.0, 3, 2, 1]), signals)
    >>> [(r["baseline"], r["auc"], r["beats_score"]) for r in rows]
    [('score', 0.0, None), ('events_30d', 1.0, True)]
    """
    y = np.asarray(y, dtype=bool)
    score_auc = _round(roc_auc(y, score))
    rows = [
        {
            "baseline": "score",
            "auc": score_auc,
            "pr_auc": _round(pr_auc(y, score)),
            "top_decile_lift": _top_decile_lift(y, score),
            "beats_score": None,
        }
    ]
    for column in signals.columns:
        values = signals[column].to_numpy(dtype=float)
        auc = _round(roc_auc(y, values))
        rows.append(
            {
                "baseline": column,
                "auc": auc,
                "pr_auc": _round(pr_auc(y, values)),
                "top_decile_lift": _top_decile_lift(y, values),
                "beats_score": None if auc is None or score_auc is None else auc > score_auc,
            }
        )
    return rows
