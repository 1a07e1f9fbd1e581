"""``abmgraph gaps``: who could fill the buying roles no engaged contact covers.

For one account, every known contact is weighed for each missing role by
what the role needs: holding it already (just not engaged), a title that
says so, the role's departments and seniorities (from the scoring config's
role rules), their place in the org chart and their engagement. The
weighing is plain arithmetic over the rows of the ``account_people`` query,
so both stores rank identically. Across the portfolio, each account's
missing roles are split into those a known contact holds (engage them) and
those nobody holds (find someone).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from abmgraph.errors import StoreError
from abmgraph.graph.store import GraphStore
from abmgraph.queries.engine import (
    account_rows,
    named_query,
    person_name,
    records,
    role_list,
    scored_config,
)
from abmgraph.queries.people import people_by_account
from abmgraph.scoring.config import ScoringConfig

__all__ = [
    "GAP_KEYS",
    "PORTFOLIO_KEYS",
    "ROLE_TITLES",
    "account_gaps",
    "gaps_by_account",
    "portfolio_gaps",
    "role_holders",
]

GAP_KEYS = [
    "account_id",
    "role",
    "rank",
    "contact_id",
    "name",
    "title",
    "seniority",
    "department",
    "engaged",
    "score",
    "fit",
    "why",
]
PORTFOLIO_KEYS = [
    "account_id",
    "name",
    "priority",
    "tier",
    "missing_roles",
    "to_engage",
    "to_find",
    "contacts",
]

# Words in a title that say a person does the role (whole words, any case).
ROLE_TITLES: dict[str, tuple[str, ...]] = {
    "decision_maker": (
        "chief", "ceo", "cto", "cio", "coo", "president", "founder", "vp",
        "vice president", "svp", "evp", "head", "director",
    ),
    "economic_buyer": (
        "cfo", "chief financial officer", "finance", "financial", "controller", "treasurer",
        "procurement", "purchasing", "budget", "coo", "chief operating officer",
    ),
    "champion": ("manager", "lead", "head", "director", "principal"),
    "technical_evaluator": (
        "architect", "engineer", "engineering", "developer", "cto", "cio", "ciso", "it",
        "information technology", "security", "data", "devops", "systems", "technical",
        "infrastructure", "platform",
    ),
    "end_user": (
        "analyst", "specialist", "coordinator", "associate", "administrator", "operator",
        "representative", "accountant", "user",
    ),
    "executive_sponsor": (
        "chief", "ceo", "president", "founder", "svp", "evp", "vp", "vice president",
    ),
    "influencer": ("advisor", "consultant", "strategy", "architect", "principal"),
    "legal_procurement": (
        "legal", "counsel", "compliance", "procurement", "purchasing", "contracts",
    ),
}  # fmt: skip

# Points for each signal; a candidate needs at least one role signal (the first four).
HOLDS = 40.0
TITLE = 20.0
DEPARTMENT = 15.0
SENIORITY = 15.0
# Roles that sit high in the org chart: the more people report up to a candidate, the better.
SENIOR_ROLES = {"decision_maker", "economic_buyer", "executive_sponsor"}
# Too junior to hold a senior role, whatever the title says.
JUNIOR = {"individual_contributor", "entry"}
ORG_CAP = 10.0
TOP_OF_CHART = 5.0
# Engagement points: up to ENGAGEMENT (twice that for champions, whose role is engagement).
ENGAGEMENT = 10.0


@dataclass(frozen=True)
class RoleProfile:
    """What a role asks of a person: title words, departments and seniorities."""

    role: str
    title: re.Pattern[str] | None
    departments: frozenset[str]
    seniorities: frozenset[str]


def role_profile(role: str, config: ScoringConfig) -> RoleProfile:
    """The role's title words and the departments and seniorities its role rules name."""
    rules = [r for r in config.account.committee.role_rules if r.role == role]
    words = ROLE_TITLES.get(role, ())
    pattern = (
        re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
        if words
        else None
    )
    return RoleProfile(
        role,
        pattern,
        frozenset(d for r in rules for d in r.departments),
        frozenset(s for r in rules for s in r.seniorities),
    )


