"""Explanations: every contribution to a score, with the reason behind it.

An explanation re-scores just the one account (or contact) with the config
of the last scoring run, as of the instant its stored row was scored at (the
last run's, or an earlier one for an account an incremental run left alone).
Scores are computed per account, so the numbers are the stored ones, and the
contributions add up to the score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from abmgraph.errors import NotFoundError, StoreError
from abmgraph.graph.store import GraphStore
from abmgraph.scoring.config import ScoringConfig, config_from_dict
from abmgraph.scoring.contacts import contribution_columns
from abmgraph.scoring.engine import score_graph
from abmgraph.scoring.graph_explain import graph_detail, graph_labels

__all__ = ["explain_account", "explain_accounts", "explain_contact"]


def _last_run(store: GraphStore) -> tuple[ScoringConfig, pd.Timestamp]:
    meta = store.score_meta()
    if meta is None:
        raise StoreError("Nothing is scored yet: run 'abmgraph score' first.")
    stored = meta["config"]
    if "graph" not in stored.get("account", {}):
        # Scored before the graph components existed: explain it as that run scored.
        off = {"access_to_power_points": 0, "champions_moved_points": 0, "family_points": 0}
        stored = {**stored, "account": {**stored.get("account", {}), "graph": off}}
    return config_from_dict(stored, "stored config"), pd.Timestamp(meta["as_of"])


def _scored_at(
    store: GraphStore, level: str, key: str, ids: list[str], as_of: pd.Timestamp
) -> dict[str, pd.Timestamp]:
    """The instant each row was scored at; the last run's when every row shares it."""
    meta = store.score_meta() or {}
    if meta.get("oldest_as_of") in (None, meta.get("as_of")):
        return dict.fromkeys(ids, as_of)
    stored = store.scores(level)  # type: ignore[arg-type]
    if stored.empty or "as_of" not in stored.columns:
        return dict.fromkeys(ids, as_of)
    found = stored.drop_duplicates(key).set_index(key)["as_of"].reindex(ids)
    return {i: as_of if pd.isna(t) else pd.Timestamp(t) for i, t in found.items()}


def _pts(value: float) -> str:
    return f"{value:g}"


def _contact_detail(name: str, row: pd.Series, config: ScoringConfig) -> str:
    fit = config.contact.fit
    if name == "fit.seniority":
        seniority = row["seniority"] if pd.notna(row["seniority"]) else "unknown"
        return f"seniority {seniority}"
    if name == "fit.department":
        department = row["department"] if pd.notna(row["department"]) else "unknown"
        verdict = "a target" if department in fit.target_departments else "not a target"
        return f"department {department} is {verdict} persona"
    if name == "fit.title":
        hits = [k for k in fit.title_keywords if k.casefold() in str(row["title"]).casefold()]
        return f"title {row['title']!r} matches {', '.join(hits) or 'no keyword'}"
    if name == "fit.email":
        if pd.isna(row["email"]):
            return "no email address"
        free = pd.notna(row["is_free_mail"]) and bool(row["is_free_mail"])
        kind = "free-mail" if free else "corporate"
        return f"{kind} email domain {row['email_domain']}"
    if name == "fit.disposable":
        if pd.isna(row.get("email_domain")):
            return "no email address"
        flagged = pd.notna(row.get("is_disposable")) and bool(row.get("is_disposable"))
        verdict = "a" if flagged else "not a"
        return f"email domain {row['email_domain']} is {verdict} disposable-mail service"
    if name == "fit.competitor":
        return f"email domain {row['email_domain']} is a competitor's"
    if name == "fit.bounced":
        return f"email status {row['email_status'] if pd.notna(row['email_status']) else 'unknown'}"
    if name.startswith("fit.rule."):
        rule = next(r for r in fit.rules if r.label == name.removeprefix("fit.rule."))
        return f"rule {rule.label}: {rule.field} {rule.op} {rule.value if rule.value is not None else ''}".rstrip()
    if name.startswith("engagement.") and name != "engagement.cap":
        kind = name.removeprefix("engagement.")
        rule = config.engagement[kind]
        return (
            f"{int(row['events.' + kind])} × {kind} at {_pts(rule.points)} pts, "
            f"decayed to {row['decayed.' + kind]:.2f} (half-life "
            f"{_pts(config.window.half_life_days)} d), capped at {_pts(rule.cap)}"
        )
    if name == "engagement.cap":
        return f"engagement capped at {_pts(config.contact.engagement_max)} points"
    return "score kept within 0–100"


