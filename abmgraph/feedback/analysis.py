"""What sales did with the handovers: acceptance, rejection reasons, speed-to-lead.

Pure functions over the frame ``matching.handover_outcomes`` returns, with
the context columns the loader adds (``score``, ``tier``, ``source``,
``segment``). The definitions, as decided here:

- ``rejection_rate`` = rejected / handovers with a verdict (accepted,
  rejected or recycled); ``acceptance_rate`` likewise. A handover without a
  verdict is not counted against sales: it shows up as unanswered instead.
- Reasons are ranked over rejected handovers only, grouped case-insensitively
  (the first spelling seen is shown), and read into categories (``reasons``).
- Speed-to-lead is the time from the handoff instant to the first rep touch
  after it. ``median_minutes`` and ``p90_minutes`` (linear interpolation) are
  over the touched handovers; ``within_5_minutes``, ``within_1_hour`` and
  ``within_1_day`` are shares of *all* handovers, so a lead nobody touched
  counts as not handled in time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from abmgraph.feedback.reasons import SUGGESTIONS, reason_category

__all__ = [
    "FeedbackReport",
    "feedback_report",
    "ranked_reasons",
    "rates_by",
    "score_band",
    "speed_by",
    "speed_to_lead",
]

_WITHIN = {"within_5_minutes": 5.0, "within_1_hour": 60.0, "within_1_day": 1440.0}
# A no-fit share of rejections above this says the targeting is wrong whatever the rate.
NO_FIT_SHARE = 0.3


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _minutes(value: float) -> float | None:
    return None if pd.isna(value) else round(float(value), 1)


def score_band(scores: pd.Series) -> pd.Series:
    """Ten-point bands of a 0–100 score: ``50–59``; 100 joins ``90–100``; missing stays missing.

    >>> score_band(pd.Series([0, 59.9, 60, 100, None])).tolist()
    ['0–9', '50–59', '60–69', '90–100', nan]
    """
    numbers = pd.to_numeric(scores, errors="coerce").astype(float)
    low = (np.floor(numbers.clip(0, 100) / 10) * 10).clip(upper=90).astype("Int64")
    text = low.astype("str") + "–" + (low + 9).astype("str")
    text = text.mask(low == 90, "90–100")
    return text.astype(object).where(low.notna(), np.nan)


def _counts(frame: pd.DataFrame) -> dict[str, Any]:
    verdict = frame["verdict"]
    accepted = int((verdict == "accepted").sum())
    rejected = int((verdict == "rejected").sum())
    recycled = int((verdict == "recycled").sum())
    judged = accepted + rejected + recycled
    return {
        "handovers": len(frame),
        "accepted": accepted,
        "rejected": rejected,
        "recycled": recycled,
        "no_verdict": len(frame) - judged,
        "unanswered": int((~frame["answered"]).sum()),
        "acceptance_rate": _share(accepted, judged),
        "rejection_rate": _share(rejected, judged),
    }


def rates_by(frame: pd.DataFrame, column: str) -> list[dict[str, Any]]:
    """Acceptance and rejection counts and rates per value of ``column`` (missing: ``(none)``)."""
    keys = frame[column].astype(object).where(frame[column].notna(), "(none)").astype(str)
    return [{column: key, **_counts(group)} for key, group in frame.groupby(keys, sort=True)]


def ranked_reasons(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rejection reasons, most frequent first: ``reason``, ``count``, ``category``."""
    rejected = frame[frame["verdict"] == "rejected"]
    text = rejected["reason"].astype("str").str.strip()
    text = text.where(text.notna() & (text != ""), "(no reason given)")
    key = text.str.casefold().rename("key")
    shown = text.groupby(key, sort=False).first()
    counts = key.value_counts(sort=False)
    table = pd.DataFrame(
        {"reason": shown.reindex(counts.index).to_numpy(), "count": counts.to_numpy()}
    )
    table["category"] = reason_category(table["reason"]).to_numpy()
    table = table.sort_values(["count", "reason"], ascending=[False, True], kind="stable")
    return [
        {"reason": r, "count": int(c), "category": g}
        for r, c, g in zip(table["reason"], table["count"], table["category"], strict=True)
    ]


def speed_to_lead(frame: pd.DataFrame) -> dict[str, Any]:
    """Handoff to first touch: median and 90th percentile minutes, shares handled in time."""
    minutes = frame["minutes"].astype(float)
    touched = minutes.dropna()
    out: dict[str, Any] = {
        "handovers": len(frame),
        "touched": len(touched),
        "median_minutes": _minutes(touched.median()) if len(touched) else None,
        "p90_minutes": _minutes(touched.quantile(0.9)) if len(touched) else None,
    }
    for name, limit in _WITHIN.items():
        out[name] = _share(int((touched <= limit).sum()), len(frame))
    return out


def speed_by(frame: pd.DataFrame, column: str) -> list[dict[str, Any]]:
    """``speed_to_lead`` per value of ``column`` (missing: ``(none)``)."""
    keys = frame[column].astype(object).where(frame[column].notna(), "(none)").astype(str)
    return [{column: key, **speed_to_lead(group)} for key, group in frame.groupby(keys, sort=True)]