def _weigh(person: dict[str, Any], profile: RoleProfile) -> tuple[float, list[str]]:
    """Points for one person in one role, and the reasons; 0 when nothing says they fit."""
    role = profile.role
    points, why = 0.0, []
    if role in role_list(person["roles"]):
        points += HOLDS
        why.append(f"holds {role} ({person['role_source'] or 'inferred'}), not engaged yet")
    title = person["title"] or ""
    if profile.title is not None and (found := profile.title.search(title)):
        points += TITLE
        why.append(f"title '{title}' says {found.group(0).lower()}")
    if person["department"] in profile.departments:
        points += DEPARTMENT
        why.append(f"{person['department']} department fits")
    if person["seniority"] in profile.seniorities:
        points += SENIORITY
        why.append(f"{person['seniority']} seniority fits")
    if not why:
        return 0.0, []
    if role in SENIOR_ROLES and person["seniority"] in JUNIOR:
        points -= SENIORITY
        why.append(f"{person['seniority']} is junior for {role}")
    below = int(person["below"] or 0)
    if role in SENIOR_ROLES and below:
        points += min(below, ORG_CAP)
        why.append(f"{below} colleague{' reports' if below == 1 else 's report'} up to them")
        if not person["above"]:
            points += TOP_OF_CHART
            why.append("top of the org chart")
    engagement = float(person["engagement_score"] or 0.0)
    if engagement > 0:
        weight = 2 if role == "champion" else 1
        points += weight * ENGAGEMENT * min(engagement, 30.0) / 30.0
        state = "engaged" if person["engaged"] else "some engagement"
        why.append(f"{state} ({engagement:g} points)")
    return round(points, 2), why


def account_gaps(store: GraphStore, account_id: str, per_role: int = 3) -> list[dict[str, Any]]:
    """For each missing role of the account, its best ``per_role`` candidates, ranked.

    Rows have ``GAP_KEYS``, in the order of the account's ``missing_roles``;
    ``rank`` 1 is the best fit (ties: higher contact score, then contact_id).
    A role nobody at the account fits gets one row without a contact that
    says so. An account with nothing missing gives no rows.

    Raises
    ------
    NotFoundError
        The account is not in the store.
    StoreError
        Nothing is scored yet, or the account was added after the last scoring.
    """
    return gaps_by_account(store, [account_id], per_role)[account_id]


def gaps_by_account(
    store: GraphStore, account_ids: Sequence[str], per_role: int = 3
) -> dict[str, list[dict[str, Any]]]:
    """``account_gaps`` for many accounts, the tables read once: ``{account_id: rows}``.

    Raises
    ------
    NotFoundError
        An account is not in the store.
    StoreError
        Nothing is scored yet, or an account was added after the last scoring.
    """
    config = scored_config(store)
    accounts = account_rows(store, account_ids)
    for account_id, account in accounts.items():
        if account.get("missing_roles") is None:
            raise StoreError(
                f"Account {account_id!r} was added after the last scoring run: "
                "run 'abmgraph score' first."
            )
    staff = people_by_account(store, list(accounts))
    profiles: dict[str, RoleProfile] = {}
    out = {}
    for account_id, account in accounts.items():
        for role in account["missing_roles"]:
            if role not in profiles:
                profiles[role] = role_profile(role, config)
        out[account_id] = _gaps(account_id, account, staff[account_id], profiles, per_role)
    return out


