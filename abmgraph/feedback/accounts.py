"""Per account: the handovers sales rejected and those nobody answered, for account views.

With the score history's handovers, both come from ``handover_outcomes``;
without them (a workspace scored before handovers were recorded), rejected
leads come from the latest verdicts alone and nothing counts as unanswered.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from abmgraph.feedback.matching import HANDOVER_COLUMNS, handover_outcomes
from abmgraph.graph.store import GraphStore

__all__ = ["handovers_by_account", "sales_notes", "store_handovers_by_account"]

_FEEDBACK = ["contact_id", "account_id", "verdict", "reason", "by", "at"]
_ACTIVITIES = ["contact_id", "account_id", "at", "owner"]


def _iso(value: Any) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).isoformat()


def _text(value: Any) -> str | None:
    return None if pd.isna(value) else str(value)


def handovers_by_account(
    account_ids: list[str],
    feedback: pd.DataFrame,
    activities: pd.DataFrame,
    handovers: pd.DataFrame | None = None,
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """``{account_id: {"rejected": [...], "unanswered": [...]}}`` for every id given.

    A rejected row has ``contact_id`` (None for the account itself),
    ``reason``, ``by`` and ``at`` (the verdict's instant); an unanswered row
    has ``kind``, ``contact_id``, ``at`` (the handoff) and ``owner``.
    """
    out: dict[str, dict[str, list[dict[str, Any]]]] = {
        a: {"rejected": [], "unanswered": []} for a in account_ids
    }
    known = handovers if handovers is not None else pd.DataFrame(columns=HANDOVER_COLUMNS)
    outcomes = handover_outcomes(known, feedback, activities)
    if handovers is None:
        # No history: every judged lead of the feedback stands as its own handover.
        latest = feedback.sort_values("at", kind="stable")
        latest = latest.drop_duplicates(["contact_id", "account_id"], keep="last")
        rejected = latest[latest["verdict"] == "rejected"].rename(columns={"at": "verdict_at"})
        unanswered = outcomes.iloc[:0]
    else:
        rejected = outcomes[outcomes["verdict"] == "rejected"]
        unanswered = outcomes[~outcomes["answered"]]
    rejected = rejected[rejected["account_id"].isin(account_ids)].sort_values("verdict_at")
    for account, contact, reason, by, at in zip(
        rejected["account_id"], rejected["contact_id"], rejected["reason"], rejected["by"],
        rejected["verdict_at"], strict=True,
    ):  # fmt: skip
        out[account]["rejected"].append(
            {"contact_id": _text(contact), "reason": _text(reason), "by": _text(by), "at": _iso(at)}
        )
    unanswered = unanswered[unanswered["account_id"].isin(account_ids)].sort_values("at")
    for account, kind, contact, at, owner in zip(
        unanswered["account_id"], unanswered["kind"], unanswered["contact_id"],
        unanswered["at"], unanswered["owner"], strict=True,
    ):  # fmt: skip
        out[account]["unanswered"].append(
            {"kind": kind, "contact_id": _text(contact), "at": _iso(at), "owner": _text(owner)}
        )
    return out


def store_handovers_by_account(
    store: GraphStore, account_ids: list[str], handovers: pd.DataFrame | None = None
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """``handovers_by_account`` over the store's feedback and sales activities."""
    feedback = store.table("feedback", columns=_FEEDBACK).reindex(columns=_FEEDBACK)
    activities = store.table("sales_activities", columns=_ACTIVITIES).reindex(columns=_ACTIVITIES)
    return handovers_by_account(account_ids, feedback, activities, handovers)


def sales_notes(
    rows: list[dict[str, Any]], by_account: dict[str, dict[str, list[dict[str, Any]]]]
) -> None:
    """Add ``sales`` to rows of accounts and contacts (``changes``): what sales did with them.

    An account row reads ``2 rejected, 1 unanswered``; a contact row
    ``rejected: <reason>`` or ``unanswered``; None when there is nothing to say.
    """
    for row in rows:
        sales = by_account.get(row.get("account_id") or "", {"rejected": [], "unanswered": []})
        contact = row.get("contact_id")
        if contact:
            rejected = [r for r in sales["rejected"] if r["contact_id"] == contact]
            waiting = any(u["contact_id"] == contact for u in sales["unanswered"])
            note = f"rejected: {rejected[-1]['reason'] or 'no reason given'}" if rejected else None
            row["sales"] = note or ("unanswered" if waiting else None)
            continue
        parts = [f"{len(sales[key])} {key}" for key in ("rejected", "unanswered") if sales[key]]
        row["sales"] = ", ".join(parts) or None
