"""``abmgraph surging``: accounts surging on first-party engagement, on intent, or on both.

First-party: engagement points in the last days against the days before.
The counting happens in the store: on Neo4j one Cypher aggregation per
account, on the embedded store the columnar ``engagement_summary`` rolled up
to accounts. Both weigh each event by its type's points in the scoring
config (positive types only, no decay) and use the same window edges.
Intent: topics whose score rose by the config's ``intent.surge_points`` over
its ``intent.surge_weeks`` (see ``abmgraph.queries.intent``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.graph.store import EventWindow, GraphStore
from abmgraph.idsets import among
from abmgraph.queries.engine import named_query, records, scored_config
from abmgraph.queries.intent import intent_surges
from abmgraph.scoring.engine import parse_as_of
from abmgraph.scoring.intent_settings import IntentSection

__all__ = ["SURGE_KEYS", "account_surge", "surge_window", "surging"]

SURGE_KEYS = [
    "account_id",
    "name",
    "priority",
    "tier",
    "recent_points",
    "prior_points",
    "change",
    "change_pct",
    "recent_events",
    "prior_events",
    "recent_contacts",
    "prior_contacts",
    "surge",
    "intent_rise",
    "intent_topics",
]
_COUNTS = SURGE_KEYS[8:12]


def surge_window(as_of: pd.Timestamp, days: float) -> EventWindow:
    """The last ``days`` days up to ``as_of`` against the ``days`` before them."""
    return EventWindow(
        as_of=as_of, lookback_days=2 * days, half_life_days=days, recent_days=days, prior_days=days
    )


@named_query("account_surge")
def account_surge(
    store: Any,
    *,
    as_of_us: int,
    start_us: int,
    recent_days: float,
    both_days: float,
    points: dict[str, float],
) -> list[dict[str, Any]]:
    """Per account (by account_id): events, points and contacts in the recent and prior windows.

    The same window edges and ages as ``engagement_summary``, read for the
    two windows only and aggregated with integer codes and ``bincount``.
    """
    events = store.events(
        ["contact_id", "type", "occurred_at"],
        pd.Timestamp(start_us, unit="us", tz="UTC"),
        pd.Timestamp(as_of_us, unit="us", tz="UTC"),
    )
    if not events.num_rows:
        return []
    kind = events.column("type").combine_chunks().dictionary_encode()
    weights = np.array([points.get(t, np.nan) for t in kind.dictionary.to_pylist()] + [np.nan])
    weight = weights[kind.indices.fill_null(len(weights) - 1).to_numpy()]
    counted = ~np.isnan(weight)
    micros = events.column("occurred_at").cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    age_days = (as_of_us - micros.to_numpy()[counted]) / 86_400_000_000.0
    recent = age_days < recent_days
    prior = ~recent & (age_days < both_days)
    weight = weight[counted]

    # Events -> their contact -> the contact's account, all as integer codes.
    contact = events.column("contact_id").filter(pa.array(counted)).combine_chunks()
    contact = contact.dictionary_encode()
    ids = contact.dictionary.to_pandas()
    people = store.select("contacts", ["contact_id", "account_id"], where=("contact_id", ids))
    known = store.select("accounts", ["account_id"])
    people = people[among(people["account_id"], known["account_id"])]
    # Each event contact's employer, missing when the contact or the account is unknown.
    row_of = pc.index_in(contact.dictionary, value_set=pa.array(people["contact_id"]))
    employer = pa.array(people["account_id"]).take(row_of).to_pandas()
    account_codes, accounts = pd.factorize(employer)
    by_event = account_codes[contact.indices.to_numpy()]
    keep = by_event >= 0
    by_event, recent, prior, weight = by_event[keep], recent[keep], prior[keep], weight[keep]
    person = contact.indices.to_numpy()[keep]

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(by_event, weights=values, minlength=len(accounts))

    def contacts(window: np.ndarray) -> np.ndarray:
        """How many of each account's contacts have an event in the window."""
        active = np.zeros(len(ids), dtype=bool)
        active[person[window]] = True
        mine = account_codes >= 0
        return np.bincount(account_codes[mine], weights=active[mine], minlength=len(accounts))

    out = pd.DataFrame(
        {
            "account_id": accounts,
            "recent_events": total(recent.astype(float)).astype("int64"),
            "prior_events": total(prior.astype(float)).astype("int64"),
            "recent_points": total(np.where(recent, weight, 0.0)),
            "prior_points": total(np.where(prior, weight, 0.0)),
            "recent_contacts": contacts(recent).astype("int64"),
            "prior_contacts": contacts(prior).astype("int64"),
            "events": np.bincount(by_event, minlength=len(accounts)),
        }
    )
    out = out[out["events"] > 0].drop(columns="events")
    return records(out.sort_values("account_id", kind="stable"))


