"""Shared shapes for lead datasets: one account per lead, events and outcomes frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["lead_accounts", "outcomes_frame", "repeat_events", "yes_no"]


def lead_accounts(contact_ids: pd.Series, prefix: str) -> tuple[pd.Series, pd.DataFrame]:
    """An account of its own for every lead: the account ids and the accounts frame."""
    account_ids = "A-" + contact_ids.astype("str")
    accounts = pd.DataFrame(
        {"account_id": account_ids.to_numpy(), "name": (prefix + " " + contact_ids).to_numpy()}
    )
    return account_ids, accounts


def yes_no(column: pd.Series) -> pd.Series:
    """Yes/No text as true/false (anything else missing)."""
    return column.str.strip().str.casefold().map({"yes": "true", "no": "false"})


def repeat_events(
    contact_ids: pd.Series, counts: pd.Series, event_type: str, occurred_at: str | pd.Series
) -> pd.DataFrame:
    """``counts[i]`` events of ``event_type`` for contact ``i``, each with a stable id."""
    n = pd.to_numeric(counts, errors="coerce").fillna(0).clip(lower=0).round().astype("int64")
    who = np.repeat(np.arange(len(contact_ids)), n.to_numpy())
    ids = contact_ids.to_numpy()[who]
    # The k-th event of a contact: position minus the start of its run.
    starts = np.repeat(np.cumsum(n.to_numpy()) - n.to_numpy(), n.to_numpy())
    k = np.arange(len(who)) - starts
    when = occurred_at if isinstance(occurred_at, str) else occurred_at.to_numpy()[who]
    return pd.DataFrame(
        {
            "event_id": pd.Series(ids, dtype="str")
            + f"-{event_type}-"
            + pd.Series(k).astype("str"),
            "contact_id": ids,
            "type": event_type,
            "occurred_at": when,
        }
    )


def outcomes_frame(
    contact_ids: pd.Series,
    account_ids: pd.Series,
    converted: pd.Series,
    converted_at: pd.Series | None = None,
) -> pd.DataFrame:
    """The outcomes file: one row per lead, ``converted`` true/false and when (if known)."""
    return pd.DataFrame(
        {
            "contact_id": contact_ids.to_numpy(),
            "account_id": account_ids.to_numpy(),
            "converted": np.where(converted.to_numpy(dtype=bool), "true", "false"),
            "converted_at": (
                pd.Series(pd.NA, index=contact_ids.index, dtype="str")
                if converted_at is None
                else converted_at
            ).to_numpy(),
        }
    )
