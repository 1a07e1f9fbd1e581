"""The feedback report of a workspace: handovers from the score history, verdicts and
touches from the store, and the context each breakdown needs.

Context per handover, as decided here:

- ``score``: the contact's score (an account's priority for tier 1) in the
  run where it crossed, while that run's snapshot is kept in the history;
  the current score otherwise;
- ``tier``: the account's current tier;
- ``source``: the contact's lead source, from the first of the attributes
  ``lead_source``, ``leadsource``, ``source``, ``original_source`` (as
  Salesforce ``LeadSource`` and HubSpot ``Original Source`` are kept);
- ``segment``: the account's ``segment`` attribute, else its size band by
  employees (``smb`` below 200, ``mid_market`` below 1,000, ``enterprise``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from abmgraph.errors import AbmgraphError, InputError
from abmgraph.feedback.analysis import FeedbackReport, feedback_report
from abmgraph.feedback.matching import handover_outcomes
from abmgraph.graph.store import GraphStore
from abmgraph.scoring.config import ScoringConfig

__all__ = ["SOURCE_COLUMNS", "outcomes_with_context", "parse_since", "workspace_report"]

SOURCE_COLUMNS = ("lead_source", "leadsource", "source", "original_source")
_FEEDBACK = ["contact_id", "account_id", "verdict", "reason", "by", "at"]
_ACTIVITIES = ["contact_id", "account_id", "at", "owner"]

# A run's snapshot of one level (``history.run_table``), or None when it is no longer kept.
Snapshot = Callable[[str, str], "pd.DataFrame | None"]


def _segments(accounts: pd.DataFrame) -> pd.Series:
    employees = accounts.get("employees", pd.Series(np.nan, index=accounts.index)).astype(float)
    bands = pd.cut(
        employees, [-np.inf, 199, 999, np.inf], labels=["smb", "mid_market", "enterprise"]
    )
    size = pd.Series(bands.astype(object), index=accounts.index)
    if "segment" in accounts.columns:
        return accounts["segment"].astype(object).where(accounts["segment"].notna(), size)
    return size


def _first_present(frame: pd.DataFrame, names: tuple[str, ...]) -> pd.Series:
    out = pd.Series(pd.NA, index=frame.index, dtype=object)
    for name in names:
        if name in frame.columns:
            out = out.where(out.notna(), frame[name].astype(object))
    return out


def _scores_then(
    outcomes: pd.DataFrame, current: dict[str, pd.Series], snapshot: Snapshot | None
) -> pd.Series:
    """Each handover's score in the run it crossed in, else its current score."""
    level_column = {
        "contact": ("contacts", "contact_id", "score"),
        "account": ("accounts", "account_id", "priority"),
    }
    out = pd.Series(np.nan, index=outcomes.index, dtype=float)
    for level, (table, key, column) in level_column.items():
        mine = (outcomes["level"] == level).to_numpy()
        out[mine] = outcomes.loc[mine, "subject"].map(current[level]).to_numpy(dtype=float)
        if snapshot is None:
            continue
        for run_id in outcomes.loc[mine, "run_id"].dropna().unique():
            frame = snapshot(str(run_id), table)
            if frame is None or frame.empty or column not in frame.columns:
                continue
            at_run = frame.drop_duplicates(key).set_index(key)[column]
            rows = mine & (outcomes["run_id"] == run_id).to_numpy()
            then = outcomes.loc[rows, "subject"].map(at_run).astype(float)
            out[rows] = then.where(then.notna(), out[rows]).to_numpy()
    return out


def outcomes_with_context(
    store: GraphStore, handovers: pd.DataFrame, snapshot: Snapshot | None = None
) -> pd.DataFrame:
    """``handover_outcomes`` for the store's feedback and activities, with the context columns."""
    feedback = store.table("feedback", columns=_FEEDBACK).reindex(columns=_FEEDBACK)
    activities = store.table("sales_activities", columns=_ACTIVITIES).reindex(columns=_ACTIVITIES)
    out = handover_outcomes(handovers, feedback, activities)
    accounts = store.table("accounts")
    contacts = store.table("contacts")
    account_scores = store.scores("accounts")
    contact_scores = store.scores("contacts")
    current = {
        "contact": _column(contact_scores, "contact_id", "score"),
        "account": _column(account_scores, "account_id", "priority"),
    }
    out["score"] = _scores_then(out, current, snapshot)
    out["tier"] = out["account_id"].map(_column(account_scores, "account_id", "tier"))
    sources = _first_present(contacts, SOURCE_COLUMNS)
    out["source"] = out["contact_id"].map(
        pd.Series(sources.to_numpy(), index=contacts["contact_id"])
    )
    segments = pd.Series(_segments(accounts).to_numpy(), index=accounts["account_id"])
    out["segment"] = out["account_id"].map(segments)
    return out


def _column(frame: pd.DataFrame, key: str, column: str) -> pd.Series:
    if frame.empty or column not in frame.columns:
        return pd.Series(dtype=object)
    return frame.drop_duplicates(key).set_index(key)[column]


def parse_since(text: str) -> pd.Timestamp:
    """``--since``: a date (its start, UTC) or an instant; a time without a zone is UTC.

    >>> parse_since("2026-10-02")
    Timestamp('2026-10-02 00:00:00+0000', tz='UTC')
    """
    try:
        when = pd.Timestamp(text.strip())
    except (ValueError, TypeError):
        raise InputError(
            f"--since {text!r} is not a date; use YYYY-MM-DD or an ISO-8601 instant."
        ) from None
    if pd.isna(when):
        raise InputError(f"--since {text!r} is not a date; use YYYY-MM-DD.")
    return when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")


def workspace_report(
    workspace: Path,
    store: GraphStore,
    config: ScoringConfig,
    *,
    since: pd.Timestamp | None = None,
) -> FeedbackReport:
    """The feedback report of a workspace's score history and store."""
    from abmgraph import history

    def snapshot(run_id: str, level: str) -> pd.DataFrame | None:
        try:
            return history.run_table(workspace, run_id, level)
        except (AbmgraphError, FileNotFoundError, KeyError):
            return None  # the run was pruned from the history: the current score stands in

    outcomes = outcomes_with_context(store, history.handovers(workspace), snapshot)
    return feedback_report(
        outcomes, max_rejection_rate=config.feedback.max_rejection_rate, since=since
    )
