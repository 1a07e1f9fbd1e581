"""Acceptance, reasons and speed-to-lead on a hand-made timeline of handovers.

Handovers (the score history's shape), all in October 2026, UTC:

    c1 MQL 1st 09:00 (ann), SQL 3rd 09:00   -> one lead, handed over on the 1st
    c2 MQL 2nd 09:00 (bo)
    c3 MQL 2nd 12:00 (bo)
    a3 tier 1, 4th 00:00 (ann)
    c4 MQL 5th 10:00 (ann)

Verdicts: c1 rejected then accepted (latest wins: accepted); c2 and c3
rejected "No fit - too small" (spelt twice); a3 rejected "Bad timing"; c4
none. Judged 4, rejected 3: rejection rate 0.75.

First touches after the handoff: c1 09:03 (3 min; a call the day before does
not count), a3 00:30 on the account (30 min), c2 10:00 (60 min), c3 on the
4th 12:00 (2880 min); c4 never (an account-level touch at a1 is not c4's).
Sorted 3, 30, 60, 2880: median 45, p90 = 60 + 0.7 * 2820 = 2034.
Within 5 min 1 of 5, within an hour 3 of 5, within a day 3 of 5.
"""

from __future__ import annotations

import pandas as pd
import pytest

from abmgraph.feedback.analysis import feedback_report, score_band
from abmgraph.feedback.matching import handover_outcomes
from abmgraph.feedback.reasons import reason_category


