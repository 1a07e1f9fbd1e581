"""The people at one account and their org chart: the named queries behind ``gaps`` and ``org``.

The org chart is the REPORTS_TO relationships among the account's own
contacts. On the embedded store it is a networkx DiGraph built from the
account's rows only (never the whole contacts table). ``people_by_account``
and ``power_paths_by_account`` answer for many accounts from one read of
their contacts: no reporting line leaves an account, so one graph holds
every asked account's chart apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from abmgraph.queries.engine import named_query, records, role_list

# networkx is imported by the functions that walk the org chart: ``gaps --all`` goes
# through this module without needing it.
if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "PEOPLE_KEYS",
    "POWER_ROLES",
    "account_people",
    "paths_to_power",
    "people_by_account",
    "power_paths_by_account",
]

PEOPLE_KEYS = [
    "contact_id",
    "first_name",
    "last_name",
    "title",
    "seniority",
    "department",
    "manager_id",
    "above",
    "below",
    "score",
    "engagement_score",
    "engaged",
    "roles",
    "role_source",
]
_PERSON = ["contact_id", "first_name", "last_name", "title", "seniority", "department"]
_SCORES = ["contact_id", "score", "engagement_score", "engaged", "roles", "role_source"]
# Who a champion needs to reach: the people who decide and who sign.
POWER_ROLES = ["decision_maker", "economic_buyer"]


def _people(store: Any, account_ids: list[str]) -> tuple[pd.DataFrame, nx.DiGraph]:
    """The contacts of the known accounts among ``account_ids`` (with ``account_id``, by
    contact_id) and their org charts, one graph for all: REPORTS_TO never leaves an account,
    so each account's chart is its own part of it."""
    import networkx as nx

    known = store.select("accounts", ["account_id"], where=("account_id", account_ids))
    if known.empty:
        return pd.DataFrame(columns=[*_PERSON, "manager_id", "account_id"]), nx.DiGraph()
    people = store.select(
        "contacts",
        [*_PERSON, "manager_id", "account_id"],
        where=("account_id", known["account_id"].tolist()),
    )
    people = people.sort_values("contact_id", kind="stable").reset_index(drop=True)
    # A manager counts only when they work at the same account.
    employer = pd.Series(people["account_id"].to_numpy(), index=people["contact_id"].to_numpy())
    employer = employer[~employer.index.duplicated()]
    same = people["manager_id"].map(employer).to_numpy() == people["account_id"].to_numpy()
    people["manager_id"] = people["manager_id"].where(pd.Series(same, index=people.index))
    chart = nx.DiGraph()
    chart.add_nodes_from(people["contact_id"])
    links = people.dropna(subset=["manager_id"])
    chart.add_edges_from(zip(links["contact_id"], links["manager_id"], strict=True))
    return people, chart


def _by_account(
    account_ids: list[str], owners: list[str], rows: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in account_ids}
    for owner, row in zip(owners, rows, strict=True):
        out[owner].append(row)
    return out


def _scores(store: Any, contact_ids: pd.Series) -> pd.DataFrame:
    return store.select("scores/contacts", _SCORES, where=("contact_id", list(contact_ids)))


@named_query("account_people")
def account_people(store: Any, *, account_id: str) -> list[dict[str, Any]]:
    """One row per contact at the account (``PEOPLE_KEYS``), by contact_id.

    ``manager_id`` is the colleague the contact reports to (themselves on a
    self-report); ``above`` / ``below`` count the distinct colleagues up and
    down the reporting lines, which stay finite on cycles.
    """
    return _account_people_many(store, [account_id])[account_id]


def _account_people_many(store: Any, account_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    import networkx as nx

    ids = list(dict.fromkeys(account_ids))
    people, chart = _people(store, ids)
    people["above"] = [len(nx.descendants(chart, c)) for c in people["contact_id"]]
    people["below"] = [len(nx.ancestors(chart, c)) for c in people["contact_id"]]
    people = people.merge(_scores(store, people["contact_id"]), on="contact_id", how="left")
    return _by_account(ids, people["account_id"].tolist(), records(people[PEOPLE_KEYS]))


def people_by_account(store: Any, account_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """``account_people`` for many accounts at once: ``{account_id: rows}``, every id a key.

    The embedded store reads the contacts and their scores once for all of
    them; Neo4j asks its query once per account.
    """
    if store.backend == "neo4j":
        return {a: account_people(store, account_id=a) for a in dict.fromkeys(account_ids)}
    # A report's snapshot keeps the answer for its next question about the same accounts.
    memo = getattr(store, "memo", None)
    if callable(memo):
        key = ("account_people", tuple(account_ids))
        return memo(key, lambda: _account_people_many(store, list(account_ids)))
    return _account_people_many(store, list(account_ids))


@named_query("paths_to_power")
def paths_to_power(store: Any, *, account_id: str, power_roles: list[str]) -> list[dict[str, Any]]:
    """For each champion at the account, the shortest org-chart path to another holder of a power role.

    Rows ``{champion_id, path}`` by champion_id; ``path`` lists contact ids
    from the champion to the target (ties: smallest target id, then the path
    whose ids sort first), or None when no such colleague is reachable.
    """
    return _paths_to_power_many(store, [account_id], power_roles)[account_id]


def _paths_to_power_many(
    store: Any, account_ids: list[str], power_roles: list[str]
) -> dict[str, list[dict[str, Any]]]:
    import networkx as nx

    ids = list(dict.fromkeys(account_ids))
    people, chart = _people(store, ids)
    roles = _scores(store, people["contact_id"]).set_index("contact_id")["roles"]
    held = {c: set(role_list(roles.get(c))) for c in people["contact_id"]}
    employer = dict(zip(people["contact_id"], people["account_id"], strict=True))
    powerful = {c for c, r in held.items() if r & set(power_roles)}
    lines = chart.to_undirected(as_view=True)
    owners, rows = [], []
    for champion in sorted(c for c, r in held.items() if "champion" in r):
        # The walk stays inside the champion's account: no reporting line leaves one.
        reach = nx.single_source_shortest_path_length(lines, champion)
        targets = [(d, t) for t, d in reach.items() if t in powerful and t != champion]
        path = None
        if targets:
            _, target = min(targets)
            path = min(nx.all_shortest_paths(lines, champion, target))
        owners.append(employer[champion])
        rows.append({"champion_id": champion, "path": path})
    return _by_account(ids, owners, rows)


def power_paths_by_account(
    store: Any, account_ids: list[str], power_roles: list[str]
) -> dict[str, list[dict[str, Any]]]:
    """``paths_to_power`` for many accounts at once: ``{account_id: rows}``, every id a key."""
    if store.backend == "neo4j":
        return {
            a: paths_to_power(store, account_id=a, power_roles=power_roles)
            for a in dict.fromkeys(account_ids)
        }
    return _paths_to_power_many(store, list(account_ids), power_roles)
