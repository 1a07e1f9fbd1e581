"""Graph patterns the demo plants by its own process, whatever weight scoring gives them.

Being in market shows in the graph's structure, not only in activity:

- **family**: a subsidiary (``parent_account_id``) of an in-market parent is
  in market itself with probability ``FAMILY_P``; as many unrelated accounts
  leave the market, so the planted share stays what was asked for;
- **access to power**: at an in-market account (``SPONSOR_P[0]``; other
  prospects ``SPONSOR_P[1]``) an evaluator and the first executive up their
  REPORTS_TO chain (``manager_id``) both engage;
- **returning champion**: at an in-market account (``CHAMPION_P[0]``; other
  prospects ``CHAMPION_P[1]``) an engaged manager, director or VP used to work
  at a customer (``previous_account_ids``) and has a contact role on its won
  opportunity.

The rates were chosen so each pattern is a clear but imperfect sign: the
other prospects carry it too, at a low rate. Each step draws from its own
random stream, so the rest of the data is the same draw it was without them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.demo.accounts import Accounts
from abmgraph.demo.catalog import OPP_ROLE_P, OPP_ROLES
from abmgraph.demo.columns import as_text, lookup
from abmgraph.demo.contacts import Contacts
from abmgraph.demo.draws import draw_by_seniority
from abmgraph.graph.vocab import BUYING_ROLES, DEPARTMENTS, SENIORITIES

__all__ = [
    "CHAMPION_P",
    "FAMILY_P",
    "SPONSOR_P",
    "family_in_market",
    "plant_returning_champions",
    "plant_sponsors",
    "sponsors",
]

FAMILY_P = 0.6
SPONSOR_P = (0.7, 0.04)  # in market, other prospects
CHAMPION_P = (0.4, 0.04)
_DORMANT, _BACKGROUND, _IN_MARKET = 0, 1, 2  # the activity classes of demo/engagements.py
_EXECUTIVES = [SENIORITIES.index("c_level"), SENIORITIES.index("vp")]
_HANDS_ON = [SENIORITIES.index(s) for s in ("director", "manager", "individual_contributor")]
_TECHNICAL = [DEPARTMENTS.index(d) for d in ("it", "engineering", "product")]
_CHAMPIONS = [SENIORITIES.index(s) for s in ("vp", "director", "manager")]


def _chance(acc: Accounts, in_market: np.ndarray, rates: tuple[float, float]) -> np.ndarray:
    prospect = acc.target & ~acc.customer & ~in_market
    return np.where(in_market, rates[0], np.where(prospect, rates[1], 0.0))


def _one_per_account(
    rng: np.random.Generator, account: np.ndarray, eligible: np.ndarray
) -> np.ndarray:
    """One eligible contact per account (as contact indexes), uniformly at random."""
    key = np.where(eligible, rng.random(len(account)), -1.0)
    order = np.lexsort((key, account))
    last = np.ones(len(order), dtype=bool)
    last[:-1] = account[order][1:] != account[order][:-1]
    best = order[last]
    return best[eligible[best]]


def family_in_market(rng: np.random.Generator, acc: Accounts, in_market: np.ndarray) -> np.ndarray:
    """``in_market`` with subsidiaries of in-market parents joining, the total unchanged."""
    in_market = in_market.copy()
    has_parent = acc.parent >= 0
    parent_in = np.zeros(len(in_market), dtype=bool)
    parent_in[has_parent] = in_market[acc.parent[has_parent]]
    joins = np.flatnonzero(
        parent_in
        & acc.target
        & ~acc.customer
        & ~in_market
        & (rng.random(len(in_market)) < FAMILY_P)
    )
    # Those who leave belong to no family in market: neither a joiner's parent nor a
    # subsidiary already in market beside its parent.
    family = parent_in & in_market
    family[acc.parent[joins]] = True
    others = np.flatnonzero(in_market & ~family)
    joins = joins[: len(others)]
    in_market[rng.choice(others, len(joins), replace=False)] = False
    in_market[joins] = True
    return in_market


def sponsors(con: Contacts) -> np.ndarray:
    """Each contact's first C-level or VP up the REPORTS_TO chain (contact index, -1: none)."""
    sponsor = np.full(len(con.account), -1)
    current = con.manager.copy()
    climbing = current >= 0
    while climbing.any():  # the chart is a tree: every chain ends at its root
        here = np.where(climbing, current, 0)
        found = climbing & np.isin(con.seniority[here], _EXECUTIVES)
        sponsor[found] = current[found]
        climbing &= ~found
        current = np.where(climbing, con.manager[here], -1)
        climbing &= current >= 0
    return sponsor