def explain_contact(store: GraphStore, contact_id: str) -> dict[str, Any]:
    """``{"id", "score", "contributions": [{"name", "points", "detail"}]}`` for one contact."""
    config, as_of = _last_run(store)
    contact = store.table("contacts", pd.Series([contact_id]))
    if contact.empty:
        raise NotFoundError(f"No contact {contact_id!r}; list them with 'abmgraph contacts'.")
    account_id = contact["account_id"].iloc[0]
    if pd.isna(account_id):
        as_of = _scored_at(store, "contacts", "contact_id", [contact_id], as_of)[contact_id]
    else:  # a contact is scored with its account
        as_of = _scored_at(store, "accounts", "account_id", [account_id], as_of)[account_id]
    result = score_graph(
        store, config, as_of, None if pd.isna(account_id) else [account_id], [contact_id]
    )
    row = result.contacts.iloc[0]
    facts = contact.iloc[0]
    summary = result.summary
    for _, event in summary.iterrows():  # one contact: a handful of rows
        row[f"events.{event['type']}"] = event["events"]
        row[f"decayed.{event['type']}"] = event["decayed"]
    merged = pd.concat([row, facts[~facts.index.isin(row.index)]])
    names = contribution_columns(result.contacts, ("fit.", "engagement.", "clamp"))
    contributions = [
        {"name": n, "points": float(row[n]), "detail": _contact_detail(n, merged, config)}
        for n in names
        if n.startswith("fit.") or row[n] != 0
    ]
    return {"id": contact_id, "score": float(row["score"]), "contributions": contributions}


def _account_detail(
    name: str,
    row: pd.Series,
    facts: pd.Series,
    config: ScoringConfig,
    topics: list[str],
    labels: Mapping[str, str],
) -> str:
    section = config.account
    fit = section.fit
    weight = f" × fit weight {_pts(section.fit_weight)}"
    if name == "fit.industry":
        return f"industry {facts['industry']!s}" + weight
    if name == "fit.employees":
        return (
            f"{facts['employees']!s} employees (ICP {fit.employees_min:,}–{fit.employees_max:,})"
            + weight
        )
    if name == "fit.revenue":
        revenue = facts["annual_revenue"]
        shown = f"{revenue:,.0f}" if pd.notna(revenue) else "unknown"
        return (
            f"annual revenue {shown} (ICP {fit.revenue_min:,.0f}–{fit.revenue_max:,.0f})" + weight
        )
    if name == "fit.country":
        return f"country {facts['country']!s}" + weight
    if name == "fit.technologies":
        return f"technologies {facts['technologies']!s}" + weight
    if name == "fit.intent":
        named = f": {', '.join(topics)}" if topics else ": none"
        return (
            f"intent topics at or above {_pts(fit.intent_threshold)} in the last "
            f"{_pts(fit.intent_days)} days{named}" + weight
        )
    if name.startswith("fit.rule."):
        rule = next(r for r in fit.rules if r.label == name.removeprefix("fit.rule."))
        return (
            f"rule {rule.label}: {rule.field} {rule.op} {rule.value if rule.value is not None else ''}".rstrip()
            + weight
        )
    if name == "fit.cap":
        return "account fit kept within 0–100" + weight
    weight = f" × engagement weight {_pts(section.engagement_weight)}"
    details = {
        "committee.volume": f"{row['weighted_engagement']:.1f} seniority-weighted engagement points, "
        f"at most {_pts(section.committee.per_contact_cap)} per contact",
        "committee.multithreading": f"{row['engaged_contacts']} engaged contacts",
        "committee.cross_functional": f"{row['departments_engaged']} departments engaged",
        "committee.role_coverage": f"covers {', '.join(row['roles_covered']) or 'no required role'}; "
        f"missing {', '.join(row['missing_roles']) or 'none'}",
        "committee.seniority": f"summed seniority weight {row['seniority_weight']:.2f}",
        "committee.recency": f"{row['recent_points']:.0f} points in the last "
        f"{_pts(config.window.recent_days)} days vs {row['prior_points']:.0f} in the "
        f"{_pts(config.window.prior_days)} before",
        **_activity_details(row, config),
    }
    if name.startswith("graph."):
        return graph_detail(name, row, config, labels) + weight
    return details[name] + weight


