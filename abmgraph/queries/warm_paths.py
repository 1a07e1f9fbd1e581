"""``abmgraph warm-paths``: who links a target account to our customers through job history.

Two named queries: ``job_changers`` (contacts now at the target who worked
at a customer or were on a customer's won deal) and ``customer_paths`` (the
shortest people-path from each customer to the target through current and
past employment, at most two people long). On the embedded store only the
neighbourhood of the target is turned into a networkx graph: the people
employed at the target, their other employers, those employers' people and
theirs — never the whole graph.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Any

import pandas as pd

from abmgraph.graph.store import GraphStore
from abmgraph.queries.engine import (
    account_row,
    among,
    customer_ids,
    named_query,
    person_name,
    records,
    split_ids,
)

# networkx loads with the question that walks it (``customer_paths``), not with the package.
if TYPE_CHECKING:
    import networkx as nx

__all__ = ["MAX_PEOPLE", "WARM_KEYS", "customer_paths", "job_changers", "warm_paths"]

WARM_KEYS = [
    "account_id",
    "kind",
    "customer_id",
    "customer",
    "contact_id",
    "name",
    "title",
    "hops",
    "strength",
    "via",
    "deals",
    "path",
    "route",
]
# People on a path at most (customer_paths.cypher spells it as *2..4 relationships).
MAX_PEOPLE = 2
# How much each link keeps of a path's strength: a current employer vouches more than a past one.
LINK_STRENGTH = {"WORKS_AT": 1.0, "WORKED_AT": 0.8, "WON_DEAL": 1.0}
# Each extra person on the path halves it: an introduction of an introduction is colder.
PER_PERSON = 0.5
_SPELLED = {"WORKS_AT": "works at", "WORKED_AT": "worked at"}


def _reused(store: Any, key: str, compute: Any) -> Any:
    """A whole-workspace value computed once when the store keeps a memo (a report's
    read-only snapshot asks every account the same question); else computed now."""
    memo = getattr(store, "memo", None)
    return memo(key, compute) if callable(memo) else compute()


def _accounts(store: Any) -> tuple[pd.DataFrame, set[str]]:
    accounts = store.select("accounts", ["account_id", "name", "is_customer"])
    opportunities = store.select("opportunities", ["opportunity_id", "account_id", "is_won"])
    return accounts, customer_ids(accounts, opportunities)


@named_query("job_changers")
def job_changers(store: Any, *, account_id: str) -> list[dict[str, Any]]:
    """Contacts at the account linked to another customer by job history or a won deal.

    One row per contact and customer, by contact_id then customer_id: the
    person's name, title and score, ``customer_id``/``customer_name``,
    ``via`` (``worked_at``, ``won_deal``, sorted) and the won ``deals``.
    """
    accounts, customers = _reused(store, "warm_paths.accounts", lambda: _accounts(store))
    customers = set(customers)
    if not among(accounts["account_id"], [account_id]).any():
        return []
    customers.discard(account_id)
    people = store.select(
        "contacts",
        ["contact_id", "first_name", "last_name", "title", "previous_account_ids"],
        where=("account_id", [account_id]),
    )
    past = split_ids(people, "contact_id", "previous_account_ids")
    past = past.rename(columns={"item": "customer_id"})
    worked = past[among(past["customer_id"], customers)].assign(via="worked_at", deal=None)
    links = store.select(
        "opportunity_contacts",
        ["opportunity_id", "contact_id"],
        where=("contact_id", people["contact_id"]),
    )
    deals = store.select(
        "opportunities",
        ["opportunity_id", "account_id", "is_won"],
        where=("opportunity_id", links["opportunity_id"]),
    )
    deals = deals[
        deals["is_won"].fillna(False).astype(bool).to_numpy()
        & among(deals["account_id"], accounts["account_id"])
        & (deals["account_id"] != account_id).to_numpy()
    ]
    won = links.merge(deals, on="opportunity_id").rename(
        columns={"account_id": "customer_id", "opportunity_id": "deal"}
    )
    found = pd.concat([worked, won.assign(via="won_deal")[worked.columns]], ignore_index=True)
    if found.empty:
        return []
    grouped = found.groupby(["contact_id", "customer_id"], sort=True)
    out = pd.DataFrame(
        {
            "via": grouped["via"].agg(lambda v: sorted(set(v))),
            "deals": grouped["deal"].agg(lambda d: sorted(set(d.dropna()))),
        }
    ).reset_index()
    scores = store.select(
        "scores/contacts", ["contact_id", "score"], where=("contact_id", out["contact_id"])
    )
    names = accounts.set_index("account_id")["name"]
    out = (
        out.merge(people.drop(columns="previous_account_ids"), on="contact_id")
        .merge(scores, on="contact_id", how="left")
        .assign(customer_name=lambda f: f["customer_id"].map(names))
    )
    keys = ["contact_id", "first_name", "last_name", "title", "score", "customer_id"]
    return records(out[[*keys, "customer_name", "via", "deals"]])


def _employment(store: Any, known: pd.Series) -> pd.DataFrame:
    """Every WORKS_AT and WORKED_AT link to a known account: ``contact_id, account_id, rel``."""
    people = store.select("contacts", ["contact_id", "account_id", "previous_account_ids"])
    current = people.loc[among(people["account_id"], known), ["contact_id", "account_id"]]
    past = split_ids(people, "contact_id", "previous_account_ids")
    past = past[among(past["item"], known)].rename(columns={"item": "account_id"})
    return pd.concat(
        [current.assign(rel="WORKS_AT"), past.assign(rel="WORKED_AT")], ignore_index=True
    )


@named_query("customer_paths")
def customer_paths(store: Any, *, account_id: str) -> list[dict[str, Any]]:
    """The shortest employment path from each customer to the account (``customer_paths.cypher``).

    Rows ``{customer_id, nodes, rels}`` by customer_id, read from the
    customer: ``nodes`` are ``{id, label, name}`` for accounts and ``{id,
    label, first_name, last_name, title, score}`` for contacts; ``rels`` the
    relationship type of each step.
    """
    import networkx as nx

    accounts, customers = _reused(store, "warm_paths.accounts", lambda: _accounts(store))
    customers = set(customers)
    if not among(accounts["account_id"], [account_id]).any():
        return []
    customers.discard(account_id)
    employment = _reused(
        store, "warm_paths.employment", lambda: _employment(store, accounts["account_id"])
    )

    # The ball of MAX_PEOPLE people around the target; customers end a walk.
    seen_accounts, frontier, seen_people = {account_id}, {account_id}, set()
    for _ in range(MAX_PEOPLE):
        at = among(employment["account_id"], frontier - customers)
        people = set(employment.loc[at, "contact_id"].tolist()) - seen_people
        seen_people |= people
        reached = among(employment["contact_id"], people)
        frontier = set(employment.loc[reached, "account_id"].tolist()) - seen_accounts
        seen_accounts |= frontier
    edges = employment[
        among(employment["contact_id"], seen_people)
        & among(employment["account_id"], seen_accounts)
    ]

    # Walks leave accounts only when they are not customers: customers are ends.
    walks = nx.DiGraph()
    walks.add_node(("Account", account_id))
    for contact, account, rel in edges.itertuples(index=False):
        ends = [(("Contact", contact), ("Account", account))]
        if account not in customers:
            ends.append((("Account", account), ("Contact", contact)))
        for u, v in ends:
            if walks.has_edge(u, v):
                walks.edges[u, v]["rels"].add(rel)
            else:
                walks.add_edge(u, v, rels={rel})

    reach = nx.single_source_shortest_path_length(
        walks, ("Account", account_id), cutoff=2 * MAX_PEOPLE
    )
    found = sorted(a for (label, a), d in reach.items() if label == "Account" and a in customers)
    routes = {}
    for customer in found:
        paths = nx.all_shortest_paths(walks, ("Account", account_id), ("Account", customer))
        routes[customer] = min((path[::-1] for path in paths), key=lambda p: [key for _, key in p])
    return _path_rows(store, accounts, routes, walks)


def _path_rows(
    store: Any, accounts: pd.DataFrame, routes: dict[str, list], walks: nx.DiGraph
) -> list[dict[str, Any]]:
    contact_ids = sorted(
        {key for path in routes.values() for label, key in path if label == "Contact"}
    )
    facts = store.select(
        "contacts",
        ["contact_id", "first_name", "last_name", "title"],
        where=("contact_id", contact_ids),
    )
    scores = store.select(
        "scores/contacts", ["contact_id", "score"], where=("contact_id", contact_ids)
    )
    people = {r["contact_id"]: r for r in records(facts.merge(scores, on="contact_id", how="left"))}
    names = dict(zip(accounts["account_id"].tolist(), accounts["name"].tolist(), strict=True))
    rows = []
    for customer, path in routes.items():
        nodes = []
        for label, key in path:
            if label == "Account":
                nodes.append({"id": key, "label": "Account", "name": names.get(key)})
            else:
                person = people[key]
                nodes.append(
                    {
                        "id": key,
                        "label": "Contact",
                        "first_name": person["first_name"],
                        "last_name": person["last_name"],
                        "title": person["title"],
                        "score": person["score"],
                    }
                )
        # Each step links a contact and an account; current employment wins a tie.
        rels = []
        for here, there in pairwise(path):
            pair = (here, there) if here[0] == "Contact" else (there, here)
            held = walks.edges[pair]["rels"]
            rels.append("WORKS_AT" if "WORKS_AT" in held else "WORKED_AT")
        rows.append({"customer_id": customer, "nodes": nodes, "rels": rels})
    return rows


def warm_paths(
    store: GraphStore, account_id: str, limit: int | None = None
) -> list[dict[str, Any]]:
    """Job changers and customer paths into the account, strongest first (``WARM_KEYS``).

    ``kind`` is ``job_changer`` (a contact now at the account who worked at a
    customer or was on its won deal) or ``path`` (the shortest people-path
    from a customer no job changer links, through current and past
    employment). ``strength`` (0–100) multiplies each link's strength
    (``LINK_STRENGTH``) and halves per extra person; ``contact_id`` is the
    person nearest the account; ``route`` spells the path out.

    Raises
    ------
    NotFoundError
        The account is not in the store.
    """
    account = account_row(store, account_id)
    target = account["name"] or account_id
    rows = []
    for changer in job_changers(store, account_id=account_id):
        name = person_name(changer["first_name"], changer["last_name"]) or changer["contact_id"]
        customer = changer["customer_name"] or changer["customer_id"]
        link = "WON_DEAL" if "won_deal" in changer["via"] else "WORKED_AT"
        how = ", ".join(
            "worked at" if via == "worked_at" else f"won deal {', '.join(changer['deals'])}"
            for via in changer["via"]
        )
        rows.append(
            {
                "account_id": account_id,
                "kind": "job_changer",
                "customer_id": changer["customer_id"],
                "customer": changer["customer_name"],
                "contact_id": changer["contact_id"],
                "name": name,
                "title": changer["title"],
                "hops": 2,
                "strength": round(100 * LINK_STRENGTH[link] * LINK_STRENGTH["WORKS_AT"], 1),
                "via": changer["via"],
                "deals": changer["deals"],
                "path": [changer["customer_id"], changer["contact_id"], account_id],
                "route": f"{customer} (customer) ← {how} ← {name} → works at → {target}",
            }
        )
    linked = {r["customer_id"] for r in rows}
    for found in customer_paths(store, account_id=account_id):
        if found["customer_id"] in linked:
            continue
        rows.append(_path_row(account_id, found))
    rows.sort(key=lambda r: (-r["strength"], r["hops"], r["customer_id"], r["contact_id"]))
    return rows[:limit] if limit is not None else rows


def _label(node: dict[str, Any]) -> str:
    if node["label"] == "Account":
        return node["name"] or node["id"]
    return person_name(node["first_name"], node["last_name"]) or node["id"]


def _path_row(account_id: str, found: dict[str, Any]) -> dict[str, Any]:
    nodes, rels = found["nodes"], found["rels"]
    people = [n for n in nodes if n["label"] == "Contact"]
    strength = 100 * PER_PERSON ** (len(people) - 1)
    parts = [f"{_label(nodes[0])} (customer)"]
    for rel, there in zip(rels, nodes[1:], strict=True):
        strength *= LINK_STRENGTH[rel]
        # Relationships point from the person to the account: show which way each one goes.
        arrow = "←" if there["label"] == "Contact" else "→"
        parts.append(f"{arrow} {_SPELLED[rel]} {arrow} {_label(there)}")
    nearest = people[-1]
    return {
        "account_id": account_id,
        "kind": "path",
        "customer_id": found["customer_id"],
        "customer": nodes[0]["name"],
        "contact_id": nearest["id"],
        "name": _label(nearest),
        "title": nearest["title"],
        "hops": len(rels),
        "strength": round(strength, 1),
        "via": [rel.lower() for rel in rels],
        "deals": [],
        "path": [n["id"] for n in nodes],
        "route": " ".join(parts),
    }