def _t(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


HANDOVERS = pd.DataFrame(
    {
        "kind": ["mql", "sql", "mql", "mql", "tier1", "mql"],
        "contact_id": ["c1", "c1", "c2", "c3", None, "c4"],
        "account_id": ["a1", "a1", "a2", "a2", "a3", "a1"],
        "at": [
            _t("2026-10-01 09:00"),
            _t("2026-10-03 09:00"),
            _t("2026-10-02 09:00"),
            _t("2026-10-02 12:00"),
            _t("2026-10-04 00:00"),
            _t("2026-10-05 10:00"),
        ],
        "run_id": ["r1", "r3", "r2", "r2", "r4", "r5"],
        "owner": ["ann", "ann", "bo", "bo", "ann", "ann"],
    }
)
FEEDBACK = pd.DataFrame(
    {
        "contact_id": ["c1", "c1", "c2", "c3", None],
        "account_id": ["a1", "a1", "a2", "a2", "a3"],
        "verdict": ["rejected", "accepted", "rejected", "rejected", "rejected"],
        "reason": ["wrong person", None, "No fit - too small", "no fit - too small", "Bad timing"],
        "by": ["ann", "ann", "bo", "bo", "ann"],
        "at": [
            _t("2026-10-01 10:00"),
            _t("2026-10-02 08:00"),
            _t("2026-10-03 00:00"),
            _t("2026-10-03 00:00"),
            _t("2026-10-05 00:00"),
        ],
    }
)
ACTIVITIES = pd.DataFrame(
    {
        "contact_id": ["c1", "c1", "c2", "c3", None, None, "c1"],
        "account_id": ["a1", "a1", "a2", "a2", "a3", "a1", "a1"],
        "at": [
            _t("2026-09-30 09:00"),
            _t("2026-10-01 09:03"),
            _t("2026-10-02 10:00"),
            _t("2026-10-04 12:00"),
            _t("2026-10-04 00:30"),
            _t("2026-10-06 00:00"),
            _t("2026-10-06 00:00"),
        ],
        "owner": ["ann", "ann", "bo", "bo", "ann", "ann", "ann"],
    }
)
SCORES = {"c1": 72.0, "c2": 55.0, "c3": 58.0, "a3": 85.0, "c4": 51.0}


@pytest.fixture
def outcomes() -> pd.DataFrame:
    out = handover_outcomes(HANDOVERS, FEEDBACK, ACTIVITIES)
    out["score"] = out["subject"].map(SCORES)
    out["tier"] = out["account_id"].map({"a1": 1, "a2": 2, "a3": 1})
    return out


def test_outcomes_per_handover(outcomes: pd.DataFrame) -> None:
    by = outcomes.set_index("subject")
    assert list(outcomes["subject"]) == ["c1", "c2", "c3", "a3", "c4"]
    assert by.loc["c1", "kind"] == "mql" and by.loc["c1", "at"] == _t("2026-10-01 09:00")
    assert by["verdict"].fillna("-").to_dict() == {
        "c1": "accepted",
        "c2": "rejected",
        "c3": "rejected",
        "a3": "rejected",
        "c4": "-",
    }
    assert by["minutes"].fillna(-1).to_dict() == {
        "c1": 3.0,
        "c2": 60.0,
        "c3": 2880.0,
        "a3": 30.0,
        "c4": -1,
    }
    assert by["answered"].to_dict() == {"c1": True, "c2": True, "c3": True, "a3": True, "c4": False}


def test_report_counts_reasons_and_speed(outcomes: pd.DataFrame) -> None:
    report = feedback_report(outcomes, max_rejection_rate=0.15).as_dict()
    assert (report["handovers"], report["accepted"], report["rejected"]) == (5, 1, 3)
    assert (report["recycled"], report["no_verdict"], report["unanswered"]) == (0, 1, 1)
    assert report["rejection_rate"] == 0.75
    assert report["acceptance_rate"] == 0.25
    assert report["over_threshold"] is True
    assert report["reasons"] == [
        {"reason": "No fit - too small", "count": 2, "category": "no_fit"},
        {"reason": "Bad timing", "count": 1, "category": "not_ready"},
    ]
    assert report["speed_to_lead"] == {
        "handovers": 5,
        "touched": 4,
        "median_minutes": 45.0,
        "p90_minutes": 2034.0,
        "within_5_minutes": 0.2,
        "within_1_hour": 0.6,
        "within_1_day": 0.6,
    }
    assert report["unanswered_handovers"] == [
        {
            "kind": "mql",
            "contact_id": "c4",
            "account_id": "a1",
            "at": "2026-10-05T10:00:00+00:00",
            "owner": "ann",
        }
    ]
    assert report["findings"][0].startswith("The rejection rate is 75%, above the 15%")
    assert "no fit (2 of 3)" in report["findings"][1]
    assert "calibrate --target accepted" in report["findings"][1]


def test_breakdowns(outcomes: pd.DataFrame) -> None:
    report = feedback_report(outcomes).as_dict()
    bands = {row["score_band"]: row for row in report["by_score_band"]}
    assert sorted(bands) == ["50–59", "70–79", "80–89"]
    assert (bands["50–59"]["handovers"], bands["50–59"]["rejected"]) == (3, 2)
    assert bands["50–59"]["rejection_rate"] == 1.0
    assert bands["70–79"]["acceptance_rate"] == 1.0
    tiers = {
        row["tier"]: (row["handovers"], row["accepted"], row["rejected"])
        for row in report["by_tier"]
    }
    assert tiers == {"tier 1": (3, 1, 1), "tier 2": (2, 0, 2)}
    assert [(r["kind"], r["handovers"]) for r in report["by_kind"]] == [("mql", 4), ("tier1", 1)]
    assert [(r["week"], r["handovers"]) for r in report["by_week"]] == [
        ("2026-09-28", 4),
        ("2026-10-05", 1),
    ]
    owners = {row["owner"]: row for row in report["speed_to_lead_by_owner"]}
    # ann: c1 3 min, a3 30 min, c4 never; bo: c2 60 min, c3 2880 min.
    assert owners["ann"]["median_minutes"] == 16.5
    assert owners["ann"]["p90_minutes"] == 27.3
    assert owners["ann"]["within_5_minutes"] == pytest.approx(1 / 3, abs=1e-4)
    assert owners["bo"]["median_minutes"] == 1470.0
    assert owners["bo"]["within_1_hour"] == 0.5


def test_since_keeps_later_handovers(outcomes: pd.DataFrame) -> None:
    report = feedback_report(outcomes, since=_t("2026-10-02")).as_dict()
    # c2, c3, a3 (all rejected) and c4 (no verdict).
    assert (report["handovers"], report["rejected"], report["rejection_rate"]) == (4, 3, 1.0)
    assert report["speed_to_lead"]["median_minutes"] == 60.0


def test_rate_within_threshold_and_empty() -> None:
    empty = handover_outcomes(HANDOVERS.iloc[:0], FEEDBACK.iloc[:0], ACTIVITIES.iloc[:0])
    report = feedback_report(empty).as_dict()
    assert report["handovers"] == 0 and report["rejection_rate"] is None
    assert report["speed_to_lead"]["median_minutes"] is None
    assert report["findings"] == [
        "No handovers yet: each 'abmgraph score' run records the contacts that become MQL "
        "or SQL and the accounts that reach tier 1."
    ]
    silent = feedback_report(handover_outcomes(HANDOVERS, FEEDBACK.iloc[:0], ACTIVITIES))
    assert (
        silent.findings[0]
        == "No verdicts yet: ingest sales feedback (abmgraph ingest feedback FILE)."
    )
    accepted = FEEDBACK.assign(verdict="accepted")
    report = feedback_report(handover_outcomes(HANDOVERS, accepted, ACTIVITIES)).as_dict()
    assert report["rejection_rate"] == 0.0 and report["over_threshold"] is False
    assert report["findings"][0] == "The rejection rate is 0%, within the 15% the config allows."


def test_reason_categories_and_bands() -> None:
    reasons = pd.Series(
        ["Competitor", "no budget", "Unresponsive", "Left the company", "other stuff", None]
    )
    assert reason_category(reasons).tolist() == [
        "no_fit",
        "not_ready",
        "unreachable",
        "bad_data",
        "other",
        "other",
    ]
    assert score_band(pd.Series([9.99, 10.0, 99.0])).tolist() == ["0–9", "10–19", "90–100"]
