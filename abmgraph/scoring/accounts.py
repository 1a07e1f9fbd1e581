"""Account priority: weighted account fit plus weighted buying-committee engagement.

The committee walk groups each account's engaged contacts and turns them
into six saturating components — volume (seniority-weighted, capped per
contact), multi-threading, cross-functional breadth, role coverage,
seniority and recency. Each component can only grow when a positive event
is added, which keeps the priority monotone. The graph components
(``scoring.graph_components``) add to the committee's points on the same
scale; ``graph.cap`` keeps the sum within 100.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.scoring.activity import (
    ACTIVITY_COMPONENTS,
    ACTIVITY_STATS,
    account_activity,
    activity_components,
)
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.graph_components import GRAPH_COMPONENTS, GraphInputs, graph_components
from abmgraph.scoring.rules import rule_mask

__all__ = ["COMMITTEE_COMPONENTS", "account_fit", "committee_engagement", "score_accounts"]

COMMITTEE_COMPONENTS = (
    "volume",
    "multithreading",
    "cross_functional",
    "role_coverage",
    "seniority",
    "recency",
)


def _saturate(x: pd.Series | np.ndarray, scale: float) -> np.ndarray:
    """0 at x = 0, rising with diminishing returns towards 1."""
    return -np.expm1(-np.asarray(x, dtype="float64") / scale)


def account_fit(
    accounts: pd.DataFrame, intent: pd.DataFrame, config: ScoringConfig, as_of: pd.Timestamp
) -> pd.DataFrame:
    """Fit points per ICP rule (columns ``fit.*``), capped to 0–100 by ``fit.cap``."""
    fit = config.account.fit
    out = pd.DataFrame(index=accounts.index)
    industries = {i.casefold() for i in fit.industries}
    industry = accounts["industry"].astype("str").str.casefold().isin(industries)
    out["fit.industry"] = np.where(industry.to_numpy(dtype=bool), fit.industry_points, 0.0)
    employees = pd.to_numeric(accounts["employees"], errors="coerce")
    in_band = employees.between(fit.employees_min, fit.employees_max).fillna(False)
    out["fit.employees"] = np.where(in_band.to_numpy(dtype=bool), fit.employees_points, 0.0)
    revenue = pd.to_numeric(accounts["annual_revenue"], errors="coerce")
    in_band = revenue.between(fit.revenue_min, fit.revenue_max).fillna(False)
    out["fit.revenue"] = np.where(in_band.to_numpy(dtype=bool), fit.revenue_points, 0.0)
    country = accounts["country"].isin([c.upper() for c in fit.countries]).fillna(False)
    out["fit.country"] = np.where(country.to_numpy(dtype=bool), fit.country_points, 0.0)

    wanted = {t.casefold() for t in fit.technologies}
    techs = accounts["technologies"].astype("str").str.casefold().str.split(";").explode()
    matches = techs.astype("str").str.strip().isin(wanted).groupby(level=0).sum()
    out["fit.technologies"] = np.minimum(
        matches.reindex(accounts.index).fillna(0).to_numpy() * fit.technology_points,
        fit.technology_cap,
    )

    since = as_of - pd.Timedelta(days=fit.intent_days)
    seen = intent[
        (intent["observed_at"] <= as_of)
        & (intent["observed_at"] >= since)
        & (intent["score"] >= fit.intent_threshold)
    ]
    topics = seen.groupby("account_id")["topic"].nunique()
    surging = accounts["account_id"].map(topics).fillna(0).to_numpy(dtype="float64")
    out["fit.intent"] = np.minimum(surging * fit.intent_points, fit.intent_cap)

    for rule in fit.rules:
        out[f"fit.rule.{rule.label}"] = np.where(rule_mask(accounts, rule), rule.points, 0.0)
    out = out.round(2)
    raw = out.sum(axis=1).round(2)
    out["fit.cap"] = (raw.clip(0, 100) - raw).round(2)
    return out


def committee_engagement(
    contacts: pd.DataFrame, roles: pd.DataFrame, account_ids: pd.Series, config: ScoringConfig
) -> pd.DataFrame:
    """The committee components per account (``committee.*`` in points, 0–100 in total).

    ``contacts`` are scored contacts with ``account_id``, ``seniority``,
    ``department``, ``engaged``, ``positive_engagement`` and ``recent_points``;
    ``roles`` is the contacts' role matrix indexed by contact_id.
    """
    committee = config.account.committee
    required = list(committee.required_roles)
    engaged = contacts[contacts["engaged"] & contacts["account_id"].notna()]
    weight = (
        engaged["seniority"]
        .map(committee.seniority_weights)
        .astype("float64")
        .fillna(committee.unknown_seniority_weight)
    )
    weighted = np.minimum(weight * engaged["positive_engagement"], committee.per_contact_cap)
    by_account = pd.DataFrame(
        {
            "account_id": engaged["account_id"].to_numpy(),
            "weighted": weighted.to_numpy(),
            "weight": weight.to_numpy(),
            "recent": engaged["recent_points"].to_numpy(),
            "prior": engaged["prior_points"].to_numpy(),
            "department": engaged["department"].to_numpy(),
        }
    ).groupby("account_id")
    stats = pd.DataFrame(
        {
            "volume": by_account["weighted"].sum(),
            "engaged_contacts": by_account.size(),
            "departments_engaged": by_account["department"].nunique(),
            "seniority": by_account["weight"].sum(),
            "recent_points": by_account["recent"].sum(),
            "prior_points": by_account["prior"].sum(),
        }
    )
    covered = (
        roles.loc[engaged["contact_id"], required]
        .set_axis(engaged["account_id"].to_numpy())
        .groupby(level=0)
        .any()
    )
    stats = stats.join(covered).reindex(pd.Index(account_ids)).fillna(0)
    stats[required] = stats[required].astype(bool)

    out = pd.DataFrame(index=stats.index)
    out["committee.volume"] = committee.volume_points * _saturate(
        stats["volume"], committee.volume_scale
    )
    out["committee.multithreading"] = committee.multithreading_points * _saturate(
        np.maximum(stats["engaged_contacts"] - 1, 0), committee.multithreading_scale
    )
    out["committee.cross_functional"] = committee.cross_functional_points * _saturate(
        np.maximum(stats["departments_engaged"] - 1, 0), committee.cross_functional_scale
    )
    share = stats[required].sum(axis=1) / len(required) if required else 0.0
    out["committee.role_coverage"] = committee.role_coverage_points * share
    out["committee.seniority"] = committee.seniority_points * _saturate(
        stats["seniority"], committee.seniority_scale
    )
    out["committee.recency"] = committee.recency_points * np.minimum(
        stats["recent_points"] / committee.recency_scale, 1.0
    )
    out = out.round(2)
    out["engaged_contacts"] = stats["engaged_contacts"].astype("int64")
    out["departments_engaged"] = stats["departments_engaged"].astype("int64")
    out["recent_points"] = stats["recent_points"]
    out["prior_points"] = stats["prior_points"]
    out["weighted_engagement"] = stats["volume"]
    out["seniority_weight"] = stats["seniority"]
    for role in required:
        out[f"covers.{role}"] = stats[role]
    return out


def _stage(
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    summary: pd.DataFrame,
    open_accounts: set[str],
    config: ScoringConfig,
) -> np.ndarray:
    stages = config.account.stages
    positive_types = [t for t, rule in config.engagement.items() if rule.points > 0]
    seen = summary[summary["events"] > 0]
    # Summary row → its contact → that contact's account, as positions in ``accounts``.
    employer = pd.Index(accounts["account_id"]).get_indexer(contacts["account_id"])
    contact = pd.Index(contacts["contact_id"]).get_indexer(seen["contact_id"])
    account = employer[contact] if len(employer) else np.full(len(contact), -1)
    account[contact < 0] = -1

    def reached(types: list[str]) -> np.ndarray:
        hit = np.zeros(len(accounts), dtype=bool)
        rows = (account >= 0) & seen["type"].isin(types).to_numpy()
        hit[account[rows]] = True
        return hit

    return np.select(
        [
            accounts["account_id"].isin(open_accounts).to_numpy(),
            reached(stages.decision),
            reached(stages.consideration),
            reached(positive_types),
        ],
        ["purchase", "decision", "consideration", "awareness"],
        "target",
    )


def score_accounts(
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    roles: pd.DataFrame,
    summary: pd.DataFrame,
    intent: pd.DataFrame,
    open_accounts: set[str],
    config: ScoringConfig,
    as_of: pd.Timestamp,
    graph: GraphInputs | None = None,
) -> pd.DataFrame:
    """One row per account: weighted contributions, priority, tier, stage, roles.

    ``graph`` holds what the store's walks found (``graph_inputs``); without
    it the graph components are 0.
    """
    section = config.account
    accounts = accounts.reset_index(drop=True)
    fit = account_fit(accounts, intent, config, as_of)
    committee = committee_engagement(contacts, roles, accounts["account_id"], config)
    committee = committee.set_axis(accounts.index)
    activity = account_activity(contacts, accounts["account_id"], config)
    committee = pd.concat([committee, activity_components(activity, config), activity], axis=1)
    components = [f"committee.{c}" for c in (*COMMITTEE_COMPONENTS, *ACTIVITY_COMPONENTS)]

    fit_score = fit.sum(axis=1).round(2)
    committee_score = committee[components].sum(axis=1).round(2)
    graphed = graph_components(accounts["account_id"], committee_score, graph, config)
    graphed = graphed.set_axis(accounts.index)
    points = [f"graph.{c}" for c in GRAPH_COMPONENTS]
    raw = (committee_score + graphed[points].sum(axis=1)).round(2)
    graphed["graph.cap"] = (raw.clip(upper=100) - raw).round(2)
    points.append("graph.cap")
    engagement_score = (raw + graphed["graph.cap"]).round(2)
    weighted = pd.concat(
        [
            fit * section.fit_weight,
            committee[components] * section.engagement_weight,
            graphed[points] * section.engagement_weight,
        ],
        axis=1,
    ).round(2)
    priority = weighted.sum(axis=1).round(2)

    required = list(section.committee.required_roles)
    covers = committee[[f"covers.{r}" for r in required]].to_numpy(dtype=bool)
    required_arr = np.array(required, dtype=object)
    out = pd.concat([accounts[["account_id", "name"]], weighted], axis=1)
    out["priority"] = priority
    in_icp = fit_score >= section.icp_floor
    out["tier"] = np.select(
        [(priority >= section.tier1) & in_icp, priority >= section.tier2], [1, 2], 3
    ).astype("int64")
    out["stage"] = _stage(accounts, contacts, summary, open_accounts, config)
    out["fit_score"] = fit_score
    out["engagement_score"] = engagement_score
    out["in_icp"] = in_icp
    for column in (
        "engaged_contacts",
        "departments_engaged",
        "recent_points",
        "prior_points",
        "weighted_engagement",
        "seniority_weight",
        *ACTIVITY_STATS.values(),
    ):
        out[column] = committee[column]
    out["committee_score"] = committee_score
    for column in graphed.columns.difference(points, sort=False):
        out[column] = graphed[column]
    out["roles_covered"] = [list(required_arr[row]) for row in covers]
    out["missing_roles"] = [list(required_arr[~row]) for row in covers]
    return out