def surging(
    store: GraphStore,
    days: float = 14,
    as_of: Any = None,
    limit: int | None = 20,
    intent: IntentSection | None = None,
) -> list[dict[str, Any]]:
    """Accounts surging on first-party engagement, on intent topics, or on both.

    First-party: engagement points rose in the last ``days`` against the
    ``days`` before. Intent: a topic's score rose by ``intent.surge_points``
    over the last ``intent.surge_weeks`` weeks (defaults of
    ``IntentSection``). ``as_of`` defaults to the instant of the last scoring
    run. Rows have ``SURGE_KEYS``: ``change`` is recent minus prior points,
    ``change_pct`` the rise against the prior window (None when it was
    empty); ``surge`` says which surge (``first_party``, ``intent`` or
    ``both``), ``intent_rise`` sums the surging topics' rises and
    ``intent_topics`` names them.

    Each surge is measured against the largest of its kind: the largest
    first-party change counts 1, half of it 0.5; the same for intent rises.
    Accounts rank by the two shares added (so one surging on both leads at
    like strength); ties: larger change, more recent points, then id.

    Raises
    ------
    StoreError
        Nothing is scored yet (the event points come from the scoring config).
    """
    config = scored_config(store)
    meta = store.score_meta() or {}
    instant = parse_as_of(as_of if as_of is not None else meta.get("as_of"))
    window = surge_window(instant, days)
    points = {t: float(rule.points) for t, rule in config.engagement.items() if rule.points > 0}
    found = account_surge(
        store,
        as_of_us=window.as_of.value // 1000,
        start_us=window.start.value // 1000,
        recent_days=float(days),
        both_days=float(2 * days),
        points=points,
    )
    topics = intent_surges(store, instant, intent or IntentSection())
    # Only accounts that rose or surged on intent are shown: the others need no row.
    counts = {
        r["account_id"]: _counted(r)
        for r in found
        if r["recent_points"] > r["prior_points"] or r["account_id"] in topics
    }
    rising = {a for a, r in counts.items() if r["change"] > 0}
    top_change = max((counts[a]["change"] for a in rising), default=0.0)
    top_rise = max((t["intent_rise"] for t in topics.values()), default=0.0)
    out = []
    for account_id in rising | set(topics):
        row = counts.get(account_id) or _counted({"account_id": account_id})
        mine = topics.get(account_id, {"intent_rise": 0.0, "intent_topics": []})
        first_party, by_intent = account_id in rising, account_id in topics
        share = (row["change"] / top_change if first_party else 0.0) + (
            mine["intent_rise"] / top_rise if by_intent else 0.0
        )
        kind = "both" if first_party and by_intent else "first_party" if first_party else "intent"
        out.append((share, {**row, **mine, "surge": kind}))
    out.sort(key=lambda s: (-s[0], -s[1]["change"], -s[1]["recent_points"], s[1]["account_id"]))
    shown = [row for _, row in (out if limit is None else out[:limit])]
    # Names and priorities are looked up for the accounts shown only.
    names = _names(store, [r["account_id"] for r in shown])
    unknown = {"name": None, "priority": None, "tier": None}
    shown = [{**names.get(r["account_id"], unknown), **r} for r in shown]
    return [{k: r[k] for k in SURGE_KEYS} for r in shown]


def _counted(row: dict[str, Any]) -> dict[str, Any]:
    """One ``account_surge`` row (zeros where missing) with its points rounded and compared."""
    recent = round(row.get("recent_points", 0.0), 2)
    prior = round(row.get("prior_points", 0.0), 2)
    change = round(recent - prior, 2)
    return {
        **{k: row.get(k, 0) for k in _COUNTS},
        "account_id": row["account_id"],
        "recent_points": recent,
        "prior_points": prior,
        "change": change,
        "change_pct": round(100 * change / prior, 1) if prior else None,
    }


def _names(store: GraphStore, account_ids: list[str]) -> dict[str, dict[str, Any]]:
    facts = store.table("accounts", pd.Series(account_ids, dtype="str"))[["account_id", "name"]]
    scores = store.scores("accounts")
    if not scores.empty:
        facts = facts.merge(scores[["account_id", "priority", "tier"]], on="account_id", how="left")
    else:
        facts = facts.assign(priority=None, tier=None)
    return {r["account_id"]: r for r in records(facts)}
