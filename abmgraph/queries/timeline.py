"""Engagement by week and type for a set of accounts: the report's timelines.

One named query for all the accounts asked about, so a report of two hundred
accounts reads the events once. Week 0 is the seven days up to ``as_of``
(inclusive), week 1 the seven before, and so on; the edges are the same on
both stores (integer division of the event's age in microseconds).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.graph.store import GraphStore
from abmgraph.queries.engine import named_query, records

__all__ = ["WEEK_US", "account_weeks", "weekly_engagement"]

WEEK_US = 7 * 86_400_000_000


@named_query("account_weeks")
def account_weeks(
    store: Any, *, account_ids: list[str], as_of_us: int, start_us: int
) -> list[dict[str, Any]]:
    """Rows ``account_id, week, type, events`` sorted by account, week and type."""
    events = store.events(
        ["contact_id", "type", "occurred_at"],
        pd.Timestamp(start_us, unit="us", tz="UTC"),
        pd.Timestamp(as_of_us, unit="us", tz="UTC"),
    )
    empty = pd.DataFrame({"account_id": [], "week": [], "type": [], "events": []})
    if not events.num_rows or not account_ids:
        return records(empty)
    people = store.select(
        "contacts", ["contact_id", "account_id"], where=("account_id", account_ids)
    )
    row_of = pc.index_in(events.column("contact_id"), value_set=pa.array(people["contact_id"]))
    mine = pc.is_valid(row_of)
    employer = pa.array(people["account_id"], type=pa.string()).take(row_of.filter(mine))
    micros = (
        events.column("occurred_at")
        .filter(mine)
        .cast(pa.timestamp("us", tz="UTC"))
        .cast(pa.int64())
    )
    frame = pd.DataFrame(
        {
            "account_id": employer.to_pandas(),
            "week": (as_of_us - micros.to_numpy()) // WEEK_US,
            "type": events.column("type").filter(mine).to_pandas(),
        }
    )
    counted = frame.groupby(["account_id", "week", "type"], sort=True).size()
    out = counted.rename("events").reset_index()
    out["week"] = out["week"].astype(np.int64)
    return records(out)


def weekly_engagement(
    store: GraphStore, account_ids: list[str], as_of: pd.Timestamp, weeks: int = 12
) -> dict[str, list[dict[str, Any]]]:
    """Per account: its ``week, type, events`` rows for the last ``weeks`` weeks up to ``as_of``.

    Accounts without an event in those weeks map to an empty list.
    """
    as_of_us = as_of.value // 1000
    rows = account_weeks(
        store,
        account_ids=list(account_ids),
        as_of_us=as_of_us,
        start_us=as_of_us - weeks * WEEK_US + 1,
    )
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in account_ids}
    for row in rows:
        out[row["account_id"]].append(
            {"week": int(row["week"]), "type": row["type"], "events": int(row["events"])}
        )
    return out
