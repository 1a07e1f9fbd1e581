"""What feedback teaches: accepted vs rejected as an outcome, and no-fit rule proposals."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from abmgraph.errors import InputError
from abmgraph.evaluation.backtest import backtest
from abmgraph.evaluation.outcomes import feedback_outcomes, observed_outcomes
from abmgraph.feedback.proposals import no_fit_proposals, proposals_toml
from abmgraph.graph.store import GraphStore
from abmgraph.scoring.config import ScoringConfig, config_from_dict
from abmgraph.scoring.engine import parse_as_of
from tests.conftest import AS_OF, GraphBuilder

WHEN = parse_as_of(AS_OF)


def _day(days: float) -> str:
    return (WHEN + pd.Timedelta(days=days)).isoformat()


def _leads(builder: GraphBuilder, store: GraphStore) -> GraphStore:
    """Four alike contacts whose only difference is their engagement.

    Score order c1 (demo request) > c2 (pricing page) > c3 (email click) > c4 (email open).
    Verdicts in the 90 days after AS_OF: c1 and c3 accepted, c2 and c4 rejected,
    so of the four accepted-rejected pairs the score orders three right: AUC 0.75.
    c5's verdict came before AS_OF and c6 was recycled: neither is in the window's outcomes.
    """
    builder.account("A1")
    for n, event in enumerate(
        [
            "demo_request",
            "pricing_page_view",
            "email_click",
            "email_open",
            "demo_request",
            "blog_view",
        ],
        start=1,
    ):
        builder.contact(f"c{n}", "A1").event(f"c{n}", event, 2)
    verdicts = [
        ("c1", "accepted", 5),
        ("c2", "rejected", 6),
        ("c3", "rejected", 1),
        ("c3", "accepted", 8),  # the latest verdict in the window counts
        ("c4", "rejected", 30),
        ("c5", "accepted", -3),
        ("c6", "recycled", 4),
    ]
    for contact, verdict, days in verdicts:
        builder.add("feedback", contact_id=contact, verdict=verdict, reason="", at=_day(days))
    return builder.load(store)


def test_accepted_outcomes_come_from_the_window(store: GraphStore, builder: GraphBuilder) -> None:
    _leads(builder, store)
    judged = feedback_outcomes(store, "contact", WHEN, 90)
    assert judged.to_dict("list") == {
        "id": ["c1", "c2", "c3", "c4"],
        "accepted": [True, False, True, False],
    }
    # The account level: A1 has an accepted lead.
    assert feedback_outcomes(store, "account", WHEN, 90).to_dict("list") == {
        "id": ["A1"],
        "accepted": [True],
    }
    with pytest.raises(InputError, match=r"^--target accepted reads the verdicts"):
        observed_outcomes(store, "contact", WHEN, 90, pd.DataFrame(), target="accepted")


def test_backtest_separates_accepted_from_rejected(
    store: GraphStore, builder: GraphBuilder
) -> None:
    _leads(builder, store)
    accepted = backtest(store, ScoringConfig(), WHEN, level="contact", target="accepted")
    assert accepted.metrics["population"] == 4
    assert accepted.metrics["positives"] == 2
    assert accepted.metrics["auc"] == 0.75
    # Whatever the target, the backtest reports how the score ranked the verdicts.
    converted = backtest(store, ScoringConfig(), WHEN, level="contact")
    assert converted.metrics["acceptance_auc"] == 0.75
    assert (converted.metrics["handovers_judged"], converted.metrics["handovers_accepted"]) == (
        4,
        2,
    )


def _no_fit_graph(builder: GraphBuilder, store: GraphStore) -> GraphStore:
    """Six accounts judged at the account level: the three in Education rejected as no fit.

    Education: 3 of 3 no-fit rejections, 3 of 6 judged: lift (3/3)/(3/6) = 2.
    Software: no no-fit rejection. Every account is in the US with 1,000 people:
    lift 1, nothing proposed. A7's no-fit rejection comes after AS_OF: not read.
    """
    for n in range(1, 8):
        builder.account(f"A{n}", industry="Education" if n in (1, 2, 3, 7) else "Software")
    reasons = {1: "No fit - wrong industry", 2: "not a fit", 3: "Bad fit: education"}
    for n in range(1, 7):
        verdict = "rejected" if n in reasons else "accepted"
        builder.add(
            "feedback", account_id=f"A{n}", verdict=verdict, reason=reasons.get(n, ""), at=_day(-n)
        )
    builder.add("feedback", account_id="A7", verdict="rejected", reason="no fit", at=_day(3))
    return builder.load(store)


def test_no_fit_rejections_propose_a_negative_rule(
    store: GraphStore, builder: GraphBuilder
) -> None:
    _no_fit_graph(builder, store)
    proposals = no_fit_proposals(store, WHEN, "account")
    assert [p.as_dict() for p in proposals] == [
        {
            "section": "account.fit.rules",
            "field": "industry",
            "op": "eq",
            "value": "Education",
            "points": -10.0,
            "no_fit_rejections": 3,
            "of_no_fit_rejections": 3,
            "share_of_judged": 0.5,
        }
    ]
    text = proposals_toml(proposals)
    assert "# Proposed from sales feedback, not applied: 3 of 3" in text
    # Commented out it changes nothing; uncommented it is a valid rule of the config.
    assert all(line == "" or line.startswith("#") for line in text.splitlines())
    body = "\n".join(
        line.removeprefix("# ")
        for line in text.splitlines()
        if line.startswith("# [") or "=" in line
    )
    config = config_from_dict(tomllib.loads(body))
    rule = config.account.fit.rules[0]
    assert (rule.field, rule.op, rule.value, rule.points) == ("industry", "eq", "Education", -10.0)
    # Too few no-fit rejections propose nothing.
    assert no_fit_proposals(store, WHEN, "account", min_count=4) == []


def test_calibrating_on_verdicts_needs_both_kinds(store: GraphStore, builder: GraphBuilder) -> None:
    from abmgraph.errors import StoreError
    from abmgraph.evaluation.calibrate import calibrate

    builder.account("A1").contact("c1", "A1").event("c1", "demo_request", 2)
    builder.load(store)
    with pytest.raises(StoreError) as raised:
        calibrate(store, ScoringConfig(), WHEN, level="contact", target="accepted")
    assert str(raised.value) == (
        "The training records need both verdicts (some accepted, some rejected); found 0 "
        "accepted of 0 judged. Move --as-of, widen --window or ingest more sales feedback."
    )
