"""``generate``: every generation step in order, from one seeded random generator."""

from datetime import date, datetime

import numpy as np
import pandas as pd

from abmgraph.demo.accounts import choose_in_market, draw_accounts
from abmgraph.demo.contacts import committee_sizes, draw_contacts
from abmgraph.demo.dataset import DemoData, parse_anchor
from abmgraph.demo.deals import draw_deal_contacts, draw_opportunities
from abmgraph.demo.engagements import EVENTS_PER_CONTACT, draw_activity, draw_engagements
from abmgraph.demo.intent import draw_intent
from abmgraph.demo.patterns import family_in_market, plant_returning_champions, plant_sponsors

__all__ = ["generate"]


def generate(
    accounts: int = 200,
    seed: int = 0,
    anchor: str | date | datetime | pd.Timestamp | None = None,
    contacts_per_account: tuple[int, int] = (4, 12),
    events: int | None = None,
    in_market_share: float = 0.15,
    *,
    contacts: int | None = None,
) -> DemoData:
    """Generate a realistic dataset in the native data contract with a planted truth.

    Parameters
    ----------
    accounts
        Number of accounts (at least 1).
    seed
        Seed for ``numpy.random.default_rng``, the only source of randomness.
    anchor
        The "now" of the data (see ``parse_anchor``); default today 00:00 UTC.
        Every event is at or before it, spread over the ~180 days before.
    contacts_per_account
        Inclusive range of committee sizes.
    events
        Exact number of engagement rows; default 16 per contact.
    in_market_share
        Share of target accounts planted as in market (0–1); customers never are.
    contacts
        Exact total number of contacts, with every committee size still within
        ``contacts_per_account``; default: sizes drawn uniformly in the range.

    Returns
    -------
    DemoData
        The frames, the truth (``account_id``, ``in_market``) and the anchor.

    Raises
    ------
    ValueError
        When a size or share is out of range.

    Examples
    --------
    >>> data = generate(accounts=10, seed=3, anchor="2026-10-01", events=500)
    >>> len(data.engagements)
    500
    >>> data.anchor.isoformat()
    '2026-10-01T00:00:00+00:00'
    """
    low, high = contacts_per_account
    if accounts < 1:
        raise ValueError(f"accounts must be at least 1, got {accounts}")
    if not 1 <= low <= high:
        raise ValueError(f"contacts_per_account must satisfy 1 <= low <= high, got {low, high}")
    if contacts is not None and not accounts * low <= contacts <= accounts * high:
        raise ValueError(
            f"contacts must be between {accounts * low} and {accounts * high} "
            f"for {accounts} accounts of {low}-{high} contacts, got {contacts}"
        )
    if events is not None and events < 0:
        raise ValueError(f"events must not be negative, got {events}")
    if not 0 <= in_market_share <= 1:
        raise ValueError(f"in_market_share must be between 0 and 1, got {in_market_share}")
    moment = parse_anchor(anchor)
    rng = np.random.default_rng(seed)
    # The graph patterns draw from a stream of their own (spawned: the main stream is
    # untouched), so everything else is the same draw with or without them.
    patterns = rng.spawn(1)[0]

    acc = draw_accounts(rng, accounts)
    in_market = choose_in_market(rng, acc, in_market_share)
    in_market = family_in_market(patterns, acc, in_market)
    con = draw_contacts(rng, acc, committee_sizes(rng, accounts, low, high, contacts))
    activity = draw_activity(rng, acc, con, in_market)
    activity = plant_sponsors(patterns, acc, con, in_market, activity)
    total = EVENTS_PER_CONTACT * len(con.account) if events is None else events
    engagements = draw_engagements(rng, con, activity, total, moment)
    intent = draw_intent(rng, acc, in_market, moment)
    deals, deal_account = draw_opportunities(rng, acc, in_market, moment)
    deal_contacts = draw_deal_contacts(rng, con, deals, deal_account)
    contact_frame, champion_roles = plant_returning_champions(
        patterns, acc, con, in_market, activity, deals, deal_account
    )
    return DemoData(
        accounts=acc.frame,
        contacts=contact_frame,
        engagements=engagements,
        intent=intent,
        opportunities=deals,
        opportunity_contacts=pd.concat([deal_contacts, champion_roles], ignore_index=True),
        truth=pd.DataFrame({"account_id": acc.frame["account_id"], "in_market": in_market}),
        anchor=moment,
        seed=seed,
    )
