"""Weights back into a scoring config: points on the config's 0–100 scale.

``logistic_points`` scales a fitted model's coefficients so the training
population spans 0–100 without clamping (a ``base`` rule carries the
offset every record starts from); ``rate_points`` is the manual method of
putting each attribute's conversion rate into points. ``write_points`` puts
the points where the engine reads them — engagement points and caps,
seniority and fit points, account fit and committee points, attribute rules
— and returns a validated config.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from abmgraph.evaluation.features import Feature
from abmgraph.evaluation.outcomes import Level
from abmgraph.scoring.config import ScoringConfig, config_from_dict

__all__ = ["ENGAGEMENT_TARGETS", "logistic_points", "rate_points", "write_points"]

BASE_LABEL = "base"


# Features whose points are engagement points: the committee's and the graph's.
ENGAGEMENT_TARGETS = ("committee", "graph")


def _parts(features: list[Feature]) -> tuple[np.ndarray, np.ndarray]:
    engaged = np.array([f.target[0] in ENGAGEMENT_TARGETS for f in features], dtype=bool)
    return ~engaged, engaged


def logistic_points(
    coef: np.ndarray, x: np.ndarray, features: list[Feature], config: ScoringConfig, level: Level
) -> tuple[np.ndarray, float]:
    """Points per feature (contributions to the final score) and the base every record gets.

    The scale is the largest that keeps every training record within 0–100
    and, for accounts, keeps the fit sum within 0–100 and the committee
    points within 100, as the config requires.
    """
    fit_part, committee = _parts(features)
    fit_sum = x[:, fit_part] @ coef[fit_part]
    engaged = x[:, committee] @ coef[committee]
    spread = fit_sum - fit_sum.min() + engaged
    limits = [100.0 / spread.max()] if spread.max() > 0 else [1.0]
    if level == "account":
        section = config.account
        fit_range = fit_sum.max() - fit_sum.min()
        if fit_range > 0:
            limits.append(100.0 * section.fit_weight / fit_range)
        committee_total = coef[committee].sum()
        if committee_total > 0:
            limits.append(100.0 * section.engagement_weight / committee_total)
    scale = min(limits)
    return coef * scale, float(-scale * fit_sum.min())


def rate_points(x: np.ndarray, y: np.ndarray, features: list[Feature]) -> tuple[np.ndarray, float]:
    """Seed 004's manual method: points from each attribute's conversion rate, in percent.

    Every record starts at the overall conversion rate; holding an attribute
    adds how much better (or worse) its holders convert, in percentage
    points. Steps of a numeric ladder add the rise from the step below.
    Sign constraints hold: a positive engagement type never loses points.
    """
    y = np.asarray(y, dtype=float)
    base = float(y.mean())
    present = x > 0
    counts = present.sum(axis=0)
    rates = np.divide(present.T @ y, counts, out=np.full(len(features), base), where=counts > 0)
    below = np.full(len(features), base)
    ladders: dict[str, list[int]] = defaultdict(list)
    for index, feature in enumerate(features):
        if feature.rule and feature.rule["op"] == "gte":
            ladders[feature.rule["field"]].append(index)
    for steps in ladders.values():
        steps.sort(key=lambda i: features[i].rule["value"])
        below[steps[1:]] = rates[steps[:-1]]
    points = 100.0 * (rates - below)
    signs = np.array([f.sign for f in features])
    points = np.where(
        signs > 0, np.maximum(points, 0), np.where(signs < 0, np.minimum(points, 0), points)
    )
    return points, 100.0 * base


def _round(value: float, digits: int) -> float:
    rounded = round(float(value), digits)
    return 0.0 if rounded == 0 else rounded


def write_points(
    config: ScoringConfig,
    features: list[Feature],
    points: np.ndarray,
    base: float,
    level: Level,
    *,
    units: np.ndarray | None = None,
    digits: int = 0,
) -> ScoringConfig:
    """A copy of ``config`` with each feature's points (rounded to ``digits``) written in.

    ``points`` are contributions to the final score; for accounts they are
    divided by the fit or engagement weight the engine multiplies them by.
    ``units`` overrides each capped feature's saturation (cap ÷ points).
    """
    data: dict[str, Any] = config.model_dump(mode="json")
    contact_fit = data["contact"]["fit"]
    account = data["account"]
    weights = {
        "fit": account["fit_weight"] or 1.0,
        "committee": account["engagement_weight"] or 1.0,
    }
    rules: dict[str, list[dict[str, Any]]] = {
        "contact": contact_fit["rules"],
        "account": account["fit"]["rules"],
    }
    new_rules: dict[str, list[dict[str, Any]]] = {"contact": [], "account": []}
    for index, (feature, value) in enumerate(zip(features, points, strict=True)):
        kind = feature.target[0]
        saturation = feature.units if units is None else float(units[index])
        if kind == "engagement":
            p = _round(value, digits)
            data["engagement"][feature.target[1]] = {"points": p, "cap": _round(p * saturation, 2)}
        elif kind == "contact_fit":
            key, *sub = feature.target[1:]
            if sub:
                contact_fit[key][sub[0]] = _round(value, digits)
            else:
                contact_fit[key] = _round(value, digits)
        elif kind == "account_fit":
            p = _round(value / weights["fit"], digits)
            setting = feature.target[1]
            account["fit"][setting] = p
            cap = {"technology_points": "technology_cap", "intent_points": "intent_cap"}.get(
                setting
            )
            if cap:
                account["fit"][cap] = _round(p * saturation, 2)
        elif kind in ENGAGEMENT_TARGETS:
            # Rounded down, so points that add up to 100 never round past it.
            step = 10.0**-digits
            points_down = _round(
                np.floor(value / weights["committee"] / step + 1e-9) * step, digits
            )
            if feature.target == ("graph", "family"):
                # A share of the relative's engagement (0–100) that never reaches its cap.
                account["graph"]["family_points"] = points_down
                account["graph"]["family_share"] = points_down / 100.0
            else:
                account[kind][feature.target[1]] = points_down
        elif kind == "rule":
            where, position = feature.target[1], feature.target[2]
            divisor = weights["fit"] if where == "account" else 1.0
            p = _round(value / divisor, digits)
            if position == "new":
                if p:
                    new_rules[where].append({**feature.rule, "points": p})
            else:
                rules[where][int(position)]["points"] = p
    where = level
    id_field = "account_id" if level == "account" else "contact_id"
    divisor = weights["fit"] if level == "account" else 1.0
    kept = [r for r in rules[where] if r["label"] != BASE_LABEL]
    start = _round(base / divisor, digits)
    # "id is not empty" holds for every record; unlike op present it renders as TOML.
    base_rule = [{"label": BASE_LABEL, "field": id_field, "op": "ne", "value": "", "points": start}]
    rules[where][:] = kept + new_rules[where] + (base_rule if start else [])
    other = "contact" if level == "account" else "account"
    rules[other].extend(new_rules[other])
    if level == "contact":
        # Calibrated engagement points carry their own caps; the overall cap should not bind.
        data["contact"]["engagement_max"] = max(100.0, data["contact"]["engagement_max"])
    calibrated = config_from_dict(data, source="the calibrated config")
    return calibrated.model_copy(update={"audiences": config.audiences})
