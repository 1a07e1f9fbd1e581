"""``abmgraph org``: an account's org chart, and each champion's path to power."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from abmgraph.graph.store import GraphStore
from abmgraph.queries.engine import SENIORITY_RANK, account_rows, person_name, role_list
from abmgraph.queries.people import POWER_ROLES, people_by_account, power_paths_by_account
from abmgraph.queries.trees import forest

__all__ = ["PATH_KEYS", "PERSON_KEYS", "org_chart", "org_charts"]

PERSON_KEYS = [
    "contact_id",
    "name",
    "title",
    "seniority",
    "department",
    "roles",
    "engaged",
    "engagement_score",
    "score",
    "manager_id",
    "parent_id",
    "depth",
    "above",
    "below",
    "note",
]
PATH_KEYS = [
    "champion_id",
    "champion",
    "target_id",
    "target",
    "target_roles",
    "hops",
    "path",
    "route",
]


def org_chart(store: GraphStore, account_id: str) -> dict[str, Any]:
    """The REPORTS_TO tree of an account and every champion's path to power.

    Returns ``{account_id, name, people, paths_to_power}``. ``people`` is in
    tree order (each manager before their reports, the most senior first)
    with ``parent_id`` and ``depth`` in the drawn tree; a self-report or a
    reporting cycle is drawn as a root and explained in ``note``.
    ``paths_to_power`` has one row per champion: the nearest decision maker
    or economic buyer through the org chart, the route spelled out.

    Raises
    ------
    NotFoundError
        The account is not in the store.
    """
    return org_charts(store, [account_id])[account_id]


def org_charts(store: GraphStore, account_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``org_chart`` for many accounts, the tables read once: ``{account_id: chart}``.

    Raises
    ------
    NotFoundError
        An account is not in the store.
    """
    accounts = account_rows(store, account_ids)
    ids = list(accounts)
    staff = people_by_account(store, ids)
    found = power_paths_by_account(store, ids, POWER_ROLES)
    return {
        a: _chart(a, accounts[a], {p["contact_id"]: p for p in staff[a]}, found[a]) for a in ids
    }


def _chart(
    account_id: str,
    account: dict[str, Any],
    people: dict[str, dict[str, Any]],
    found: list[dict[str, Any]],
) -> dict[str, Any]:
    tree = forest(
        {c: p["manager_id"] for c, p in people.items()},
        sort_key=lambda c: (-SENIORITY_RANK.get(people[c]["seniority"], 0), c),
    )
    rows = []
    for contact_id, depth in tree.order:
        person = people[contact_id]
        note = tree.note(contact_id, "reports to themselves", "reporting cycle")
        rows.append(
            {
                "contact_id": contact_id,
                "name": person_name(person["first_name"], person["last_name"]),
                "title": person["title"],
                "seniority": person["seniority"],
                "department": person["department"],
                "roles": role_list(person["roles"]),
                "engaged": person["engaged"],
                "engagement_score": person["engagement_score"],
                "score": person["score"],
                "manager_id": person["manager_id"],
                "parent_id": tree.parent[contact_id],
                "depth": depth,
                "above": person["above"],
                "below": person["below"],
                "note": note,
            }
        )
    return {
        "account_id": account_id,
        "name": account["name"],
        "people": rows,
        "paths_to_power": _paths_to_power(found, people),
    }


def _paths_to_power(
    found: list[dict[str, Any]], people: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    def label(contact_id: str) -> str:
        person = people[contact_id]
        return person_name(person["first_name"], person["last_name"]) or contact_id

    def power(contact_id: str) -> list[str]:
        return [r for r in role_list(people[contact_id]["roles"]) if r in POWER_ROLES]

    rows = []
    for row in found:
        champion = row["champion_id"]
        # A champion who decides or signs is their own path to power.
        path = [champion] if power(champion) else row["path"]
        target = path[-1] if path else None
        rows.append(
            {
                "champion_id": champion,
                "champion": label(champion),
                "target_id": target,
                "target": label(target) if target else None,
                "target_roles": power(target) if target else [],
                "hops": len(path) - 1 if path else None,
                "path": path,
                "route": _route(path, people, label, power) if path else _NO_ROUTE,
            }
        )
    return rows


_NO_ROUTE = "no decision maker or economic buyer is reachable through the org chart"


def _route(path: list[str], people: dict[str, dict[str, Any]], label: Any, power: Any) -> str:
    """``Ann Lee (champion) → reports to Bob Stone → reports to Cara Diaz (economic_buyer)``."""
    if len(path) == 1:
        return f"{label(path[0])} (champion) is a {' and '.join(power(path[0]))} already"
    parts = [f"{label(path[0])} (champion)"]
    for here, there in pairwise(path):
        step = "reports to" if people[here]["manager_id"] == there else "manages"
        parts.append(f"{step} {label(there)}")
    parts[-1] += f" ({', '.join(power(path[-1]))})"
    return " → ".join(parts)
