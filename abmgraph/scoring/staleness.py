"""Stale scoring: an ``as_of`` whose look-back window holds no event scores every engagement 0.

That happens when the data is older than the window (an export from last
year scored as of today) or newer than ``as_of`` (a mistyped date). Scores
are still right for that instant, but rarely what was meant, so scoring says
so and names the ``--as-of`` that sees the newest event.
"""

from __future__ import annotations

import pandas as pd

from abmgraph.graph.store import EventWindow, GraphStore

__all__ = ["newest_event", "stale_window_warning"]

# A window that holds every event a store can hold (pandas timestamps end in 2262).
_EVERYTHING = EventWindow(pd.Timestamp("2200-01-01", tz="UTC"), 400 * 365.25, 30.0, 1.0, 1.0)


def newest_event(store: GraphStore) -> pd.Timestamp | None:
    """When the store's newest engagement happened; None when it holds none."""
    if store.event_count() == 0:
        return None
    last = store.engagement_summary(_EVERYTHING)["last_at"]
    return None if last.empty or last.isna().all() else pd.Timestamp(last.max())


def stale_window_warning(
    store: GraphStore, summary: pd.DataFrame, as_of: pd.Timestamp, lookback_days: float
) -> str | None:
    """A warning when events exist but none falls in ``(as_of - lookback_days, as_of]``.

    ``summary`` is the engagement summary scoring used (empty when the
    window held no event). The store is asked for its newest event only then.
    """
    if not summary.empty:
        return None
    newest = newest_event(store)
    if newest is None:
        return None
    days = f"{lookback_days:g}"
    where = "after --as-of" if newest > as_of else "older than the window"
    return (
        f"no engagement event falls in the {days}-day look-back window before --as-of "
        f"{as_of:%Y-%m-%d}, so every engagement score is 0. The newest event is from "
        f"{newest:%Y-%m-%d} ({where}): score with --as-of {newest:%Y-%m-%d} to see it, "
        "or widen window.lookback_days in the config."
    )
