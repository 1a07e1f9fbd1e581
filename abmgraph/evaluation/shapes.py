"""Saturation shapes calibration chooses between: the configured one, and wider ones.

The committee components saturate (capped events per contact, a per-contact
cap, components that flatten), which throws away volume where volume is what
predicts. A wider shape moves every saturation further away, so volume,
recent events and engaged people keep counting; calibration keeps one only
when the training records' own cross-validation folds rank better by more
than ``SHAPE_MARGIN``.
"""

from __future__ import annotations

from typing import Any

from abmgraph.scoring.config import ScoringConfig, config_from_dict

__all__ = ["SHAPE_FACTORS", "SHAPE_MARGIN", "widened"]

SHAPE_FACTORS = (1.0, 4.0, 16.0)
SHAPE_MARGIN = 0.005


def widened(config: ScoringConfig, factor: float) -> ScoringConfig:
    """``config`` with every saturation ``factor`` times further away (1: unchanged).

    Positive engagement caps, the most engagement points a contact earns, the
    per-contact cap of committee volume and the committee's saturation scales
    (volume, multi-threading, cross-functional, seniority, recency) are all
    multiplied, so volume, recent events and engaged people keep counting
    where the configured shape has flattened. Points are untouched.
    """
    if factor == 1.0:
        return config
    data: dict[str, Any] = config.model_dump(mode="json")
    for rule in data["engagement"].values():
        if rule["points"] > 0:
            rule["cap"] = rule["cap"] * factor
    data["contact"]["engagement_max"] *= factor
    committee = data["account"]["committee"]
    for key in (
        "per_contact_cap",
        "volume_scale",
        "multithreading_scale",
        "cross_functional_scale",
        "seniority_scale",
        "recency_scale",
    ):
        committee[key] *= factor
    shaped = config_from_dict(data, source="the widened config")
    return shaped.model_copy(update={"audiences": config.audiences})
