"""Olist marketing funnel: 8,000 marketing-qualified leads and the 842 that were won.

From the MQL file: the lead id, first contact date, landing page and origin.
From the closed-deals file only ``mql_id`` and ``won_date`` are read: every
other closed-deal field exists only for won leads (leakage), so none is read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abmgraph.datasets.convert import ConvertedDataset, find_file
from abmgraph.datasets.leads import lead_accounts, outcomes_frame
from abmgraph.errors import InputError

__all__ = ["CLOSED_DEAL_COLUMNS", "MQL_COLUMNS", "convert_olist"]

MQL_FILE = "olist_marketing_qualified_leads_dataset.csv"
DEALS_FILE = "olist_closed_deals_dataset.csv"
MQL_COLUMNS = ("mql_id", "first_contact_date", "landing_page_id", "origin")
CLOSED_DEAL_COLUMNS = ("mql_id", "won_date")


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, usecols=lambda c: c in columns, dtype="str")
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable Olist file ({exc}).") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing columns {', '.join(missing)}.")
    return frame


def convert_olist(source: Path) -> ConvertedDataset:
    """Read the Olist MQL and closed-deals files (or their folder) into native frames."""
    mql_path = find_file(source, MQL_FILE)
    mqls = _read(mql_path, MQL_COLUMNS)
    deals = _read(find_file(mql_path.parent, DEALS_FILE), CLOSED_DEAL_COLUMNS)
    contact_ids = mqls["mql_id"].str.strip()
    account_ids, accounts = lead_accounts(contact_ids, "MQL")
    contacts = pd.DataFrame(
        {
            "contact_id": contact_ids,
            "account_id": account_ids,
            "lead_source": mqls["origin"].str.strip(),
            "landing_page": mqls["landing_page_id"].str.strip(),
        }
    )
    first_contact = pd.to_datetime(mqls["first_contact_date"], errors="coerce", utc=True)
    dated = first_contact.notna().to_numpy()
    engagements = pd.DataFrame(
        {
            "event_id": (contact_ids + "-mql")[dated].to_numpy(),
            "contact_id": contact_ids[dated].to_numpy(),
            "type": "form_submit",
            "occurred_at": first_contact[dated].dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy(),
            "asset": mqls["landing_page_id"][dated].to_numpy(),
            "channel": mqls["origin"][dated].to_numpy(),
        }
    )
    won_at = deals.drop_duplicates("mql_id").set_index("mql_id")["won_date"]
    converted_at = pd.to_datetime(contact_ids.map(won_at), errors="coerce", utc=True)
    outcomes = outcomes_frame(
        contact_ids,
        account_ids,
        contact_ids.isin(won_at.index),
        converted_at.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    last = first_contact.max()
    return ConvertedDataset(
        name="olist",
        frames={
            "accounts": accounts,
            "contacts": contacts,
            "engagements": engagements,
            "outcomes": outcomes,
        },
        as_of=f"{last:%Y-%m-%d}" if pd.notna(last) else "",
        notes=[
            "One account per MQL; the first contact is a form_submit event on the "
            "landing page; origin is the contact attribute lead_source.",
            "converted = won (present in the closed deals), converted_at = won_date.",
        ],
    )
