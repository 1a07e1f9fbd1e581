"""The buying-group graph as networkx: nodes and relationships from the stored tables.

Node keys are ``(label, id)`` pairs so ids of different kinds never collide;
every node carries its label and properties, every edge its relationship type.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from abmgraph.graph.role_lists import split_roles

__all__ = ["build_graph", "node"]


def node(label: str, key: str) -> tuple[str, str]:
    """The networkx key of a node."""
    return (label, key)


def _records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def build_graph(
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    opportunities: pd.DataFrame,
    opportunity_contacts: pd.DataFrame,
) -> nx.MultiDiGraph:
    """Accounts, contacts, roles and opportunities with the relationships of the domain model."""
    g = nx.MultiDiGraph()
    account_ids = set(accounts["account_id"])
    g.add_nodes_from(
        (node("Account", r["account_id"]), {"label": "Account", **r}) for r in _records(accounts)
    )
    g.add_nodes_from(
        (node("Contact", r["contact_id"]), {"label": "Contact", **r}) for r in _records(contacts)
    )
    contact_ids = set(contacts["contact_id"])

    sub = accounts.dropna(subset=["parent_account_id"])
    sub = sub[sub["parent_account_id"].isin(account_ids)]
    g.add_edges_from(
        (node("Account", a), node("Account", p), {"type": "SUBSIDIARY_OF"})
        for a, p in zip(sub["account_id"], sub["parent_account_id"], strict=True)
    )
    works = contacts.dropna(subset=["account_id"])
    works = works[works["account_id"].isin(account_ids)]
    g.add_edges_from(
        (node("Contact", c), node("Account", a), {"type": "WORKS_AT"})
        for c, a in zip(works["contact_id"], works["account_id"], strict=True)
    )
    reports = contacts.dropna(subset=["manager_id"])
    reports = reports[reports["manager_id"].isin(contact_ids)]
    g.add_edges_from(
        (node("Contact", c), node("Contact", m), {"type": "REPORTS_TO"})
        for c, m in zip(reports["contact_id"], reports["manager_id"], strict=True)
    )
    past = contacts.dropna(subset=["previous_account_ids"])
    past = (
        past.assign(previous=past["previous_account_ids"].str.split(";"))
        .explode("previous")
        .loc[lambda f: f["previous"].isin(account_ids)]
    )
    g.add_edges_from(
        (node("Contact", c), node("Account", a), {"type": "WORKED_AT"})
        for c, a in zip(past["contact_id"], past["previous"], strict=True)
    )
    held = split_roles(contacts["buying_role"])
    holders = contacts["contact_id"].to_numpy(dtype=object)[held["row"].to_numpy()]
    g.add_edges_from(
        (node("Contact", c), node("Role", r), {"type": "HAS_ROLE", "source": "explicit"})
        for c, r in zip(holders, held["role"], strict=True)
    )
    for role in set(held["role"]):
        g.nodes[node("Role", role)].update(label="Role", name=role)

    opps = opportunities[opportunities["account_id"].isin(account_ids)]
    g.add_nodes_from(
        (node("Opportunity", r["opportunity_id"]), {"label": "Opportunity", **r})
        for r in _records(opps)
    )
    g.add_edges_from(
        (node("Account", a), node("Opportunity", o), {"type": "HAS_OPPORTUNITY"})
        for a, o in zip(opps["account_id"], opps["opportunity_id"], strict=True)
    )
    links = opportunity_contacts[
        opportunity_contacts["opportunity_id"].isin(set(opps["opportunity_id"]))
        & opportunity_contacts["contact_id"].isin(contact_ids)
    ]
    g.add_edges_from(
        (
            node("Contact", r["contact_id"]),
            node("Opportunity", r["opportunity_id"]),
            {"type": "CONTACT_ROLE", "role": r["role"], "is_primary": r["is_primary"]},
        )
        for r in _records(links)
    )
    return g
