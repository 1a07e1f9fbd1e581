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


def _currencies(
    opportunities: pd.DataFrame, base: str = "", rates: dict[str, float] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(currency per row, amount per row): amounts converted to ``base`` where a rate is known.

    A row's currency is its ``currency`` (upper-cased; missing when the column
    is absent or empty). With a ``base``, amounts in the base currency and in
    every currency of ``rates`` are converted to it (``amount × rate``); the
    others, and amounts with no currency, keep their own.
    """
    amount = pd.to_numeric(opportunities["amount"], errors="coerce").to_numpy(dtype=float)
    if "currency" in opportunities.columns:
        code = opportunities["currency"].astype("str").str.strip().str.upper()
        code = code.where(code != "")
    else:
        code = pd.Series(pd.NA, index=opportunities.index, dtype="str")
    if base:
        factors = {**(rates or {}), base: 1.0}
        rate = code.map(factors).to_numpy(dtype=float, na_value=np.nan)
        known = ~np.isnan(rate)
        amount = np.where(known, amount * np.where(known, rate, 1.0), amount)
        code = code.where(~known, base)
    return code.to_numpy(dtype=object, na_value=None), amount


def pipeline_velocity(
    opportunities: pd.DataFrame,
    tiers: pd.Series,
    *,
    base: str = "",
    rates: dict[str, float] | None = None,
) -> list[dict[str, Any]]:
    """Pipeline velocity per account tier and currency: opportunities × win rate × average amount ÷ cycle.

    ``opportunities`` are those created in the window (``account_id``,
    ``is_closed``, ``is_won``, ``amount``, ``created_at``, ``closed_at``, and
    ``currency`` when known); ``tiers`` maps account_id to the tier it had at
    ``as_of``. Amounts in different currencies are never averaged together:
    each tier has a row per currency, unless ``base`` and ``rates`` convert
    them (see ``_currencies``). Win rate is won over closed, the average
    amount that of won deals (of all when none is won), the cycle the mean
    days from creation to close of won deals (of closed ones when none is
    won). Velocity is money per day, in the row's ``currency``.

    Examples
    --------
    >>> deals = pd.DataFrame({
    ...     "account_id": ["a", "a"], "is_closed": [True, True], "is_won": [True, True],
    ...     "amount": [100.0, 100.0], "currency": ["USD", "EUR"],
    ...     "created_at": pd.to_datetime(["2026-01-01", "2026-01-01"]),
    ...     "closed_at": pd.to_datetime(["2026-01-11", "2026-01-11"])})
    >>> tiers = pd.Series({"a": 1})
    >>> [(r["currency"], r["velocity_per_day"]) for r in pipeline_velocity(deals, tiers)]
    [('EUR', 10.0), ('USD', 10.0)]
    >>> rows = pipeline_velocity(deals, tiers, base="USD", rates={"EUR": 1.1})
    >>> [(r["currency"], r["average_amount"], r["velocity_per_day"]) for r in rows]
    [('USD', 105.0, 21.0)]
    """
    if opportunities.empty:
        return []
    currency, amount = _currencies(opportunities, base, rates)
    frame = pd.DataFrame(
        {
            "tier": opportunities["account_id"].map(tiers).to_numpy(),
            "currency": currency,
            "closed": opportunities["is_closed"].fillna(False).astype(bool).to_numpy(),
            "won": opportunities["is_won"].fillna(False).astype(bool).to_numpy(),
            "amount": amount,
            "days": (
                (opportunities["closed_at"] - opportunities["created_at"]) / pd.Timedelta(days=1)
            ).to_numpy(dtype=float, na_value=np.nan),
        }
    )
    # Missing tiers and currencies sort last.
    frame["_tier"] = frame["tier"].fillna(np.inf)
    frame["_currency"] = frame["currency"].fillna("\uffff")
    rows = []
    for _, group in frame.groupby(["_tier", "_currency"], sort=True):
        tier, code = group["tier"].iloc[0], group["currency"].iloc[0]
        won, closed = group[group["won"]], group[group["closed"]]
        win_rate = len(won) / len(closed) if len(closed) else 0.0
        amount_mean = (won if len(won) else group)["amount"].mean()
        cycle = (won if len(won) else closed)["days"].mean()
        velocity = (
            len(group) * win_rate * amount_mean / cycle
            if cycle and cycle > 0 and not np.isnan(amount_mean)
            else 0.0
        )
        rows.append(
            {
                "tier": None if pd.isna(tier) else int(tier),
                "currency": None if code is None or pd.isna(code) else str(code),
                "opportunities": len(group),
                "won": len(won),
                "closed": len(closed),
                "win_rate": round(win_rate, 4),
                "average_amount": None if np.isnan(amount_mean) else round(float(amount_mean), 2),
                "cycle_days": None if cycle is None or np.isnan(cycle) else round(float(cycle), 1),
                "velocity_per_day": round(float(velocity), 2),
            }
        )
    return rows
