"""``abmgraph intent``: each account's intent topics with score, first and last seen and trend.

A topic's trend is its latest score against its score ``surge_weeks`` weeks
before ``as_of`` (the last observation at or before then; a topic not seen by
then counts from 0). A trend of at least ``surge_points`` is a surge. On
Neo4j the observations are walked in Cypher (``SHOWS_INTENT``), on the
embedded store the intent table is grouped with pandas; both give the same
rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from abmgraph.graph.store import GraphStore
from abmgraph.idsets import among
from abmgraph.queries.engine import account_row, named_query, records
from abmgraph.scoring.engine import parse_as_of
from abmgraph.scoring.intent_settings import IntentSection

__all__ = ["INTENT_KEYS", "intent_surges", "intent_topics", "topic_history"]

INTENT_KEYS = [
    "account_id",
    "name",
    "topic",
    "score",
    "previous_score",
    "trend",
    "surge",
    "first_seen",
    "last_seen",
    "observations",
]
_WEEK_US = 7 * 86_400_000_000


@named_query("intent_topics")
def topic_history(
    store: Any, *, account_ids: list[str] | None, as_of_us: int, since_us: int
) -> list[dict[str, Any]]:
    """Per (account, topic) seen by ``as_of_us``: latest score, first and last seen, count,
    and the latest score at or before ``since_us`` (None when not seen by then).

    Only observations of stored accounts count (as ``SHOWS_INTENT`` exists
    only for them on Neo4j). Rows by account_id, then topic.
    """
    ids = None if account_ids is None else pd.Series(account_ids, dtype="str")
    intent = store.table("intent", ids, columns=["account_id", "topic", "score", "observed_at"])
    known = store.table("accounts", ids, columns=["account_id"])["account_id"]
    intent = intent[among(intent["account_id"], known)].dropna(subset=["topic", "observed_at"])
    seen_us = intent["observed_at"].dt.tz_convert("UTC").astype("datetime64[us, UTC]")
    frame = (
        intent.assign(seen_us=seen_us.astype("int64"))
        .loc[lambda f: f["seen_us"] <= as_of_us, ["account_id", "topic", "seen_us", "score"]]
        .sort_values(["account_id", "topic", "seen_us"], kind="stable")
    )
    if frame.empty:
        return []
    groups = frame.groupby(["account_id", "topic"], sort=True)
    out = groups.agg(
        score=("score", "last"),
        first_us=("seen_us", "first"),
        last_us=("seen_us", "last"),
        observations=("seen_us", "size"),
    )
    before = frame[frame["seen_us"] <= since_us].groupby(["account_id", "topic"])["score"].last()
    out["previous_score"] = before.reindex(out.index)
    return records(out.reset_index())


def _instant(store: GraphStore, as_of: Any) -> pd.Timestamp:
    """``as_of``, else the last scoring's instant, else now."""
    if as_of is None:
        as_of = (store.score_meta() or {}).get("as_of")
    return parse_as_of(as_of)


def _trends(
    store: GraphStore,
    account_ids: list[str] | None,
    instant: pd.Timestamp,
    surge: IntentSection,
) -> pd.DataFrame:
    """``topic_history`` as a frame with ``trend`` and ``surge`` columns."""
    as_of_us = instant.value // 1000
    found = topic_history(
        store,
        account_ids=account_ids,
        as_of_us=as_of_us,
        since_us=as_of_us - surge.surge_weeks * _WEEK_US,
    )
    columns = [
        "account_id",
        "topic",
        "score",
        "first_us",
        "last_us",
        "observations",
        "previous_score",
    ]
    frame = pd.DataFrame(found, columns=columns)
    score = frame["score"].astype("float64")
    previous = frame["previous_score"].astype("float64")
    trend = (score - previous.fillna(0.0)).round(2)
    return frame.assign(
        score=score.round(2),
        previous_score=previous.round(2),
        trend=trend,
        surge=trend >= surge.surge_points,
    )


def intent_topics(
    store: GraphStore,
    account_id: str | None = None,
    *,
    as_of: Any = None,
    surge: IntentSection | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Intent topics of one account (or of every account) as of ``as_of``.

    ``as_of`` defaults to the last scoring's instant (now when nothing is
    scored). Rows have ``INTENT_KEYS``: ``score`` is the latest observed
    score, ``previous_score`` the latest at or before ``surge.surge_weeks``
    weeks earlier (None when the topic was not seen by then), ``trend`` the
    rise since (from 0 when not seen), ``surge`` whether the trend reaches
    ``surge.surge_points``; ``first_seen`` and ``last_seen`` are ISO 8601 UTC.
    The largest rise first (ties: higher score, then account, then topic).

    Raises
    ------
    NotFoundError
        ``account_id`` is not in the store.
    StoreError
        ``as_of`` is not a date.
    """
    surge = surge or IntentSection()
    instant = _instant(store, as_of)
    name = None
    if account_id is not None:
        name = account_row(store, account_id).get("name")
    frame = _trends(store, None if account_id is None else [account_id], instant, surge)
    frame = frame.sort_values(
        ["trend", "score", "account_id", "topic"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    if limit is not None:
        frame = frame.head(limit)
    if account_id is None:
        facts = store.table(
            "accounts", pd.Series(frame["account_id"].unique(), dtype="str"), ["account_id", "name"]
        )
        names = frame["account_id"].map(facts.set_index("account_id")["name"])
    else:
        names = pd.Series(name, index=frame.index, dtype="object")

    def iso(micros: pd.Series) -> pd.Series:
        stamps = pd.to_datetime(micros.astype("int64"), unit="us", utc=True)
        return pd.Series([s.isoformat() for s in stamps], index=micros.index, dtype="object")

    frame = frame.assign(
        name=names,
        first_seen=iso(frame["first_us"]),
        last_seen=iso(frame["last_us"]),
        observations=frame["observations"].astype("int64"),
    )
    return records(frame[INTENT_KEYS])


def intent_surges(
    store: GraphStore, as_of: pd.Timestamp, surge: IntentSection
) -> dict[str, dict[str, Any]]:
    """Accounts with a surging topic: ``{account_id: {"intent_rise", "intent_topics"}}``.

    ``intent_rise`` sums the surging topics' rises; ``intent_topics`` names
    them, the largest rise first (ties by name).
    """
    frame = _trends(store, None, as_of, surge)
    surging = frame[frame["surge"]].sort_values(
        ["account_id", "trend", "topic"], ascending=[True, False, True], kind="stable"
    )
    accounts = surging["account_id"].to_numpy()
    if not len(accounts):
        return {}
    # Sorted by account: each account's topics are one run of rows.
    starts = np.flatnonzero(np.r_[True, accounts[1:] != accounts[:-1]])
    rises = np.add.reduceat(surging["trend"].to_numpy(dtype="float64"), starts).round(2)
    topics = np.split(surging["topic"].to_numpy(dtype=object), starts[1:])
    return {
        str(accounts[start]): {"intent_rise": float(rise), "intent_topics": [str(t) for t in names]}
        for start, rise, names in zip(starts, rises, topics, strict=True)
    }
