"""Intent-topic settings of the scoring config: when a topic's rise is a surge.

A topic surges when its score rose by at least ``surge_points`` over the
last ``surge_weeks`` weeks: its latest score against its score at the start
of those weeks (nothing seen by then counts as 0, so a topic first seen
lately rose from nothing). ``abmgraph intent`` marks surging topics and
``abmgraph surging`` ranks accounts by them beside first-party surges. The
settings change no score, so they stay out of the config fingerprint.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["IntentSection"]


class IntentSection(BaseModel):
    """Intent topics: how much of a rise over how many weeks is a surge."""

    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)

    surge_points: float = Field(
        30, gt=0, le=100, description="Rise of a topic's score (0–100) that is a surge."
    )
    surge_weeks: int = Field(
        4, ge=1, le=520, description="Weeks over which a topic's rise is measured."
    )
