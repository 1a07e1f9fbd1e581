"""The demo's sales team answers handovers by its own process, within the anchor."""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.demo import generate
from abmgraph.demo.feedback import REPS, draw_sales_response
from abmgraph.feedback import feedback_report, handover_outcomes

ANCHOR = "2026-10-01"


def _handovers(data, stride: int = 1) -> pd.DataFrame:
    """Every contact handed over at its first hand-raise (rounded up to a daily run)."""
    events = data.engagements.sort_values("occurred_at")
    raised = events[events["type"].isin(["demo_request", "pricing_page_view", "form_submit"])]
    raised = raised.drop_duplicates("contact_id").iloc[::stride]
    employer = data.contacts.set_index("contact_id")["account_id"]
    at = pd.to_datetime(raised["occurred_at"], utc=True).dt.ceil("D").clip(upper=data.anchor)
    return pd.DataFrame(
        {
            "kind": "mql",
            "contact_id": raised["contact_id"].to_numpy(),
            "account_id": raised["contact_id"].map(employer).to_numpy(),
            "at": at.to_numpy(),
            "run_id": "r1",
            "owner": None,
        }
    )


def test_reps_answer_within_the_anchor_and_favour_in_market_accounts() -> None:
    data = generate(accounts=300, seed=5, anchor=ANCHOR)
    handovers = _handovers(data)
    feedback, activities = draw_sales_response(
        np.random.default_rng(0), handovers, data.accounts, data.contacts, data.truth, data.anchor
    )
    assert len(feedback) and len(activities)
    assert (feedback["at"] <= data.anchor).all() and (activities["at"] <= data.anchor).all()
    assert set(feedback["verdict"]) <= {"accepted", "rejected", "recycled"}
    assert set(activities["type"]) <= {"call", "email", "meeting"}
    assert set(activities["owner"]) <= set(REPS) and activities["activity_id"].is_unique
    # Only rejections and recycles carry a reason.
    assert feedback.loc[feedback["verdict"] == "accepted", "reason"].isna().all()
    assert feedback.loc[feedback["verdict"] != "accepted", "reason"].notna().all()
    in_market = feedback["account_id"].map(data.truth.set_index("account_id")["in_market"])
    accepted = feedback["verdict"] == "accepted"
    assert accepted[in_market == True].mean() > accepted[in_market == False].mean() + 0.15  # noqa: E712
    # Speed-to-lead is skewed: the 90th percentile is far beyond the median.
    speed = feedback_report(handover_outcomes(handovers, feedback, activities)).speed
    assert speed["p90_minutes"] > 3 * speed["median_minutes"]


def test_the_same_seed_draws_the_same_response() -> None:
    data = generate(accounts=60, seed=2, anchor=ANCHOR)
    handovers = _handovers(data)
    args = (handovers, data.accounts, data.contacts, data.truth, data.anchor)
    first = draw_sales_response(np.random.default_rng(9), *args)
    again = draw_sales_response(np.random.default_rng(9), *args)
    for a, b in zip(first, again, strict=True):
        pd.testing.assert_frame_equal(a, b)
    empty = draw_sales_response(np.random.default_rng(9), handovers.iloc[:0], *args[1:])
    assert [len(frame) for frame in empty] == [0, 0]
