"""``abmgraph warm-paths``: who links a target account to our customers through job history.

Two named queries: ``job_changers`` (contacts now at the target who worked
at a customer or were on a customer's won deal) and ``customer_paths`` (the
shortest people-path from each customer to the target through current and
past employment, at most two people long). On the embedded store only the
neighbourhood of the target is turned into a networkx graph: the people
employed at the target, their other employers, those employers' people and
theirs — never the whole graph. ``warm_paths_by_account`` answers many
targets at once (the report's pages): their contacts are read once, and the
employment links are indexed by account and by contact once, so each
target's neighbourhood is found without scanning every link again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from abmgraph.graph.store import GraphStore
from abmgraph.idsets import among
from abmgraph.queries.engine import (
    account_rows,
    customer_ids,
    named_query,
    person_name,
    records,
    split_ids,
)

# networkx loads with the question that walks it (``customer_paths``), not with the package.
if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "MAX_PEOPLE",
    "WARM_KEYS",
    "customer_paths",
    "job_changers",
    "warm_paths",
    "warm_paths_by_account",
]

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


def _known(ids: list[str], accounts: pd.DataFrame) -> list[str]:
    """The ids of stored accounts among ``ids``, in their order."""
    known = among(pd.Series(ids, dtype="object"), accounts["account_id"])
    return [a for a, stored in zip(ids, known.tolist(), strict=True) if stored]


@named_query("job_changers")
def job_changers(store: Any, *, account_id: str) -> list[dict[str, Any]]:
    """Contacts at the account linked to another customer by job history or a won deal.

    One row per contact and customer, by contact_id then customer_id: the
    person's name, title and score, ``customer_id``/``customer_name``,
    ``via`` (``worked_at``, ``won_deal``, sorted) and the won ``deals``.
    """
    return _job_changers_many(store, [account_id])[account_id]


def _job_changers_many(store: Any, account_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """``job_changers`` of every account asked, each table read once for all of them."""
    ids = list(dict.fromkeys(account_ids))
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in ids}
    accounts, customers = _reused(store, "warm_paths.accounts", lambda: _accounts(store))
    targets = _known(ids, accounts)
    if not targets:
        return out
    people = store.select(
        "contacts",
        ["contact_id", "first_name", "last_name", "title", "previous_account_ids", "account_id"],
        where=("account_id", targets),
    ).rename(columns={"account_id": "target"})
    employer = pd.Series(people["target"].to_numpy(), index=people["contact_id"].to_numpy())
    employer = employer[~employer.index.duplicated()]
    past = split_ids(people, "contact_id", "previous_account_ids")
    past = past.rename(columns={"item": "customer_id"})
    past["target"] = past["contact_id"].map(employer)
    # A customer links to the others, never to itself.
    worked = past[
        among(past["customer_id"], customers) & (past["customer_id"] != past["target"]).to_numpy()
    ].assign(via="worked_at", deal=None)
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
    ]
    won = links.merge(deals, on="opportunity_id").rename(
        columns={"account_id": "customer_id", "opportunity_id": "deal"}
    )
    won["target"] = won["contact_id"].map(employer)
    won = won[(won["customer_id"] != won["target"]).to_numpy()]
    found = pd.concat([worked, won.assign(via="won_deal")[worked.columns]], ignore_index=True)
    if found.empty:
        return out
    grouped = found.groupby(["target", "contact_id", "customer_id"], sort=True)
    linked = pd.DataFrame(
        {
            "via": grouped["via"].agg(lambda v: sorted(set(v))),
            "deals": grouped["deal"].agg(lambda d: sorted(set(d.dropna()))),
        }
    ).reset_index()
    scores = store.select(
        "scores/contacts", ["contact_id", "score"], where=("contact_id", linked["contact_id"])
    )
    names = accounts.set_index("account_id")["name"]
    linked = (
        linked.merge(people.drop(columns=["previous_account_ids", "target"]), on="contact_id")
        .merge(scores, on="contact_id", how="left")
        .assign(customer_name=lambda f: f["customer_id"].map(names))
    )
    keys = ["contact_id", "first_name", "last_name", "title", "score", "customer_id"]
    rows = records(linked[[*keys, "customer_name", "via", "deals"]])
    for target, row in zip(linked["target"].tolist(), rows, strict=True):
        out[target].append(row)
    return out


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
    return _customer_paths_many(store, [account_id])[account_id]


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each value's code and the distinct values (no nulls among them), through Arrow."""
    encoded = pa.array(values.to_numpy(dtype=object), type=pa.large_string()).dictionary_encode()
    return (
        encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64),
        encoded.dictionary.to_numpy(zero_copy_only=False),
    )


