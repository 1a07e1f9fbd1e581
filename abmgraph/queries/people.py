"""The people at one account and their org chart: the named queries behind ``gaps`` and ``org``.

The org chart is the REPORTS_TO relationships among the account's own
contacts. On the embedded store it is a networkx DiGraph built from the
account's rows only (never the whole contacts table).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from abmgraph.queries.engine import named_query, records, role_list

# networkx is imported by the functions that walk the org chart: ``gaps --all`` goes
# through this module without needing it.
if TYPE_CHECKING:
    import networkx as nx

__all__ = ["PEOPLE_KEYS", "POWER_ROLES", "account_people", "paths_to_power"]

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


def _people(store: Any, account_id: str) -> tuple[pd.DataFrame, nx.DiGraph]:
    """The account's contacts (empty if the account is unknown) and their org chart."""
    import networkx as nx

    if store.select("accounts", ["account_id"], where=("account_id", [account_id])).empty:
        return pd.DataFrame(columns=[*_PERSON, "manager_id"]), nx.DiGraph()
    people = store.select("contacts", [*_PERSON, "manager_id"], where=("account_id", [account_id]))
    people = people.sort_values("contact_id", kind="stable").reset_index(drop=True)
    ids = set(people["contact_id"])
    people["manager_id"] = people["manager_id"].where(people["manager_id"].isin(ids))
    chart = nx.DiGraph()
    chart.add_nodes_from(people["contact_id"])
    links = people.dropna(subset=["manager_id"])
    chart.add_edges_from(zip(links["contact_id"], links["manager_id"], strict=True))
    return people, chart


def _scores(store: Any, contact_ids: pd.Series) -> pd.DataFrame:
    return store.select("scores/contacts", _SCORES, where=("contact_id", list(contact_ids)))


@named_query("account_people")
def account_people(store: Any, *, account_id: str) -> list[dict[str, Any]]:
    """One row per contact at the account (``PEOPLE_KEYS``), by contact_id.

    ``manager_id`` is the colleague the contact reports to (themselves on a
    self-report); ``above`` / ``below`` count the distinct colleagues up and
    down the reporting lines, which stay finite on cycles.
    """
    import networkx as nx

    people, chart = _people(store, account_id)
    people["above"] = [len(nx.descendants(chart, c)) for c in people["contact_id"]]
    people["below"] = [len(nx.ancestors(chart, c)) for c in people["contact_id"]]
    people = people.merge(_scores(store, people["contact_id"]), on="contact_id", how="left")
    return records(people[PEOPLE_KEYS])


@named_query("paths_to_power")
def paths_to_power(store: Any, *, account_id: str, power_roles: list[str]) -> list[dict[str, Any]]:
    """For each champion at the account, the shortest org-chart path to another holder of a power role.

    Rows ``{champion_id, path}`` by champion_id; ``path`` lists contact ids
    from the champion to the target (ties: smallest target id, then the path
    whose ids sort first), or None when no such colleague is reachable.
    """
    import networkx as nx

    people, chart = _people(store, account_id)
    roles = _scores(store, people["contact_id"]).set_index("contact_id")["roles"]
    held = {c: set(role_list(roles.get(c))) for c in people["contact_id"]}
    powerful = {c for c, r in held.items() if r & set(power_roles)}
    lines = chart.to_undirected(as_view=True)
    rows = []
    for champion in sorted(c for c, r in held.items() if "champion" in r):
        reach = nx.single_source_shortest_path_length(lines, champion)
        targets = [(d, t) for t, d in reach.items() if t in powerful and t != champion]
        path = None
        if targets:
            _, target = min(targets)
            path = min(nx.all_shortest_paths(lines, champion, target))
        rows.append({"champion_id": champion, "path": path})
    return rows