def _categories(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    total = sum(r["count"] for r in reasons)
    counts: dict[str, int] = {}
    for row in reasons:
        counts[row["category"]] = counts.get(row["category"], 0) + row["count"]
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        {"category": c, "count": n, "share": _share(n, total), "suggests": SUGGESTIONS[c]}
        for c, n in ordered
    ]


def _findings(summary: dict[str, Any], categories: list[dict[str, Any]], limit: float) -> list[str]:
    """Plain sentences: is the rejection rate over the limit, and what the reasons point at."""
    rate = summary["rejection_rate"]
    lines = []
    if not summary["handovers"]:
        return [
            "No handovers yet: each 'abmgraph score' run records the contacts that become MQL "
            "or SQL and the accounts that reach tier 1."
        ]
    if rate is None:
        lines.append("No verdicts yet: ingest sales feedback (abmgraph ingest feedback FILE).")
    elif rate > limit:
        lines.append(
            f"The rejection rate is {rate:.0%}, above the {limit:.0%} the config allows "
            "([feedback] max_rejection_rate): the threshold or the targeting is wrong."
        )
    else:
        lines.append(f"The rejection rate is {rate:.0%}, within the {limit:.0%} the config allows.")
    judged = [c for c in categories if c["category"] != "other"]
    if judged:
        top = judged[0]
        lines.append(
            f"Most rejections are {top['category'].replace('_', ' ')} "
            f"({top['count']} of {sum(c['count'] for c in categories)}): look at {top['suggests']}."
        )
    no_fit = next((c for c in categories if c["category"] == "no_fit"), None)
    if no_fit and (no_fit["share"] or 0) > NO_FIT_SHARE and (not judged or judged[0] is not no_fit):
        lines.append(f"{no_fit['share']:.0%} of rejections say no fit: {no_fit['suggests']}.")
    if summary["unanswered"]:
        lines.append(
            f"{summary['unanswered']} of {summary['handovers']} handovers have no verdict and "
            "no rep activity since they were handed over."
        )
    return lines


@dataclass
class FeedbackReport:
    """The feedback loop's figures; ``as_dict()`` is the JSON of ``abmgraph feedback``."""

    summary: dict[str, Any]
    reasons: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    speed: dict[str, Any]
    breakdowns: dict[str, list[dict[str, Any]]]
    unanswered: list[dict[str, Any]]
    findings: list[str]
    max_rejection_rate: float
    since: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.summary,
            "max_rejection_rate": self.max_rejection_rate,
            "over_threshold": (self.summary["rejection_rate"] or 0.0) > self.max_rejection_rate,
            "since": self.since,
            "reasons": self.reasons,
            "reason_categories": self.categories,
            "speed_to_lead": self.speed,
            **self.breakdowns,
            "unanswered_handovers": self.unanswered,
            "findings": self.findings,
        }


def _unanswered_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = frame[~frame["answered"]].sort_values("at", kind="stable")
    return [
        {
            "kind": kind,
            "contact_id": None if pd.isna(contact) else contact,
            "account_id": None if pd.isna(account) else account,
            "at": at.isoformat(),
            "owner": None if pd.isna(owner) else owner,
        }
        for kind, contact, account, at, owner in zip(
            rows["kind"], rows["contact_id"], rows["account_id"], rows["at"], rows["owner"],
            strict=True,
        )
    ]  # fmt: skip


def feedback_report(
    outcomes: pd.DataFrame,
    *,
    max_rejection_rate: float = 0.15,
    since: pd.Timestamp | None = None,
) -> FeedbackReport:
    """The report over ``outcomes`` (handovers at or after ``since`` when given)."""
    frame = outcomes
    if since is not None:
        frame = frame[frame["at"] >= since]
    frame = frame.reset_index(drop=True).copy()
    for column in ("score", "tier", "source", "segment"):
        if column not in frame.columns:
            frame[column] = pd.NA
    frame["score_band"] = score_band(frame["score"])
    frame["week"] = frame["at"].dt.tz_convert(None).dt.to_period("W-SUN").dt.start_time
    frame["week"] = frame["week"].dt.strftime("%Y-%m-%d")
    tiers = pd.to_numeric(frame["tier"], errors="coerce").astype("Int64")
    frame["tier"] = ("tier " + tiers.astype("str")).astype(object).where(tiers.notna(), None)
    summary = _counts(frame)
    reasons = ranked_reasons(frame)
    categories = _categories(reasons)
    breakdowns = {
        "by_score_band": rates_by(frame, "score_band"),
        "by_tier": rates_by(frame, "tier"),
        "by_kind": rates_by(frame, "kind"),
        "by_source": rates_by(frame, "source"),
        "by_segment": rates_by(frame, "segment"),
        "by_week": rates_by(frame, "week"),
        "speed_to_lead_by_tier": speed_by(frame, "tier"),
        "speed_to_lead_by_owner": speed_by(frame, "owner"),
    }
    return FeedbackReport(
        summary=summary,
        reasons=reasons,
        categories=categories,
        speed=speed_to_lead(frame),
        breakdowns=breakdowns,
        unanswered=_unanswered_rows(frame),
        findings=_findings(summary, categories, max_rejection_rate),
        max_rejection_rate=max_rejection_rate,
        since=None if since is None else since.isoformat(),
    )
