"""Ranking and funnel metrics: AUCs, lift by decile, conversion by group, velocity.

Every function takes plain arrays or frames and returns plain data (floats,
lists of dicts), ready for JSON.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

__all__ = [
    "conversion_by",
    "lift_by_decile",
    "pipeline_velocity",
    "pr_auc",
    "roc_auc",
]


def _both_classes(y: np.ndarray) -> bool:
    return 0 < int(np.sum(y)) < len(y)


def roc_auc(y: Any, score: Any) -> float | None:
    """ROC-AUC (ties count half); None when only one class is present.

    Examples
    --------
    >>> roc_auc([0, 0, 1, 1], [1, 2, 3, 4])
    1.0
    """
    y = np.asarray(y, dtype=bool)
    return float(roc_auc_score(y, np.asarray(score, dtype=float))) if _both_classes(y) else None


def pr_auc(y: Any, score: Any) -> float | None:
    """Area under the precision-recall curve (average precision); None with one class."""
    y = np.asarray(y, dtype=bool)
    if not _both_classes(y):
        return None
    return float(average_precision_score(y, np.asarray(score, dtype=float)))


def lift_by_decile(y: Any, score: Any, groups: int = 10) -> list[dict[str, Any]]:
    """Conversion and lift in each score decile, decile 1 holding the highest scores.

    Rows are split into equal-sized deciles by rank. Rows with the same score
    cannot be told apart, so within a run of ties every row counts with the
    run's average outcome: the expected figures under a random tie-break,
    without the randomness. Lift is a decile's conversion over the overall.

    Examples
    --------
    >>> rows = lift_by_decile([1, 0, 0, 0], [9, 1, 1, 1], groups=2)
    >>> [(r["decile"], r["count"], r["conversion"], r["lift"]) for r in rows]
    [(1, 2, 0.5, 2.0), (2, 2, 0.0, 0.0)]
    """
    y = np.asarray(y, dtype=float)
    score = np.asarray(score, dtype=float)
    n = len(y)
    if n == 0:
        return []
    order = np.argsort(-score, kind="stable")
    ranked_score = score[order]
    tie_mean = pd.Series(y).groupby(score).transform("mean").to_numpy()[order]
    decile = np.arange(n) * groups // n + 1
    base = y.mean()
    frame = pd.DataFrame({"decile": decile, "y": tie_mean, "score": ranked_score})
    stats = frame.groupby("decile").agg(
        count=("y", "size"),
        positives=("y", "sum"),
        conversion=("y", "mean"),
        score_min=("score", "min"),
        score_max=("score", "max"),
    )
    stats["lift"] = stats["conversion"] / base if base > 0 else np.nan
    return [
        {
            "decile": int(d),
            "count": int(row["count"]),
            "positives": round(float(row["positives"]), 2),
            "conversion": round(float(row["conversion"]), 4),
            "lift": round(float(row["lift"]), 3) if base > 0 else None,
            "score_min": round(float(row["score_min"]), 2),
            "score_max": round(float(row["score_max"]), 2),
        }
        for d, row in stats.iterrows()
    ]


def conversion_by(groups: Any, y: Any, name: str) -> list[dict[str, Any]]:
    """Count, conversions, conversion rate and lift for each value of ``groups``.

    Examples
    --------
    >>> conversion_by(["mql", "lead", "mql"], [1, 0, 0], "stage")[0]["stage"]
    'lead'
    """
    frame = pd.DataFrame({name: pd.Series(groups).to_numpy(), "y": np.asarray(y, dtype=float)})
    base = frame["y"].mean() if len(frame) else 0.0
    stats = frame.groupby(name, dropna=False).agg(count=("y", "size"), positives=("y", "sum"))
    rows = []
    for value, row in stats.iterrows():
        rate = row["positives"] / row["count"]
        rows.append(
            {
                name: value.item() if hasattr(value, "item") else value,
                "count": int(row["count"]),
                "positives": int(row["positives"]),
                "conversion": round(float(rate), 4),
                "lift": round(float(rate / base), 3) if base > 0 else None,
            }
        )
    return rows


def pipeline_velocity(opportunities: pd.DataFrame, tiers: pd.Series) -> list[dict[str, Any]]:
    """Pipeline velocity per account tier: opportunities × win rate × average amount ÷ cycle.

    ``opportunities`` are those created in the window (``account_id``,
    ``is_closed``, ``is_won``, ``amount``, ``created_at``, ``closed_at``);
    ``tiers`` maps account_id to the tier it had at ``as_of``. Win rate is won
    over closed, the average amount that of won deals (of all when none is
    won), the cycle the mean days from creation to close of won deals (of
    closed ones when none is won). Velocity is money per day.
    """
    if opportunities.empty:
        return []
    frame = pd.DataFrame(
        {
            "tier": opportunities["account_id"].map(tiers).to_numpy(),
            "closed": opportunities["is_closed"].fillna(False).astype(bool).to_numpy(),
            "won": opportunities["is_won"].fillna(False).astype(bool).to_numpy(),
            "amount": pd.to_numeric(opportunities["amount"], errors="coerce").to_numpy(),
            "days": (
                (opportunities["closed_at"] - opportunities["created_at"]) / pd.Timedelta(days=1)
            ).to_numpy(dtype=float, na_value=np.nan),
        }
    )
    rows = []
    for tier, group in frame.groupby("tier", dropna=False, sort=True):
        won, closed = group[group["won"]], group[group["closed"]]
        win_rate = len(won) / len(closed) if len(closed) else 0.0
        amount = (won if len(won) else group)["amount"].mean()
        cycle = (won if len(won) else closed)["days"].mean()
        velocity = (
            len(group) * win_rate * amount / cycle
            if cycle and cycle > 0 and not np.isnan(amount)
            else 0.0
        )
        rows.append(
            {
                "tier": None if pd.isna(tier) else int(tier),
                "opportunities": len(group),
                "won": len(won),
                "closed": len(closed),
                "win_rate": round(win_rate, 4),
                "average_amount": None if np.isnan(amount) else round(float(amount), 2),
                "cycle_days": None if cycle is None or np.isnan(cycle) else round(float(cycle), 1),
                "velocity_per_day": round(float(velocity), 2),
            }
        )
    return rows
