"""Deals: opportunities won, open and lost, and the contacts with a role on each."""

import numpy as np
import pandas as pd

from abmgraph.demo.accounts import Accounts
from abmgraph.demo.catalog import OPEN_STAGES, OPP_ROLE_P, OPP_ROLES
from abmgraph.demo.columns import as_text, lookup, serial_ids, utc_times
from abmgraph.demo.contacts import Contacts
from abmgraph.demo.draws import draw_by_seniority, draw_instants

__all__ = ["draw_deal_contacts", "draw_opportunities"]


def draw_opportunities(
    rng: np.random.Generator, acc: Accounts, in_market: np.ndarray, anchor: pd.Timestamp
) -> tuple[pd.DataFrame, np.ndarray]:
    """Deals: customers won some, some in-market accounts have one open, others lost.

    Also returns the account index of every deal.
    """
    n = len(in_market)
    won = np.where(acc.customer, 1 + (rng.random(n) < 0.3), 0)
    prospect = ~in_market & acc.target & ~acc.customer
    has_open = (in_market & (rng.random(n) < 0.35)) | (prospect & (rng.random(n) < 0.03))
    lost = ~acc.customer & (rng.random(n) < np.where(acc.target, 0.10, 0.02))
    account = np.concatenate(
        [np.repeat(np.arange(n), won), np.flatnonzero(has_open), np.flatnonzero(lost)]
    )
    outcome = np.repeat([0, 1, 2], [won.sum(), has_open.sum(), lost.sum()])  # won, open, lost
    rows = len(account)
    recent = np.where(in_market[account], rng.uniform(1, 25, rows), rng.uniform(1, 120, rows))
    created_days = np.select(
        [outcome == 0, outcome == 1],
        [rng.uniform(200, 900, rows), recent],
        rng.uniform(60, 600, rows),
    )
    created = draw_instants(rng, created_days, anchor)
    closed_days = np.maximum(created_days - rng.uniform(20, 150, rows), 0)
    closed = np.maximum(draw_instants(rng, closed_days, anchor), created)
    stages = (*OPEN_STAGES, "Closed Won", "Closed Lost")
    open_stage = rng.choice(len(OPEN_STAGES), rows, p=[0.3, 0.35, 0.25, 0.1])
    stage = np.select([outcome == 0, outcome == 2], [4, 5], open_stage)
    employees = acc.employees[account].astype(float)
    amount = np.round(15_000 * (employees / 200) ** 0.45 * rng.lognormal(0, 0.4, rows), -2)

    order = np.lexsort((created, account))
    account, outcome, stage = account[order], outcome[order], stage[order]
    deals = pd.DataFrame(
        {
            "opportunity_id": as_text(serial_ids("O", rows, 6)),
            "account_id": as_text(lookup(acc.ids, account)),
            "stage": as_text(lookup(stages, stage)),
            "is_closed": outcome != 1,
            "is_won": outcome == 0,
            "amount": np.clip(amount, 5_000, 2_000_000)[order],
            "created_at": utc_times(created[order]),
            "closed_at": utc_times(closed[order]).where(outcome != 1),
        }
    )
    return deals, account


def draw_deal_contacts(
    rng: np.random.Generator, con: Contacts, deals: pd.DataFrame, account: np.ndarray
) -> pd.DataFrame:
    """OpportunityContactRole rows: a senior primary contact and up to three others."""
    people = 1 + rng.binomial(3, 0.4, len(account))
    deal = np.repeat(np.arange(len(account)), people)
    first = np.arange(len(deal)) == np.repeat(np.cumsum(people) - people, people)
    size = np.bincount(con.account, minlength=len(con.starts))[account][deal]
    top = (rng.random(len(deal)) * np.minimum(3, size)).astype(np.int64)
    anyone = (rng.random(len(deal)) * size).astype(np.int64)
    contact = con.starts[account][deal] + np.where(first, top, anyone)
    unique = ~pd.DataFrame({"deal": deal, "contact": contact}).duplicated().to_numpy()
    deal, contact, first = deal[unique], contact[unique], first[unique]
    return pd.DataFrame(
        {
            "opportunity_id": deals["opportunity_id"].to_numpy()[deal],
            "contact_id": as_text(lookup(con.ids, contact)),
            "role": as_text(
                lookup(OPP_ROLES, draw_by_seniority(rng, OPP_ROLE_P, con.seniority[contact]))
            ),
            "is_primary": first,
        }
    ).astype({"opportunity_id": "str"})