def _gaps(
    account_id: str,
    account: dict[str, Any],
    people: list[dict[str, Any]],
    profiles: dict[str, RoleProfile],
    per_role: int,
) -> list[dict[str, Any]]:
    rows = []
    for role in account["missing_roles"]:
        profile = profiles[role]
        weighed = [(*_weigh(p, profile), p) for p in people]
        fits = sorted(
            (w for w in weighed if w[0] > 0),
            key=lambda w: (-w[0], -(w[2]["score"] or 0.0), w[2]["contact_id"]),
        )
        for rank, (points, why, person) in enumerate(fits[:per_role], start=1):
            rows.append(
                {
                    "account_id": account_id,
                    "role": role,
                    "rank": rank,
                    "contact_id": person["contact_id"],
                    "name": person_name(person["first_name"], person["last_name"]),
                    "title": person["title"],
                    "seniority": person["seniority"],
                    "department": person["department"],
                    "engaged": person["engaged"],
                    "score": person["score"],
                    "fit": points,
                    "why": "; ".join(why),
                }
            )
        if not fits:
            reason = (
                "no contacts are known at this account: find one"
                if not people
                else "no known contact fits: find one"
            )
            rows.append(
                {**dict.fromkeys(GAP_KEYS), "account_id": account_id, "role": role, "why": reason}
            )
    return rows


@named_query("role_holders")
def role_holders(store: Any) -> list[dict[str, Any]]:
    """Per account (by account_id): ``contacts`` working there and the sorted ``roles`` they hold."""
    accounts = store.select("accounts", ["account_id"]).sort_values("account_id", kind="stable")
    people = store.select("contacts", ["contact_id", "account_id"])
    scored = store.select("scores/contacts", ["contact_id", "roles"])
    # Scores list the contacts in the contacts' order until contacts change after scoring:
    # then the roles are placed alongside, with no join of two long id columns.
    if people["contact_id"].equals(scored["contact_id"]):
        people = people.assign(roles=scored["roles"])
    else:
        people = people.merge(scored, on="contact_id", how="left")
    # Few distinct role sets exist: give each a bit mask, then OR the masks per account.
    sets, patterns = pd.factorize(people["roles"])
    names = sorted({r for p in patterns for r in p.split(";") if r})
    bit = {r: 1 << i for i, r in enumerate(names)}
    masks = np.array([sum(bit[r] for r in set(p.split(";")) if r) for p in patterns] + [0])
    # Contacts without an account (code -1) count nowhere; those of unknown accounts are
    # counted under ids the loop below never asks for.
    where, index = pd.factorize(people["account_id"])
    employed = where >= 0
    held = np.zeros(len(index), dtype=np.int64)
    # sets == -1 (no roles) picks the trailing 0.
    np.bitwise_or.at(held, where[employed], masks[sets[employed]])
    counts = np.bincount(where[employed], minlength=len(index))
    position = {account: i for i, account in enumerate(index.tolist())}
    decoded: dict[int, list[str]] = {}
    rows = []
    for account in accounts["account_id"].tolist():
        at = position.get(account)
        mask = int(held[at]) if at is not None else 0
        if mask not in decoded:
            decoded[mask] = [r for r in names if mask & bit[r]]
        rows.append(
            {
                "account_id": account,
                "contacts": int(counts[at]) if at is not None else 0,
                "roles": list(decoded[mask]),
            }
        )
    return rows


def portfolio_gaps(
    store: GraphStore, tier: int | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Accounts with missing roles, highest priority first (``PORTFOLIO_KEYS``).

    ``to_engage``: missing roles a known contact holds (engage them);
    ``to_find``: missing roles nobody known holds (find someone).
    """
    scored_config(store)  # refuses an unscored store with a message that says what to run
    scores = store.scores("accounts")
    if tier is not None:
        scores = scores[scores["tier"] == tier]
    missing = scores[[len(m) > 0 for m in scores["missing_roles"]]]
    missing = missing.sort_values(["priority", "account_id"], ascending=[False, True])
    if limit is not None:
        missing = missing.head(limit)
    holders = {r["account_id"]: r for r in role_holders(store)}
    rows = []
    for account in records(missing[["account_id", "name", "priority", "tier", "missing_roles"]]):
        known = holders.get(account["account_id"], {"contacts": 0, "roles": []})
        held = set(known["roles"])
        gaps = account["missing_roles"]  # in the order of the required roles
        rows.append(
            {
                **account,
                "to_engage": [r for r in gaps if r in held],
                "to_find": [r for r in gaps if r not in held],
                "contacts": known["contacts"],
            }
        )
    return rows
