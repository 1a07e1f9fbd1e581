"""What makes two events with one key the same event, and the error when they are not.

An event's key is a 64-bit hash of its ``event_id`` or, without one, of the
fields below; such a hash can be forced to collide on purpose. Every store
therefore compares a new event with the stored event of the same key: a
re-ingest of that event is skipped quietly, anything else is refused.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from abmgraph.errors import StoreError
from abmgraph.graph.changelog import same_values

__all__ = ["IDENTITY", "collision_error", "compared_columns", "refuse_other_events"]

# What an event's key is derived from: two events with one key must agree on these.
IDENTITY = ("event_id", "contact_id", "type", "occurred_at", "asset", "campaign", "channel")


def collision_error(count: int, given: Any, stored: Any) -> StoreError:
    """The error for ``count`` events whose key is a stored key of another event.

    ``given`` and ``stored`` are the event ids of the first such pair (None,
    or a missing value, for an event without one).

    Examples
    --------
    >>> str(collision_error(1, "E2", "E1")).split(":")[0]
    "1 event(s) have the key of a different stored event (event_id 'E2' against the stored 'E1')"
    """
    return StoreError(
        f"{count} event(s) have the key of a different stored event "
        f"(event_id {_shown(given)} against the stored {_shown(stored)}): event keys were "
        "made to collide. Nothing was loaded; check where the file came from."
    )


def compared_columns(matched: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``matched`` events (with an ``event_id`` column) and the columns that tell them apart."""
    if "event_id" not in matched.columns:
        matched = matched.assign(event_id=pd.Series(pd.NA, index=matched.index, dtype="str"))
    present = [c for c in IDENTITY if c in matched.columns]
    if matched["event_id"].notna().all():
        present = ["event_id"]  # keys of ids: the ids alone tell events apart
    return matched, present


def refuse_other_events(matched: pd.DataFrame, stored: pd.DataFrame, present: list[str]) -> None:
    """Raise when a ``matched`` event differs from the ``stored`` event of its key.

    Both frames hold ``event_key`` and the ``present`` columns (see
    ``compared_columns``): the same event_id, or for events without one the
    same fields the key was derived from, make a re-ingest of that event.
    """
    stored = stored.drop_duplicates("event_key")
    pairs = matched[["event_key", *present]].merge(stored, on="event_key", suffixes=("", "_stored"))
    by_id = (pairs["event_id"].notna() | pairs["event_id_stored"].notna()).to_numpy()
    differs = by_id & ~same_values(pairs["event_id"], pairs["event_id_stored"])
    if not by_id.all():  # keys derived from the fields: those must agree
        derived = pairs[~by_id]
        for column in present:
            if column != "event_id":
                differs[~by_id] |= ~same_values(derived[column], derived[f"{column}_stored"])
    if differs.any():
        first = pairs[differs].iloc[0]
        raise collision_error(int(differs.sum()), first["event_id"], first["event_id_stored"])


def _shown(event_id: Any) -> str:
    return "none" if event_id is None or pd.isna(event_id) else repr(str(event_id))
