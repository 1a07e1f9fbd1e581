"""Read-only views of the stored scores: ranked accounts, ranked contacts, a committee."""

from __future__ import annotations

from typing import Any

import pandas as pd

from abmgraph.errors import NotFoundError, StoreError
from abmgraph.graph.role_lists import role_names
from abmgraph.graph.store import GraphStore

__all__ = [
    "ACCOUNT_KEYS",
    "CONTACT_KEYS",
    "committee",
    "contact_page",
    "ranked_accounts",
    "ranked_contacts",
]

ACCOUNT_KEYS = [
    "account_id",
    "name",
    "priority",
    "tier",
    "stage",
    "fit_score",
    "engagement_score",
    "engaged_contacts",
    "departments_engaged",
    "roles_covered",
    "missing_roles",
]
CONTACT_KEYS = [
    "contact_id",
    "account_id",
    "score",
    "fit_score",
    "engagement_score",
    "grade",
    "stage",
    "quadrant",
]


def _scores(store: GraphStore, level: str) -> pd.DataFrame:
    frame = store.scores(level)
    if frame.empty and store.score_meta() is None:
        raise StoreError("Nothing is scored yet: run 'abmgraph score' first.")
    return frame


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row in out:
        for key, value in row.items():
            if hasattr(value, "tolist"):
                row[key] = value.tolist()
    return out


def ranked_accounts(
    store: GraphStore, *, tier: int | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Accounts by priority, highest first, with the contract's keys."""
    frame = _scores(store, "accounts")
    if tier is not None:
        frame = frame[frame["tier"] == tier]
    frame = frame.sort_values(["priority", "account_id"], ascending=[False, True])
    return _records(frame[ACCOUNT_KEYS].head(limit) if limit else frame[ACCOUNT_KEYS])


def _holds(roles: pd.Series, role: str) -> pd.Series:
    """Whether each contact's roles (``a;b`` text or a list) include ``role``."""
    return roles.map(
        lambda held: (
            role in (held.split(";") if isinstance(held, str) else list(held))
            if held is not None and not (isinstance(held, float) and pd.isna(held))
            else False
        )
    ).astype(bool)


def ranked_contacts(
    store: GraphStore,
    *,
    account_id: str | None = None,
    limit: int | None = None,
    tier: int | None = None,
    stage: str | None = None,
    quadrant: str | None = None,
    role: str | None = None,
    details: bool = False,
) -> list[dict[str, Any]]:
    """Contacts by score, highest first, with the contract's keys.

    Filters: the account (``account_id``) or its ``tier``, the contact's
    ``stage`` and ``quadrant``, and a buying ``role`` the contact holds.
    With ``details``, each row also has ``name``, ``title`` and
    ``account_name`` (for people to read; the contract's keys come first).
    """
    frame = _contact_selection(store, account_id, tier, stage, quadrant, role)
    return _contact_records(store, frame.head(limit) if limit else frame, details)


def contact_page(
    store: GraphStore, size: int, *, details: bool = False, **filters: Any
) -> tuple[list[dict[str, Any]], int]:
    """The first ``size`` contacts :func:`ranked_contacts` gives, and how many it gives in all."""
    frame = _contact_selection(store, **filters)
    return _contact_records(store, frame.head(size), details), len(frame)


def _contact_selection(
    store: GraphStore,
    account_id: str | None = None,
    tier: int | None = None,
    stage: str | None = None,
    quadrant: str | None = None,
    role: str | None = None,
) -> pd.DataFrame:
    frame = _scores(store, "contacts")
    if account_id is not None:
        if store.table("accounts", pd.Series([account_id])).empty:
            raise NotFoundError(f"No account {account_id!r}; list them with 'abmgraph accounts'.")
        frame = frame[frame["account_id"] == account_id]
    if tier is not None:
        accounts = _scores(store, "accounts")
        frame = frame[
            frame["account_id"].isin(accounts.loc[accounts["tier"] == tier, "account_id"])
        ]
    if stage is not None:
        frame = frame[frame["stage"] == stage]
    if quadrant is not None:
        frame = frame[frame["quadrant"] == quadrant]
    if role is not None:
        frame = frame[_holds(frame["roles"], role)]
    return frame.sort_values(["score", "contact_id"], ascending=[False, True])[CONTACT_KEYS]


def _contact_records(store: GraphStore, frame: pd.DataFrame, details: bool) -> list[dict[str, Any]]:
    if not details:
        return _records(frame)
    people = store.table(
        "contacts", frame["contact_id"], columns=["contact_id", "first_name", "last_name", "title"]
    )
    names = store.table(
        "accounts", frame["account_id"].dropna().drop_duplicates(), columns=["account_id", "name"]
    )
    people = people.assign(
        name=(people["first_name"].fillna("") + " " + people["last_name"].fillna("")).str.strip()
    )[["contact_id", "name", "title"]]
    frame = frame.merge(people, on="contact_id", how="left").merge(
        names.rename(columns={"name": "account_name"}), on="account_id", how="left"
    )
    return _records(frame)


def committee(store: GraphStore, account_id: str) -> dict[str, Any]:
    """The buying committee of one account: its people, their roles and scores, and the gaps.

    Each person's ``roles`` is a list: every buying role they hold, from the
    source that won (explicit, then opportunity contact roles, then inferred).
    """
    facts = store.table("accounts", pd.Series([account_id]))
    if facts.empty:
        raise NotFoundError(f"No account {account_id!r}; list them with 'abmgraph accounts'.")
    accounts = _scores(store, "accounts")
    account = accounts[accounts["account_id"] == account_id]
    people = store.table("contacts")
    people = people[people["account_id"] == account_id]
    scores = _scores(store, "contacts").drop(columns=["account_id"])
    people = people.merge(scores, on="contact_id", how="left")
    people = people.assign(
        name=(people["first_name"].fillna("") + " " + people["last_name"].fillna("")).str.strip()
    ).sort_values(["engaged", "score", "contact_id"], ascending=[False, False, True])
    columns = [
        "contact_id",
        "name",
        "title",
        "seniority",
        "department",
        "roles",
        "role_source",
        "engaged",
        "score",
        "engagement_score",
        "manager_id",
    ]
    summary = (
        _records(account[ACCOUNT_KEYS])[0]
        if not account.empty
        else {
            "account_id": account_id,
            "name": facts["name"].iloc[0],
        }
    )
    members = _records(people[columns])
    for member in members:
        member["roles"] = role_names(member["roles"])
    return {**summary, "contacts": members}
