"""Graph components of the account priority: access to power, champions who moved, the family.

Three contributions walk the graph around an account's committee, each in
points on the committee's 0–100 engagement scale (``[account.graph]``):

* ``graph.access_to_power`` — engaged contacts whose REPORTS_TO chain
  reaches, in at most ``max_hops`` steps through colleagues at the same
  account, an engaged holder of a power role (decision maker or economic
  buyer, as ``scoring.roles`` derives roles). Points ×
  ``1 − exp(−paths / access_to_power_scale)``: each extra path adds, less
  and less.
* ``graph.champions_moved`` — contacts now at the account who, at an account
  they worked at before (WORKED_AT), held one of ``champion_roles`` on a deal
  or were on a won deal (both as of the scoring instant). Each counts
  ``0.5 ** (days since started_at / champions_moved_half_life_days)``: fully
  without a ``started_at``, not at all before it. Points ×
  ``1 − exp(−counted / champions_moved_scale)``.
* ``graph.family`` — ``family_share`` of the committee engagement of the most
  engaged other member of the account's corporate family (every account
  linked through SUBSIDIARY_OF either way), at most ``family_points``. It
  reads relatives' committee engagement, never their family points, so
  families cannot feed back on themselves, and it only ever adds.

Every component only grows when an event, a path or a relative's engagement
is added. The walks run in the store (``GraphStore.reporting_paths``,
``past_deals``, ``account_families``): Cypher on Neo4j, numpy and pandas on
the embedded store. A component with 0 points is never walked.

Family and champions make an account depend on others: ``graph_dependents``
names the accounts whose graph components can change when some accounts
change, so a partial rescoring can widen its set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from abmgraph.graph.store import GraphStore
from abmgraph.scoring.config import ScoringConfig

__all__ = [
    "GRAPH_COMPONENTS",
    "GraphInputs",
    "graph_components",
    "graph_dependents",
    "graph_inputs",
    "graph_scope",
]

GRAPH_COMPONENTS = ("access_to_power", "champions_moved", "family")


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})


_PATHS = {"account_id": "str", "contact_id": "str", "path": "object", "role": "str"}
_CHAMPIONS = {
    "account_id": "str",
    "contact_id": "str",
    "weight": "float64",
    "started_at": "datetime64[us, UTC]",
    "evidence": "object",
}
_FAMILIES = {"account_id": "str", "family": "str"}


@dataclass
class GraphInputs:
    """What the store's walks found for one scoring run (empty for a component turned off).

    ``paths``: one row per engaged contact with a path to power (account_id,
    contact_id, path of contact ids, the power role reached). ``champions``:
    one row per champion who moved in (account_id, contact_id, weight,
    started_at, evidence as ``(role or "won", opportunity_id,
    from_account_id)`` tuples). ``families``: account_id and family label.
    """

    paths: pd.DataFrame = field(default_factory=lambda: _empty(_PATHS))
    champions: pd.DataFrame = field(default_factory=lambda: _empty(_CHAMPIONS))
    families: pd.DataFrame = field(default_factory=lambda: _empty(_FAMILIES))


def _saturate(x: pd.Series | np.ndarray, scale: float) -> np.ndarray:
    return -np.expm1(-np.asarray(x, dtype="float64") / scale)


def graph_scope(store: GraphStore, account_ids: pd.Series, config: ScoringConfig) -> pd.Series:
    """``account_ids`` and every member of their corporate families (when the family counts).

    Scoring a few accounts reads their relatives' committees too, so the
    family component comes out as in a full run.
    """
    if not config.account.graph.family_on or account_ids.empty:
        return account_ids
    members = store.account_families(account_ids)["account_id"]
    return pd.Series(list(dict.fromkeys([*account_ids.tolist(), *members.tolist()])), dtype="str")


def graph_dependents(store: GraphStore, account_ids: pd.Series | list[str]) -> set[str]:
    """The other accounts whose graph components can change when these accounts change.

    An account's family component reads its relatives' committee engagement,
    and its champions component reads the deals its people were on where they
    worked before. So when accounts change (their contacts, events or
    deals), these must be rescored too: every member of their corporate
    families, and every account where people who worked at them work now.
    The accounts given are not in the answer.

    Examples
    --------
    A partial rescoring widens the accounts an ingest touched::

        touched = {"A1"}
        rescore = touched | graph_dependents(store, sorted(touched))
    """
    ids = pd.Series(list(account_ids), dtype="str")
    if ids.empty:
        return set()
    found = set(store.account_families(ids)["account_id"].tolist())
    found |= set(store.alumni_employers(ids).tolist())
    return found - set(ids.tolist())


def _power_paths(
    store: GraphStore, contacts: pd.DataFrame, roles: pd.DataFrame, config: ScoringConfig
) -> pd.DataFrame:
    section = config.account.graph
    mask = contacts["engaged"].to_numpy(dtype=bool) & contacts["account_id"].notna().to_numpy()
    if not roles.index.equals(pd.Index(contacts["contact_id"])):
        roles = roles.reindex(contacts["contact_id"], fill_value=False)
    holds = roles[list(section.power_roles)].to_numpy(dtype=bool)[mask]
    engaged = contacts[mask]
    targets = engaged.loc[holds.any(axis=1), "contact_id"]
    if targets.empty:
        return _empty(_PATHS)
    found = store.reporting_paths(engaged["contact_id"], targets, section.max_hops)
    if found.empty:
        return _empty(_PATHS)
    # Found rows → their start and their power holder, as positions among the engaged.
    where = pd.Index(engaged["contact_id"])
    start = where.get_indexer(found["contact_id"])
    end = where.get_indexer(found["path"].str[-1])
    # The role shown for the power holder: the first of power_roles it holds.
    first_role = np.array(section.power_roles, dtype=object)[holds.argmax(axis=1)]
    return pd.DataFrame(
        {
            "account_id": engaged["account_id"].to_numpy()[start],
            "contact_id": found["contact_id"].to_numpy(),
            "path": found["path"].to_numpy(),
            "role": first_role[end],
        }
    ).astype({"account_id": "str", "contact_id": "str", "role": "str"})


def _moved_champions(
    store: GraphStore,
    account_ids: pd.Series | None,
    opportunities: pd.DataFrame,
    links: pd.DataFrame,
    config: ScoringConfig,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    section = config.account.graph
    deals = store.past_deals(account_ids)
    if deals.empty:
        return _empty(_CHAMPIONS)
    won_by_then = opportunities["is_won"].fillna(False).astype(bool) & (
        opportunities["closed_at"].isna() | (opportunities["closed_at"] <= as_of)
    )
    # ``opportunities`` and ``links`` hold only deals visible at as_of: an inner join drops the rest.
    found = deals.merge(
        links[["opportunity_id", "contact_id", "role"]].drop_duplicates(
            ["opportunity_id", "contact_id"]
        ),
        on=["opportunity_id", "contact_id"],
    ).merge(
        pd.DataFrame(
            {"opportunity_id": opportunities["opportunity_id"], "won": won_by_then.to_numpy()}
        ),
        on="opportunity_id",
    )
    championed = found["role"].isin(section.champion_roles).to_numpy()
    counts = championed | found["won"].to_numpy(dtype=bool)
    found = found[counts].assign(why=np.where(championed, found["role"], "won")[counts])
    if found.empty:
        return _empty(_CHAMPIONS)
    found = found.sort_values(["contact_id", "opportunity_id"])
    evidence = (
        pd.Series(
            list(zip(found["why"], found["opportunity_id"], found["from_account_id"], strict=True)),
            index=found.index,
        )
        .groupby(found["contact_id"].to_numpy())
        .agg(list)
    )
    people = found.drop_duplicates("contact_id")[["account_id", "contact_id"]]
    started = store.table("contacts", people["contact_id"], columns=["contact_id", "started_at"])
    if "started_at" not in started.columns:
        started = started.assign(started_at=pd.NaT)
    people = people.merge(
        started.astype({"started_at": "datetime64[us, UTC]"}), on="contact_id", how="left"
    )
    age_days = (as_of - people["started_at"]) / pd.Timedelta(days=1)
    weight = np.where(
        people["started_at"].isna(),
        1.0,
        np.where(age_days < 0, 0.0, np.exp2(-age_days / section.champions_moved_half_life_days)),
    )
    return people.assign(
        weight=weight, evidence=evidence.reindex(people["contact_id"]).to_numpy()
    ).reset_index(drop=True)[list(_CHAMPIONS)]


def graph_inputs(
    store: GraphStore,
    config: ScoringConfig,
    contacts: pd.DataFrame,
    roles: pd.DataFrame,
    opportunities: pd.DataFrame,
    links: pd.DataFrame,
    account_ids: pd.Series | None,
    as_of: pd.Timestamp,
) -> GraphInputs:
    """Run the walks the turned-on components need, for these accounts (all when None).

    ``contacts`` are the scored contacts of those accounts (``engaged``,
    ``account_id``), ``roles`` their role matrix; ``opportunities`` and
    ``links`` (with ``role``) the deals visible at ``as_of``.
    """
    section = config.account.graph
    inputs = GraphInputs()
    if section.access_to_power_on:
        inputs.paths = _power_paths(store, contacts, roles, config)
    if section.champions_moved_on:
        inputs.champions = _moved_champions(store, account_ids, opportunities, links, config, as_of)
    if section.family_on:
        inputs.families = store.account_families(account_ids)
    return inputs


def _family_lift(
    account_ids: pd.Series, engagement: np.ndarray, families: pd.DataFrame
) -> pd.DataFrame:
    """For each account, its most engaged relative (ties: smallest id) and that engagement."""
    mine = pd.DataFrame({"account_id": account_ids.to_numpy(), "engagement": engagement})
    members = families.merge(mine, on="account_id", how="left").fillna({"engagement": 0.0})
    ranked = members.sort_values(
        ["family", "engagement", "account_id"], ascending=[True, False, True]
    )
    place = ranked.groupby("family").cumcount()
    top = ranked[place == 0].set_index("family")
    second = ranked[place == 1].set_index("family")
    family = members.set_index("account_id")["family"].reindex(account_ids.to_numpy())
    best_id = top["account_id"].reindex(family).to_numpy()
    is_best = best_id == account_ids.to_numpy()
    relative = np.where(is_best, second["account_id"].reindex(family).to_numpy(), best_id)
    lift = np.where(
        is_best,
        second["engagement"].reindex(family).to_numpy(),
        top["engagement"].reindex(family).to_numpy(),
    )
    return pd.DataFrame(
        {
            "family_relative": pd.Series(relative, dtype="object").where(pd.notna(relative)),
            "family_engagement": np.nan_to_num(np.asarray(lift, dtype="float64")),
            "family_size": members.groupby("family")
            .size()
            .reindex(family)
            .fillna(1)
            .to_numpy(dtype="int64"),
        }
    )


def graph_components(
    account_ids: pd.Series,
    committee_engagement: pd.Series | np.ndarray,
    inputs: GraphInputs | None,
    config: ScoringConfig,
) -> pd.DataFrame:
    """The ``graph.*`` points (unweighted, rounded to hundredths) per account, with their reasons.

    Aligned with ``account_ids``; ``committee_engagement`` is each account's
    committee engagement (0–100), which the family component shares out.
    Besides the points: ``power_paths`` (the engaged contacts' paths,
    ``(path, role)`` each), ``champions`` (``(contact_id, weight, started_at,
    evidence)`` each), ``family_relative``, ``family_engagement`` and
    ``family_size``.
    """
    section = config.account.graph
    inputs = inputs or GraphInputs()
    index = pd.Index(account_ids.to_numpy())
    out = pd.DataFrame(index=range(len(index)))

    paths = inputs.paths
    counts = paths.groupby("account_id").size().reindex(index).fillna(0).to_numpy()
    out["graph.access_to_power"] = section.access_to_power_points * _saturate(
        counts, section.access_to_power_scale
    )
    champions = inputs.champions
    counted = champions.groupby("account_id")["weight"].sum().reindex(index).fillna(0).to_numpy()
    out["graph.champions_moved"] = section.champions_moved_points * _saturate(
        counted, section.champions_moved_scale
    )
    family = _family_lift(account_ids, np.asarray(committee_engagement, float), inputs.families)
    out["graph.family"] = np.minimum(
        section.family_share * family["family_engagement"].to_numpy(), section.family_points
    )
    out = out.round(2)

    ordered = paths.sort_values("contact_id")
    pairs = pd.Series(
        list(zip(ordered["path"], ordered["role"], strict=True)),
        index=ordered.index,
        dtype="object",
    )
    out["power_paths"] = _lists(pairs.groupby(ordered["account_id"].to_numpy()).agg(list), index)
    rows = champions.sort_values("contact_id")
    details = pd.Series(
        list(
            zip(
                rows["contact_id"],
                rows["weight"],
                rows["started_at"],
                rows["evidence"],
                strict=True,
            )
        ),
        index=rows.index,
        dtype="object",
    )
    out["champions"] = _lists(details.groupby(rows["account_id"].to_numpy()).agg(list), index)
    for column in family.columns:
        out[column] = family[column].to_numpy()
    return out


def _lists(grouped: pd.Series, index: pd.Index) -> list[list]:
    """One list per account of ``index`` (empty where ``grouped`` has none)."""
    found = grouped.reindex(index)
    return [value if isinstance(value, list) else [] for value in found.tolist()]