def _activity_details(row: pd.Series, config: ScoringConfig) -> dict[str, str]:
    committee, window = config.account.committee, config.window
    return {
        "committee.events": f"{row['decayed_events']:.1f} events after a "
        f"{_pts(window.half_life_days)}-day half-life, full points at "
        f"{_pts(committee.events_scale)}",
        "committee.recent_events": f"{row['recent_events']:.0f} events in the last "
        f"{_pts(window.recent_days)} days, full points at {_pts(committee.recent_events_scale)}",
        "committee.people": f"{row['active_people']:.0f} contacts with an event in the last "
        f"{_pts(window.lookback_days)} days, full points at {_pts(committee.people_scale)}",
        "committee.trend": f"{row['rising_events']:.1f} events above the pace of the "
        f"{_pts(window.prior_days)} days before the last {_pts(window.recent_days)}, "
        f"full points at {_pts(committee.trend_scale)}",
    }


def _intent_topics(
    store: GraphStore, account_ids: list[str], config: ScoringConfig, as_of: pd.Timestamp
) -> dict[str, list[str]]:
    """The topics that earned each account its intent points (as account fit counts them).

    Each as ``topic (score)`` with its highest score in the window, the
    highest first (ties by topic).
    """
    fit = config.account.fit
    intent = store.table(
        "intent",
        pd.Series(account_ids, dtype="str"),
        ["account_id", "topic", "score", "observed_at"],
    )
    seen = intent[
        (intent["observed_at"] <= as_of)
        & (intent["observed_at"] >= as_of - pd.Timedelta(days=fit.intent_days))
        & (intent["score"] >= fit.intent_threshold)
    ]
    best = (
        seen.groupby(["account_id", "topic"], as_index=False)["score"]
        .max()
        .sort_values(["account_id", "score", "topic"], ascending=[True, False, True])
    )
    named = best["topic"].astype("str") + " (" + best["score"].map(_pts).astype("str") + ")"
    return {str(a): list(topics) for a, topics in named.groupby(best["account_id"], sort=False)}


def explain_accounts(store: GraphStore, account_ids: list[str]) -> list[dict[str, Any]]:
    """``explain_account`` for many accounts at once, in the order given.

    One re-scoring of all of them (scores are per account, so each is its
    stored one): a report of hundreds of accounts reads the store once.

    Raises
    ------
    NotFoundError
        An account is not in the store.
    """
    config, as_of = _last_run(store)
    ids = list(dict.fromkeys(account_ids))
    facts = store.table("accounts", pd.Series(ids, dtype="str"))
    unknown = sorted(set(ids) - set(facts["account_id"]))
    if unknown:
        shown = ", ".join(repr(a) for a in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise NotFoundError(f"No account {shown}; list them with 'abmgraph accounts'.")
    if not ids:
        return []
    instants = _scored_at(store, "accounts", "account_id", ids, as_of)
    parts, topics = [], {}
    # One re-scoring per instant the accounts were scored at (one, or a few).
    for instant, group in pd.Series(instants).groupby(lambda a: instants[a], sort=False):
        parts.append(score_graph(store, config, instant, list(group.index)).accounts)
        topics.update(_intent_topics(store, list(group.index), config, instant))
    names = contribution_columns(parts[0], ("fit.", "committee.", "graph."))
    scored = pd.concat(parts).set_index("account_id")
    labels = graph_labels(store, scored)
    facts = facts.set_index("account_id", drop=False)
    out = []
    for account_id in ids:  # one row per account asked about, not per event
        row, fact = scored.loc[account_id], facts.loc[account_id]
        mine = topics.get(account_id, [])
        contributions = [
            {
                "name": n,
                "points": float(row[n]),
                "detail": _account_detail(n, row, fact, config, mine, labels),
            }
            for n in names
            if n not in ("fit.cap", "graph.cap") or row[n] != 0
        ]
        out.append(
            {"id": account_id, "score": float(row["priority"]), "contributions": contributions}
        )
    return out


def explain_account(store: GraphStore, account_id: str) -> dict[str, Any]:
    """``{"id", "score", "contributions": [{"name", "points", "detail"}]}`` for one account."""
    return explain_accounts(store, [account_id])[0]