class _Employment:
    """The employment links indexed both ways (by account and by contact), so the people
    around one account are found without scanning every link."""

    def __init__(self, links: pd.DataFrame, customers: set[str]) -> None:
        self.account, self.accounts = _codes(links["account_id"])
        self.contact, self.contacts = _codes(links["contact_id"])
        self.rel = links["rel"].to_numpy()
        self.customer = among(pd.Series(self.accounts), customers)
        self.code = {a: i for i, a in enumerate(self.accounts.tolist())}
        self._by_account = self._index(self.account, len(self.accounts))
        self._by_contact = self._index(self.contact, len(self.contacts))

    @staticmethod
    def _index(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(codes, kind="stable")
        return order, np.searchsorted(codes[order], np.arange(size + 1))

    @staticmethod
    def _rows(index: tuple[np.ndarray, np.ndarray], codes: np.ndarray) -> np.ndarray:
        order, starts = index
        begin, count = starts[codes], starts[codes + 1] - starts[codes]
        shift = np.repeat(begin - (np.cumsum(count) - count), count)
        return order[shift + np.arange(int(count.sum()))]

    def ball(self, account_id: str) -> np.ndarray:
        """The links among the MAX_PEOPLE people around the account (customers end a walk)."""
        start = self.code.get(account_id)
        if start is None:
            return np.zeros(0, dtype=np.int64)
        seen_accounts = frontier = np.array([start])
        seen_people = np.zeros(0, dtype=np.int64)
        for _ in range(MAX_PEOPLE):
            # The account itself is never a customer of its own walk.
            open_ = frontier[~self.customer[frontier] | (frontier == start)]
            people = np.setdiff1d(self.contact[self._rows(self._by_account, open_)], seen_people)
            seen_people = np.union1d(seen_people, people)
            reached = np.unique(self.account[self._rows(self._by_contact, people)])
            frontier = np.setdiff1d(reached, seen_accounts)
            seen_accounts = np.union1d(seen_accounts, frontier)
        rows = self._rows(self._by_contact, seen_people)
        return rows[np.isin(self.account[rows], seen_accounts)]


def _customer_paths_many(store: Any, account_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """``customer_paths`` of every account asked; the links are indexed once for all of them."""
    ids = list(dict.fromkeys(account_ids))
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in ids}
    accounts, customers = _reused(store, "warm_paths.accounts", lambda: _accounts(store))
    targets = _known(ids, accounts)
    if not targets:
        return out
    employment = _reused(
        store,
        "warm_paths.index",
        lambda: _Employment(
            _reused(
                store, "warm_paths.employment", lambda: _employment(store, accounts["account_id"])
            ),
            set(customers),
        ),
    )
    found: dict[str, tuple[dict[str, list], nx.DiGraph]] = {}
    for account_id in targets:
        others = set(customers) - {account_id}
        rows = employment.ball(account_id)
        edges = zip(
            employment.contacts[employment.contact[rows]].tolist(),
            employment.accounts[employment.account[rows]].tolist(),
            employment.rel[rows].tolist(),
            strict=True,
        )
        found[account_id] = _routes(account_id, edges, others)
    people = _people_on(store, {key for routes, _ in found.values() for key in _contacts(routes)})
    names = dict(zip(accounts["account_id"].tolist(), accounts["name"].tolist(), strict=True))
    for account_id, (routes, walks) in found.items():
        out[account_id] = _path_rows(names, routes, walks, people)
    return out


def _routes(account_id: str, edges: Any, customers: set[str]) -> tuple[dict[str, list], Any]:
    """The shortest walk from the account to each customer reached, read from the customer,
    and the walk graph (its edges hold the relationship types)."""
    import networkx as nx

    # Walks leave accounts only when they are not customers: customers are ends.
    walks = nx.DiGraph()
    walks.add_node(("Account", account_id))
    for contact, account, rel in edges:
        ends = [(("Contact", contact), ("Account", account))]
        if account not in customers:
            ends.append((("Account", account), ("Contact", contact)))
        for u, v in ends:
            if walks.has_edge(u, v):
                walks.edges[u, v]["rels"].add(rel)
            else:
                walks.add_edge(u, v, rels={rel})

    # One breadth-first search from the account gives every shortest walk to every customer.
    source = ("Account", account_id)
    before = nx.predecessor(walks, source, cutoff=2 * MAX_PEOPLE)
    found = sorted(a for label, a in before if label == "Account" and a in customers)
    routes = {}
    for customer in found:
        paths = _shortest_walks(before, source, ("Account", customer))
        routes[customer] = min(paths, key=lambda p: [key for _, key in p])
    return routes, walks


def _shortest_walks(before: dict, source: Any, end: Any) -> Iterator[list]:
    """Every shortest walk from ``source`` to ``end``, read from ``end``, given each node's
    predecessors on shortest walks from ``source``."""
    stack = [[end]]
    while stack:
        walk = stack.pop()
        if walk[-1] == source:
            yield walk
            continue
        stack.extend([*walk, step] for step in before[walk[-1]])


def _contacts(routes: dict[str, list]) -> set[str]:
    return {key for path in routes.values() for label, key in path if label == "Contact"}


def _people_on(store: Any, contact_ids: set[str]) -> dict[str, dict[str, Any]]:
    ids = sorted(contact_ids)
    facts = store.select(
        "contacts", ["contact_id", "first_name", "last_name", "title"], where=("contact_id", ids)
    )
    scores = store.select("scores/contacts", ["contact_id", "score"], where=("contact_id", ids))
    return {r["contact_id"]: r for r in records(facts.merge(scores, on="contact_id", how="left"))}


def _path_rows(
    names: dict[str, Any],
    routes: dict[str, list],
    walks: nx.DiGraph,
    people: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
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
    return warm_paths_by_account(store, [account_id], limit)[account_id]


def warm_paths_by_account(
    store: GraphStore, account_ids: Sequence[str], limit: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """``warm_paths`` for many accounts at once: ``{account_id: rows}``.

    The embedded store reads the contacts and indexes the employment links
    once for all of them; Neo4j asks its two queries once per account.

    Raises
    ------
    NotFoundError
        An account is not in the store.
    """
    accounts = account_rows(store, account_ids)
    ids = list(accounts)
    if store.backend == "neo4j":
        changers = {a: job_changers(store, account_id=a) for a in ids}
        paths = {a: customer_paths(store, account_id=a) for a in ids}
    else:
        changers = _job_changers_many(store, ids)
        paths = _customer_paths_many(store, ids)
    return {a: _warm_rows(a, accounts[a]["name"] or a, changers[a], paths[a], limit) for a in ids}


def _warm_rows(
    account_id: str,
    target: str,
    changers: list[dict[str, Any]],
    paths: list[dict[str, Any]],
    limit: int | None,
) -> list[dict[str, Any]]:
    rows = []
    for changer in changers:
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
    for found in paths:
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
