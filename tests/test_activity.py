"""The activity components: event volume, recent events, active people and trend."""

from __future__ import annotations

import math

import pytest
from conftest import GraphBuilder, score
from test_scoring_properties import committee

from abmgraph.errors import ConfigError
from abmgraph.scoring.config import ScoringConfig, config_from_dict
from abmgraph.scoring.explain import explain_account

# Only the activity components score, so every committee point below is worked out by hand.
ACTIVITY_ONLY = {
    "account": {
        "committee": {
            "volume_points": 0,
            "multithreading_points": 0,
            "cross_functional_points": 0,
            "role_coverage_points": 0,
            "seniority_points": 0,
            "recency_points": 0,
            "events_points": 20,
            "events_scale": 3,
            "recent_events_points": 10,
            "recent_events_scale": 1,
            "people_points": 10,
            "people_scale": 3,
            "trend_points": 10,
            "trend_scale": 1,
        }
    }
}
PEOPLE = [{}, {}, {}, {}]
# Person, type, days before as_of. Default window: half-life 30, recent 14, prior 42 before it.
EVENTS = [
    (1, "email_open", 0),  # recent: decayed 1
    (1, "email_open", 30),  # prior window: decayed 0.5
    (1, "unsubscribe", 1),  # a negative type counts nowhere
    (2, "demo_request", 60),  # before the prior window: decayed 0.25
    (3, "careers_page_view", 2),  # negative points: P3 is not an active person
    (4, "email_open", 200),  # beyond the 180-day look-back: not seen
]


def test_activity_components_by_hand(store, builder):
    committee(builder, "A1", PEOPLE, EVENTS)
    builder.load(store)
    result = score(store, config_from_dict(ACTIVITY_ONLY, "test"))
    row = result.accounts.set_index("account_id").loc["A1"]
    assert row["decayed_events"] == pytest.approx(1.75)
    assert row["recent_events"] == 1
    assert row["active_people"] == 2
    # One recent event against one in the 42 days before, at a 14-day pace: 1 − 1/3.
    assert row["rising_events"] == pytest.approx(2 / 3)
    # 20·ln(2.75)/ln(4) = 14.59, 10·ln(2)/ln(2) = 10, 10·ln(3)/ln(4) = 7.92,
    # 10·ln(5/3)/ln(2) = 7.37, each times the engagement weight 0.6.
    assert row["committee.events"] == pytest.approx(8.75)
    assert row["committee.recent_events"] == pytest.approx(6.0)
    assert row["committee.people"] == pytest.approx(4.75)
    assert row["committee.trend"] == pytest.approx(4.42)
    assert row["engagement_score"] == pytest.approx(14.59 + 10 + 7.92 + 7.37)
    # Fit: Software 25 + 1000 employees 20 + US 15 = 60, times the fit weight 0.4.
    assert row["priority"] == pytest.approx(24 + 8.75 + 6 + 4.75 + 4.42)


def test_activity_components_default_to_nothing(store, builder):
    committee(builder, "A1", PEOPLE, EVENTS)
    builder.load(store)
    row = score(store).accounts.set_index("account_id").loc["A1"]
    assert row["decayed_events"] == pytest.approx(1.75)
    for component in ("events", "recent_events", "people", "trend"):
        assert row[f"committee.{component}"] == 0


def test_an_account_without_events_has_no_activity(store, builder):
    builder.account("QUIET")
    builder.contact("Q1", "QUIET")
    builder.load(store)
    row = score(store, config_from_dict(ACTIVITY_ONLY, "test")).accounts.iloc[0]
    assert (row["decayed_events"], row["recent_events"], row["active_people"]) == (0, 0, 0)
    assert row["rising_events"] == 0
    assert row["engagement_score"] == 0


def test_the_components_reach_full_points_at_their_scale_and_stay_there(tmp_path):
    def events_points(count: int) -> float:
        builder = GraphBuilder(tmp_path / f"in-{count}")
        committee(builder, "A1", [{}], [(1, "email_open", 0)] * count)
        from abmgraph.graph.embedded import EmbeddedStore

        store = builder.load(EmbeddedStore(tmp_path / f"ws-{count}"))
        config = config_from_dict(ACTIVITY_ONLY, "test")
        return score(store, config).accounts.iloc[0]["committee.events"]

    # log-shaped: 1 event of 3 earns ln 2 / ln 4 of the 20 points; 3 and 9 earn them all.
    assert events_points(1) == pytest.approx(round(20 * math.log(2) / math.log(4), 2) * 0.6)
    assert events_points(3) == pytest.approx(12.0)
    assert events_points(9) == pytest.approx(12.0)


