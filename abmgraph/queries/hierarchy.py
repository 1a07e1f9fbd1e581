"""``abmgraph hierarchy``: an account's corporate family and its committee engagement rolled up."""

from __future__ import annotations

from typing import Any

from abmgraph.graph.store import GraphStore
from abmgraph.idsets import among
from abmgraph.queries.engine import account_row, named_query, ordered, records
from abmgraph.queries.trees import forest
from abmgraph.scoring.config import ScoringConfig

__all__ = ["FAMILY_KEYS", "account_family", "hierarchy"]

FAMILY_KEYS = [
    "account_id",
    "name",
    "relation",
    "parent_id",
    "depth",
    "priority",
    "tier",
    "stage",
    "engagement_score",
    "engaged_contacts",
    "departments",
    "roles_covered",
    "missing_roles",
    "note",
]
_SCORES = [
    "account_id",
    "priority",
    "tier",
    "stage",
    "engagement_score",
    "engaged_contacts",
    "roles_covered",
    "missing_roles",
]


@named_query("account_family")
def account_family(store: Any, *, account_id: str) -> list[dict[str, Any]]:
    """Every account linked to this one through SUBSIDIARY_OF, either way (``account_family.cypher``)."""
    # Imported here, as in the other questions: only the ones that walk a graph load networkx.
    import networkx as nx

    accounts = store.select("accounts", ["account_id", "name", "parent_account_id"])
    if not among(accounts["account_id"], [account_id]).any():
        return []
    # Only links to a stored parent are SUBSIDIARY_OF relationships.
    linked = among(accounts["parent_account_id"], accounts["account_id"])
    links = accounts[linked]
    family = nx.Graph()
    family.add_node(account_id)
    family.add_edges_from(
        zip(links["account_id"].tolist(), links["parent_account_id"].tolist(), strict=True)
    )
    members = sorted(nx.node_connected_component(family, account_id))

    mine = among(accounts["account_id"], members)
    rows = accounts[mine].assign(parent_id=accounts["parent_account_id"].where(linked)[mine])
    scores = store.select("scores/accounts", _SCORES, where=("account_id", members))
    people = store.select(
        "contacts", ["contact_id", "account_id", "department"], where=("account_id", members)
    )
    engaged = store.select(
        "scores/contacts", ["contact_id", "engaged"], where=("contact_id", people["contact_id"])
    )
    people = people.merge(engaged, on="contact_id")
    people = people[people["engaged"].fillna(False).astype(bool) & people["department"].notna()]
    departments = people.groupby("account_id")["department"].agg(lambda d: sorted(set(d)))
    rows = (
        rows.merge(scores, on="account_id", how="left")
        .assign(departments=lambda f: [list(departments.get(a, [])) for a in f["account_id"]])
        .sort_values("account_id", kind="stable")
    )
    return records(rows[["account_id", "name", "parent_id", *_SCORES[1:], "departments"]])


def hierarchy(store: GraphStore, account_id: str) -> dict[str, Any]:
    """The account's family tree with each member's priority, and the family roll-up.

    Returns ``{account_id, name, family, rollup}``. ``family`` lists every
    member in tree order (ultimate parents first, then their subsidiaries by
    priority) with ``relation`` to the asked account (self, parent, ancestor,
    subsidiary, descendant or relative); a self-reference or a hierarchy
    cycle is drawn as a root and explained in ``note``. ``rollup`` adds up
    committee engagement across the family: engaged contacts, departments,
    the roles some member's engaged contacts cover and those none does.

    Raises
    ------
    NotFoundError
        The account is not in the store.
    """
    account = account_row(store, account_id)
    members = {m["account_id"]: m for m in account_family(store, account_id=account_id)}
    tree = forest(
        {a: m["parent_id"] for a, m in members.items()},
        sort_key=lambda a: (-(members[a]["priority"] or 0.0), a),
    )
    above = tree.ancestors(account_id)
    family = []
    for member_id, depth in tree.order:
        member = members[member_id]
        note = tree.note(member_id, "lists itself as its parent", "hierarchy cycle")
        family.append(
            {
                **{k: member.get(k) for k in FAMILY_KEYS},
                "relation": _relation(member_id, account_id, above, tree.ancestors(member_id)),
                "parent_id": tree.parent[member_id],
                "depth": depth,
                "roles_covered": member["roles_covered"] or [],
                "missing_roles": member["missing_roles"] or [],
                "note": note,
            }
        )
    return {
        "account_id": account_id,
        "name": account["name"],
        "family": family,
        "rollup": _rollup(family, _required_roles(store)),
    }


def _relation(member: str, asked: str, above_asked: list[str], above_member: list[str]) -> str:
    if member == asked:
        return "self"
    if member in above_asked:
        return "parent" if above_asked[0] == member else "ancestor"
    if asked in above_member:
        return "subsidiary" if above_member[0] == asked else "descendant"
    return "relative"


def _required_roles(store: GraphStore) -> list[str]:
    meta = store.score_meta()
    config = ScoringConfig.model_validate((meta or {}).get("config") or {})
    return list(config.account.committee.required_roles)


def _rollup(family: list[dict[str, Any]], required: list[str]) -> dict[str, Any]:
    scored = [m for m in family if m["priority"] is not None]
    top = min(scored, key=lambda m: (-m["priority"], m["account_id"]), default=None)
    covered = {r for m in family for r in m["roles_covered"]}
    departments = sorted({d for m in family for d in m["departments"]})
    return {
        "accounts": len(family),
        "engaged_accounts": sum(1 for m in family if (m["engaged_contacts"] or 0) > 0),
        "engaged_contacts": sum(m["engaged_contacts"] or 0 for m in family),
        "departments_engaged": len(departments),
        "departments": departments,
        "roles_covered": ordered(covered & set(required), required),
        "missing_roles": [r for r in required if r not in covered],
        "top_account_id": top["account_id"] if top else None,
        "top_priority": top["priority"] if top else None,
        "mean_priority": round(sum(m["priority"] for m in scored) / len(scored), 2)
        if scored
        else None,
    }