def plant_sponsors(
    rng: np.random.Generator,
    acc: Accounts,
    con: Contacts,
    in_market: np.ndarray,
    activity: np.ndarray,
) -> np.ndarray:
    """``activity`` with an evaluator and their executive sponsor engaged where planted.

    An evaluator is a stated technical evaluator, or a director, manager or
    individual contributor in IT, engineering or product (who the default
    role rules would infer as one) with an executive up their chain.
    """
    planted = rng.random(len(in_market)) < _chance(acc, in_market, SPONSOR_P)
    sponsor = sponsors(con)
    evaluator = (con.role == BUYING_ROLES.index("technical_evaluator")) | (
        np.isin(con.department, _TECHNICAL) & np.isin(con.seniority, _HANDS_ON)
    )
    eligible = evaluator & (sponsor >= 0) & planted[con.account]
    chosen = _one_per_account(rng, con.account, eligible)
    engaged = np.where(in_market[con.account[chosen]], _IN_MARKET, _BACKGROUND).astype(np.int8)
    activity = activity.copy()
    for people in (chosen, sponsor[chosen]):
        activity[people] = np.maximum(activity[people], engaged)
    return activity


def plant_returning_champions(
    rng: np.random.Generator,
    acc: Accounts,
    con: Contacts,
    in_market: np.ndarray,
    activity: np.ndarray,
    deals: pd.DataFrame,
    deal_account: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The contacts with the planted champions' past employer, and their won-deal roles.

    Returns the contacts frame (``previous_account_ids`` starting with the
    customer they came from) and ``opportunity_contacts`` rows for them.
    """
    won = np.flatnonzero(deals["is_won"].to_numpy(dtype=bool))
    planted = rng.random(len(in_market)) < _chance(acc, in_market, CHAMPION_P)
    eligible = (activity != _DORMANT) & np.isin(con.seniority, _CHAMPIONS) & planted[con.account]
    chosen = _one_per_account(rng, con.account, eligible)
    deal = won[rng.integers(len(won), size=len(chosen))] if len(won) else won
    chosen = chosen[: len(deal)]
    keep = deal_account[deal] != con.account[chosen]
    chosen, deal = chosen[keep], deal[keep]

    came_from = as_text(lookup(acc.ids, deal_account[deal])).to_numpy(dtype=object)
    contacts = con.frame.copy()
    before = contacts["previous_account_ids"].iloc[chosen].fillna("").to_numpy(dtype=object)
    # The customer first, then the employers already listed, each once.
    history = pd.Series(came_from + ";" + before).str.rstrip(";").str.split(";")
    history = history.map(lambda ids: ";".join(dict.fromkeys(ids)))  # one row per champion
    column = contacts.columns.get_loc("previous_account_ids")
    contacts.iloc[chosen, column] = history.to_numpy()
    roles = pd.DataFrame(
        {
            "opportunity_id": deals["opportunity_id"].to_numpy()[deal],
            "contact_id": as_text(lookup(con.ids, chosen)),
            "role": as_text(
                lookup(OPP_ROLES, draw_by_seniority(rng, OPP_ROLE_P, con.seniority[chosen]))
            ),
            "is_primary": np.zeros(len(chosen), dtype=bool),
        }
    ).astype({"opportunity_id": "str"})
    return contacts, roles
