"""``abmgraph champions``: the contacts most likely to champion a deal.

A champion is engaged, senior enough to carry a deal (manager and up) and
best of all has a history with us: a closed-won deal they were on, or a
customer they used to work at. The ``champion_candidates`` query finds the
engaged managers-and-up with that history; the ranking is plain arithmetic.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from abmgraph.graph.store import GraphStore
from abmgraph.idsets import among
from abmgraph.queries.engine import (
    customer_ids,
    named_query,
    person_name,
    records,
    scored_config,
    split_ids,
)

__all__ = ["CHAMPION_KEYS", "champion_candidates", "champions"]

CHAMPION_KEYS = [
    "contact_id",
    "name",
    "title",
    "seniority",
    "account_id",
    "account",
    "champion_score",
    "engagement_score",
    "score",
    "won_deals",
    "customers",
    "why",
]
# Champions carry a deal inside their company: managers up to VPs most often.
SENIORITY_POINTS = {"vp": 20.0, "director": 20.0, "manager": 15.0, "c_level": 10.0}
ENGAGEMENT_POINTS = 40.0  # at the config's engagement_max
WON_DEAL_POINTS = 25.0
CUSTOMER_ALUMNI_POINTS = 15.0


@named_query("champion_candidates")
def champion_candidates(store: Any, *, seniorities: list[str]) -> list[dict[str, Any]]:
    """Engaged contacts at one of ``seniorities`` with the customers they worked at and won deals."""
    scores = store.select("scores/contacts", ["contact_id", "score", "engagement_score", "engaged"])
    scores = scores[scores["engaged"].fillna(False).astype(bool)].drop(columns="engaged")
    columns = ["contact_id", "first_name", "last_name", "title", "seniority", "account_id"]
    people = store.select(
        "contacts", [*columns, "previous_account_ids"], where=("contact_id", scores["contact_id"])
    )
    people = people[among(people["seniority"], seniorities)]
    accounts = store.select("accounts", ["account_id", "name", "is_customer"])
    opportunities = store.select("opportunities", ["opportunity_id", "account_id", "is_won"])
    customers = customer_ids(accounts, opportunities)

    past = split_ids(people, "contact_id", "previous_account_ids")
    past = past[among(past["item"], customers)]
    worked = _distinct_by(past["contact_id"], past["item"])
    links = store.select(
        "opportunity_contacts",
        ["opportunity_id", "contact_id"],
        where=("contact_id", people["contact_id"]),
    )
    won = opportunities.loc[opportunities["is_won"].fillna(False).astype(bool), ["opportunity_id"]]
    links = links.merge(won, on="opportunity_id")
    deals = _distinct_by(links["contact_id"], links["opportunity_id"])

    known = accounts.set_index("account_id")["name"]
    employer = people["account_id"].where(among(people["account_id"], known.index))
    out = (
        people[columns]
        .assign(account_id=employer, account_name=employer.map(known))
        .merge(scores, on="contact_id", how="left")
        .assign(
            customers=lambda f: [sorted(worked.get(c, ())) for c in f["contact_id"].tolist()],
            deals=lambda f: [sorted(deals.get(c, ())) for c in f["contact_id"].tolist()],
        )
        .sort_values("contact_id", kind="stable")
    )
    keys = [*columns, "account_name", "score", "engagement_score", "customers", "deals"]
    return records(out[keys])


def _distinct_by(keys: pd.Series, values: pd.Series) -> dict[str, set[str]]:
    """Each key's distinct values (a plain loop: far cheaper than a groupby per key)."""
    out: dict[str, set[str]] = {}
    for key, value in zip(keys.tolist(), values.tolist(), strict=True):
        out.setdefault(key, set()).add(value)
    return out


def champions(store: GraphStore, limit: int | None = 20) -> list[dict[str, Any]]:
    """The likeliest champions across the portfolio, best first (``CHAMPION_KEYS``).

    ``champion_score`` (0–100) = engagement (up to 40 at the config's
    ``engagement_max``) + seniority (VP or director 20, manager 15, C-level
    10) + history (25 for a won deal, 15 for having worked at a customer).
    Ties: higher engagement, then contact_id.

    Raises
    ------
    StoreError
        Nothing is scored yet.
    """
    ceiling = scored_config(store).contact.engagement_max
    candidates = champion_candidates(store, seniorities=list(SENIORITY_POINTS))
    scored = [(_champion_score(person, ceiling), person) for person in candidates]
    scored.sort(key=lambda s: (-s[0], -(s[1]["engagement_score"] or 0), s[1]["contact_id"]))
    # Ranking needs only the score: the rows with their reasons are built for those shown.
    return [_champion_row(person, points) for points, person in scored[:limit]]


def _champion_score(person: dict[str, Any], ceiling: float) -> float:
    engagement = float(person["engagement_score"] or 0.0)
    points = ENGAGEMENT_POINTS * min(engagement / ceiling, 1.0)
    points += SENIORITY_POINTS[person["seniority"]]
    if person["deals"]:
        points += WON_DEAL_POINTS
    if person["customers"]:
        points += CUSTOMER_ALUMNI_POINTS
    return round(points, 2)


def _champion_row(person: dict[str, Any], points: float) -> dict[str, Any]:
    engagement = float(person["engagement_score"] or 0.0)
    why = [f"engaged ({engagement:g} engagement points)", f"{person['seniority']}"]
    if person["deals"]:
        why.append(f"on won deal {', '.join(person['deals'])}")
    if person["customers"]:
        why.append(f"worked at customer {', '.join(person['customers'])}")
    return {
        "contact_id": person["contact_id"],
        "name": person_name(person["first_name"], person["last_name"]),
        "title": person["title"],
        "seniority": person["seniority"],
        "account_id": person["account_id"],
        "account": person["account_name"],
        "champion_score": points,
        "engagement_score": person["engagement_score"],
        "score": person["score"],
        "won_deals": person["deals"],
        "customers": person["customers"],
        "why": "; ".join(why),
    }
