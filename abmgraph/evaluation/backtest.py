"""Backtests: score the graph as it stood at ``as_of``, then measure what happened next.

Scoring goes through ``score_graph``, which ignores every event after
``as_of`` and every opportunity created after it, so a backtest sees exactly
what a scoring run on that day would have seen. Outcomes come from the window
that follows (see ``abmgraph.evaluation.outcomes``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from abmgraph.errors import StoreError
from abmgraph.evaluation.baselines import baseline_metrics, baseline_signals
from abmgraph.evaluation.metrics import (
    conversion_by,
    lift_by_decile,
    pipeline_velocity,
    pr_auc,
    roc_auc,
)
from abmgraph.evaluation.outcomes import (
    Level,
    feedback_outcomes,
    observed_outcomes,
    opportunities_in_window,
)
from abmgraph.graph.store import GraphStore
from abmgraph.scoring.config import ScoringConfig, config_hash
from abmgraph.scoring.engine import ScoreResult, score_graph

__all__ = ["Backtest", "Target", "backtest", "scored_frame"]

Target = Literal["converted", "won", "accepted"]


@dataclass
class Backtest:
    """The metrics of one backtest, and the scored population with its outcomes."""

    metrics: dict[str, Any]
    frame: pd.DataFrame


def scored_frame(result: ScoreResult, level: Level) -> pd.DataFrame:
    """One row per scored id: ``id``, ``score``, ``tier``, ``stage`` (and ``quadrant``)."""
    accounts = result.accounts
    if level == "account":
        return pd.DataFrame(
            {
                "id": accounts["account_id"].to_numpy(),
                "score": accounts["priority"].to_numpy(dtype=float),
                "tier": accounts["tier"].to_numpy(),
                "stage": accounts["stage"].to_numpy(),
            }
        )
    contacts = result.contacts
    tiers = accounts.set_index("account_id")["tier"]
    return pd.DataFrame(
        {
            "id": contacts["contact_id"].to_numpy(),
            "score": contacts["score"].to_numpy(dtype=float),
            "tier": contacts["account_id"].map(tiers).to_numpy(),
            "stage": contacts["stage"].to_numpy(),
            "quadrant": contacts["quadrant"].to_numpy(),
        }
    )


def _rates(
    frame: pd.DataFrame, start: ScoreResult, end: ScoreResult, y: np.ndarray
) -> dict[str, float | None]:
    stage_then = start.contacts.set_index("contact_id")["stage"]
    stage_later = end.contacts.set_index("contact_id")["stage"]
    mqls = stage_then.index[stage_then == "mql"]
    mql_to_sql = float((stage_later.reindex(mqls) == "sql").mean()) if len(mqls) else None
    rates: dict[str, float | None] = {
        "lead_to_opportunity": round(float(y.mean()), 4) if len(y) else None,
        "mql_to_sql": None if mql_to_sql is None else round(mql_to_sql, 4),
    }
    if "quadrant" in frame.columns:
        qualified = frame["stage"].isin(["mql", "sql"]).to_numpy()
        rates["mql_to_opportunity"] = (
            round(float(y[qualified].mean()), 4) if qualified.any() else None
        )
    return rates


def backtest(
    store: GraphStore,
    config: ScoringConfig,
    as_of: pd.Timestamp,
    *,
    window_days: float = 90,
    level: Level = "account",
    outcomes: pd.DataFrame | None = None,
    target: Target = "converted",
    ids: Iterable[str] | None = None,
) -> Backtest:
    """Score as of ``as_of`` and measure the outcomes in the ``window_days`` after it.

    Parameters
    ----------
    store
        The graph; nothing in it after ``as_of`` reaches the scores.
    config
        The scoring config under test.
    as_of
        The instant to score at (UTC).
    window_days
        Length of the outcome window after ``as_of``.
    level
        ``account`` (priority against opportunities at the account) or
        ``contact`` (score against the contact's own conversion).
    outcomes
        An outcomes table (``read_outcomes``) instead of the store's opportunities.
    target
        ``converted`` (an opportunity was created / the lead converted) or ``won``.
    ids
        Only measure these ids (a held-out set); default the whole population.

    Returns
    -------
    Backtest
        ``metrics`` with ``auc``, ``pr_auc``, ``lift_by_decile``,
        ``conversion_by_tier``, ``conversion_by_stage`` (and ``_quadrant`` for
        contacts), ``rates``, ``pipeline_velocity_by_tier``, ``baselines``
        (the score's ROC-AUC, PR-AUC and top-decile lift beside those of
        counting recent events and engaged people, see
        ``abmgraph.evaluation.baselines``) and ``beaten_by_baselines`` (the
        baselines that rank better than the score); ``frame`` with every
        measured id, its score, outcome and baseline counts.
    """
    result = score_graph(store, config, as_of)
    observed = observed_outcomes(store, level, as_of, window_days, outcomes, target=target)
    frame = scored_frame(result, level).merge(observed, on="id", how="inner")
    if ids is not None:
        frame = frame[frame["id"].isin(pd.Index(list(ids)))]
    frame = frame.reset_index(drop=True)
    if frame.empty:
        raise StoreError(
            f"Nothing to measure at the {level} level as of {as_of:%Y-%m-%d}: "
            "no scored records have outcomes. Check --level, --as-of and --outcomes."
        )
    y = frame[target].to_numpy(dtype=bool)
    end = score_graph(store, config, as_of + pd.Timedelta(days=window_days))
    tiers = result.accounts.set_index("account_id")["tier"]
    metrics: dict[str, Any] = {
        "level": level,
        "as_of": as_of.isoformat(),
        "window_days": window_days,
        "target": target,
        "config_hash": config_hash(config)[:12],
        "population": len(frame),
        "positives": int(y.sum()),
        "base_rate": round(float(y.mean()), 4),
        "auc": _round(roc_auc(y, frame["score"])),
        "pr_auc": _round(pr_auc(y, frame["score"])),
        "lift_by_decile": lift_by_decile(y, frame["score"]),
        "conversion_by_tier": conversion_by(frame["tier"], y, "tier"),
        "conversion_by_stage": conversion_by(frame["stage"], y, "stage"),
    }
    signals = baseline_signals(store, as_of, level, frame["id"])
    metrics["baselines"] = baseline_metrics(y, frame["score"].to_numpy(dtype=float), signals)
    metrics["beaten_by_baselines"] = [
        row["baseline"] for row in metrics["baselines"] if row["beats_score"]
    ]
    if level == "contact":
        metrics["conversion_by_quadrant"] = conversion_by(frame["quadrant"], y, "quadrant")
    metrics["rates"] = _rates(frame, result, end, y)
    metrics.update(_acceptance(store, result, level, as_of, window_days))
    frame = pd.concat([frame, signals], axis=1)
    metrics["pipeline_velocity_by_tier"] = pipeline_velocity(
        opportunities_in_window(store, as_of, window_days),
        tiers,
        base=config.currency.base,
        rates=config.currency.rates,
    )
    return Backtest(metrics, frame)


def _acceptance(
    store: GraphStore, result: ScoreResult, level: Level, as_of: pd.Timestamp, days: float
) -> dict[str, Any]:
    """How well the score separated the handovers sales accepted from those it rejected.

    ``acceptance_auc``: the ROC-AUC of the score over the verdicts given in
    the window (None without both kinds); ``handovers_judged``: how many.
    """
    judged = feedback_outcomes(store, level, as_of, days)
    scored = scored_frame(result, level).merge(judged, on="id", how="inner")
    return {
        "acceptance_auc": _round(roc_auc(scored["accepted"], scored["score"])),
        "handovers_judged": len(scored),
        "handovers_accepted": int(scored["accepted"].sum()),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