def test_trend_only_adds_when_recent_events_outpace_the_weeks_before(tmp_path):
    from abmgraph.graph.embedded import EmbeddedStore

    def trend(events: list[tuple]) -> tuple[float, float]:
        builder = GraphBuilder(tmp_path / f"in-{len(events)}-{events[-1][2]}")
        committee(builder, "A1", [{}], events)
        store = builder.load(EmbeddedStore(builder.folder.with_suffix(".ws")))
        row = score(store, config_from_dict(ACTIVITY_ONLY, "test")).accounts.iloc[0]
        return row["rising_events"], row["committee.trend"]

    rising = [(1, "email_open", d) for d in (1, 2, 3)]
    assert trend(rising) == (3, pytest.approx(6.0))  # 3 ≥ the scale 1: full points
    # A cooling account earns no trend points; it never loses any.
    cooling = [(1, "email_open", d) for d in (20, 25, 30, 35, 40, 45)] + [(1, "email_open", 2)]
    assert trend(cooling) == (0, 0)
    # Another recent event only adds: 4 − 0 recent-window events.
    assert trend([*rising, (1, "email_open", 4)])[0] == 4
    # An event back-dated into the prior window raises the pace the recent one is held to:
    # 3 − 1 × 14/42. That is what a trend measures, and the one way it falls.
    assert trend([*rising, (1, "email_open", 20)])[0] == pytest.approx(3 - 1 / 3)


@pytest.mark.parametrize("days", [0, 5, 13, 60, 120, 170])
def test_positive_events_outside_the_prior_window_never_lower_the_priority(tmp_path, days):
    from abmgraph.graph.embedded import EmbeddedStore

    config = config_from_dict(ACTIVITY_ONLY, "test")
    priorities = []
    for name, events in (("before", EVENTS), ("after", [*EVENTS, (3, "pricing_page_view", days)])):
        builder = GraphBuilder(tmp_path / f"in-{name}")
        committee(builder, "A1", PEOPLE, events)
        store = builder.load(EmbeddedStore(tmp_path / f"ws-{name}"))
        priorities.append(score(store, config).accounts.iloc[0]["priority"])
    assert priorities[1] > priorities[0]


def test_activity_points_share_the_committee_budget_of_100():
    with pytest.raises(ConfigError, match="committee points add up to 110"):
        config_from_dict({"account": {"committee": {"events_points": 10}}}, "test")
    assert ScoringConfig().account.committee.events_points == 0


def test_explain_shows_the_activity_components_a_config_turns_on(store, builder):
    committee(builder, "A1", PEOPLE, EVENTS)
    builder.load(store)
    score(store, config_from_dict(ACTIVITY_ONLY, "test"))
    shown = {c["name"]: c for c in explain_account(store, "A1")["contributions"]}
    assert shown["committee.events"]["points"] == pytest.approx(8.75)
    assert shown["committee.events"]["detail"] == (
        "1.8 events after a 30-day half-life, full points at 3 × engagement weight 0.6"
    )
    assert shown["committee.recent_events"]["detail"] == (
        "1 events in the last 14 days, full points at 1 × engagement weight 0.6"
    )
    assert shown["committee.people"]["detail"] == (
        "2 contacts with an event in the last 180 days, full points at 3 × engagement weight 0.6"
    )
    assert shown["committee.trend"]["detail"] == (
        "0.7 events above the pace of the 42 days before the last 14, full points at 1 "
        "× engagement weight 0.6"
    )
    explained = explain_account(store, "A1")
    assert sum(c["points"] for c in explained["contributions"]) == pytest.approx(explained["score"])


def test_explain_lists_activity_components_without_points_at_zero(store, builder):
    committee(builder, "A1", PEOPLE, EVENTS)
    builder.load(store)
    score(store)
    points = {c["name"]: c["points"] for c in explain_account(store, "A1")["contributions"]}
    assert points["committee.volume"] > 0
    for component in ("events", "recent_events", "people", "trend"):
        assert points[f"committee.{component}"] == 0
