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

__all__ = ["IDENTITY", "collision_error"]

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


def _shown(event_id: Any) -> str:
    return "none" if event_id is None or pd.isna(event_id) else repr(str(event_id))
