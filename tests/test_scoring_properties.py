"""The eight required properties of the scoring model, each checked on account-level output."""

from __future__ import annotations

import pytest
from conftest import AS_OF, GraphBuilder, priorities, score
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abmgraph.scoring.config import DEFAULT_EVENT_POINTS, ScoringConfig, config_from_dict
from abmgraph.scoring.engine import parse_as_of, score_store

POSITIVE_TYPES = sorted(t for t, rule in DEFAULT_EVENT_POINTS.items() if rule.points > 0)
NEGATIVE_TYPES = sorted(t for t, rule in DEFAULT_EVENT_POINTS.items() if rule.points < 0)


def committee(builder: GraphBuilder, account: str, people: list[dict], events: list[tuple]) -> None:
    """An account whose contacts are ``people`` (ids P1…) and their events (person, type, days)."""
    builder.account(account)
    for i, person in enumerate(people, start=1):
        builder.contact(f"{account}-P{i}", account, **person)
    for person, kind, days in events:
        builder.event(f"{account}-P{person}", kind, days)


def test_hand_computed_contact_and_account(store, builder):
    committee(
        builder,
        "A1",
        [{"seniority": "vp", "department": "finance"}],
        [
            (1, "demo_request", 30),
            (1, "pricing_page_view", 0),
            (1, "pricing_page_view", 0),
            (1, "pricing_page_view", 0),
            (1, "email_open", 60),
        ],
    )
    builder.load(store)
    result = score(store)
    contact = result.contacts.set_index("contact_id").loc["A1-P1"]
    # fit 20 (vp) + 10 (finance) + 5 (corporate email); engagement 15 + 20 (capped) + 0.25.
    assert contact["fit_score"] == 35
    assert contact["engagement.demo_request"] == 15
    assert contact["engagement.pricing_page_view"] == 20
    assert contact["engagement.email_open"] == 0.25
    assert contact["score"] == 70.25
    assert (contact["grade"], contact["stage"], contact["quadrant"]) == ("A", "mql", "sales_ready")

    account = result.accounts.set_index("account_id").loc["A1"]
    assert account["fit_score"] == 60  # Software 25 + 1000 employees 20 + US 15
    assert account["committee.volume"] == pytest.approx(10.22)  # 35(1-e^(-40/60)) × 0.6
    assert account["committee.role_coverage"] == pytest.approx(3.6)  # 2 of 5 roles
    assert account["committee.seniority"] == pytest.approx(2.11)
    assert account["committee.recency"] == pytest.approx(2.0)
    assert account["priority"] == pytest.approx(41.93)
    assert (account["tier"], account["stage"]) == (2, "decision")
    assert account["roles_covered"] == ["economic_buyer", "champion"]
    assert account["missing_roles"] == ["decision_maker", "technical_evaluator", "end_user"]


# -- 1. monotone --------------------------------------------------------------------
BASE_PEOPLE = [
    {"seniority": "director", "department": "it", "buying_role": "champion"},
    {"seniority": "manager", "department": "finance"},
    {"seniority": "individual_contributor", "department": "marketing"},
]
BASE_EVENTS = [(1, "webinar_attended", 5), (1, "pricing_page_view", 20), (2, "email_click", 40)]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    person=st.integers(1, 3),
    kind=st.sampled_from(POSITIVE_TYPES),
    days=st.floats(min_value=-30, max_value=400, allow_nan=False),
)
def test_1_adding_a_positive_event_never_lowers_a_score(tmp_path_factory, person, kind, days):
    from abmgraph.graph.embedded import EmbeddedStore

    folder = tmp_path_factory.mktemp("monotone")
    before_store, after_store = EmbeddedStore(folder / "a"), EmbeddedStore(folder / "b")
    base = GraphBuilder(folder / "in-a")
    committee(base, "A1", BASE_PEOPLE, BASE_EVENTS)
    base.load(before_store)
    more = GraphBuilder(folder / "in-b")
    committee(more, "A1", BASE_PEOPLE, [*BASE_EVENTS, (person, kind, days)])
    more.load(after_store)
    before, after = score(before_store), score(after_store)
    assert after.accounts["priority"].iloc[0] >= before.accounts["priority"].iloc[0]
    scores_before = before.contacts.set_index("contact_id")["score"]
    scores_after = after.contacts.set_index("contact_id")["score"]
    assert (scores_after >= scores_before.reindex(scores_after.index)).all()


# -- 2. saturation ------------------------------------------------------------------
def test_2_engagement_spread_over_more_contacts_ranks_higher(store, builder):
    same = {"seniority": "manager", "department": "it", "buying_role": "technical_evaluator"}
    kinds = ["demo_request", "pricing_page_view", "webinar_attended", "case_study_download"]
    committee(builder, "ONE", [same] * 4, [(1, k, 3) for k in kinds])
    committee(builder, "SPREAD", [same] * 4, [(i, k, 3) for i, k in enumerate(kinds, start=1)])
    builder.load(store)
    score(store)
    p = priorities(store)
    assert p["SPREAD"] > p["ONE"]


# -- 3. cross-functional ------------------------------------------------------------
def test_3_more_departments_rank_higher(store, builder):
    events = [(i, "webinar_attended", 3) for i in (1, 2, 3)]
    role = {"seniority": "manager", "buying_role": "influencer"}
    committee(builder, "NARROW", [{**role, "department": "it"}] * 3, events)
    committee(
        builder,
        "BROAD",
        [{**role, "department": d} for d in ("it", "finance", "marketing")],
        events,
    )
    builder.load(store)
    score(store)
    p = priorities(store)
    assert p["BROAD"] > p["NARROW"]


# -- 4. seniority -------------------------------------------------------------------
def test_4_higher_seniority_ranks_higher(store, builder):
    events = [(1, "webinar_attended", 3), (2, "email_click", 3)]
    junior = [
        {"seniority": "individual_contributor", "department": "it", "buying_role": "influencer"}
    ] * 2
    senior = [{"seniority": "vp", "department": "it", "buying_role": "influencer"}, junior[1]]
    committee(builder, "JUNIOR", junior, events)
    committee(builder, "SENIOR", senior, events)
    builder.load(store)
    score(store)
    p = priorities(store)
    assert p["SENIOR"] > p["JUNIOR"]


# -- 5. role coverage ---------------------------------------------------------------
def test_5_covering_more_required_roles_ranks_higher(store, builder):
    events = [(i, "webinar_attended", 3) for i in (1, 2, 3)]
    base = {"seniority": "manager", "department": "it"}
    few = [{**base, "buying_role": r} for r in ("champion", "influencer", "influencer")]
    many = [{**base, "buying_role": r} for r in ("champion", "economic_buyer", "decision_maker")]
    committee(builder, "FEW", few, events)
    committee(builder, "MANY", many, events)
    builder.load(store)
    score(store)
    p = priorities(store)
    assert p["MANY"] > p["FEW"]
    missing = store.scores("accounts").set_index("account_id")["missing_roles"]
    assert list(missing["MANY"]) == ["technical_evaluator", "end_user"]


# -- 6. decay and as_of -------------------------------------------------------------
def test_6_older_events_count_less_and_future_events_not_at_all(store, builder):
    person = [{"seniority": "director", "department": "it", "buying_role": "champion"}]
    committee(builder, "FRESH", person, [(1, "demo_request", 2)])
    committee(builder, "STALE", person, [(1, "demo_request", 60)])
    committee(builder, "FUTURE", person, [(1, "demo_request", 2), (1, "trial_signup", -3)])
    builder.load(store)
    score(store)
    p = priorities(store)
    assert p["FRESH"] > p["STALE"]
    assert p["FUTURE"] == p["FRESH"]


# -- 7. negatives and bounds --------------------------------------------------------
def test_7_negative_signals_lower_scores(store, builder):
    person = [{"seniority": "manager", "department": "it", "buying_role": "champion"}]
    committee(builder, "CLEAN", person, [(1, "webinar_attended", 3)])
    committee(builder, "UNSUB", person, [(1, "webinar_attended", 3), (1, "unsubscribe", 1)])
    builder.load(store)
    result = score(store)
    p = priorities(store)
    assert p["UNSUB"] < p["CLEAN"]
    contact = result.contacts.set_index("contact_id")["score"]
    assert contact["UNSUB-P1"] < contact["CLEAN-P1"]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    events=st.lists(
        st.tuples(
            st.integers(1, 2), st.sampled_from(POSITIVE_TYPES + NEGATIVE_TYPES), st.integers(0, 60)
        ),
        min_size=0,
        max_size=60,
    ),
    seniority=st.sampled_from(["c_level", "entry"]),
)
def test_7_scores_stay_within_0_and_100(tmp_path_factory, events, seniority):
    from abmgraph.graph.embedded import EmbeddedStore

    folder = tmp_path_factory.mktemp("bounds")
    store = EmbeddedStore(folder / "ws")
    builder = GraphBuilder(folder / "in")
    people = [
        {"seniority": seniority, "department": "it", "email": "x@gmail.com"},
        {"seniority": seniority, "department": "finance", "email_status": "bounced"},
    ]
    committee(builder, "A1", people, events)
    builder.load(store)
    result = score(store)
    for frame, column in ((result.contacts, "score"), (result.accounts, "priority")):
        assert frame[column].between(0, 100).all()


# -- 8. deterministic ---------------------------------------------------------------
def test_8_same_inputs_give_identical_output(store, builder):
    committee(builder, "A1", BASE_PEOPLE, BASE_EVENTS)
    committee(builder, "A2", BASE_PEOPLE[:2], BASE_EVENTS[:2])
    builder.load(store)
    first = score(store).accounts
    stored = store.scores("accounts")
    # Again with nothing changed: an incremental run rescores nothing and keeps the rows.
    assert score(store).accounts.empty
    assert store.scores("accounts").equals(stored)
    second = score_store(store, ScoringConfig(), parse_as_of(AS_OF), full=True).accounts
    assert first.equals(second)
    assert store.score_meta()["as_of"] == "2026-11-01T00:00:00+00:00"


def test_a_rule_on_a_custom_contact_column_scores_on_every_store(store, builder):
    # Scoring reads only the contact columns it uses; a rule's field is one of them.
    builder.account("A1")
    builder.contact("P1", "A1", seniority="vp", lead_source="referral")
    builder.contact("P2", "A1", seniority="vp", lead_source="paid ads")
    builder.load(store)
    rule = {"label": "referral", "field": "lead_source", "op": "eq", "value": "referral"}
    config = config_from_dict({"contact": {"fit": {"rules": [{**rule, "points": 15}]}}})
    scored = score(store, config).contacts.set_index("contact_id")
    assert scored["fit.rule.referral"].to_dict() == {"P1": 15.0, "P2": 0.0}
    assert scored.loc["P1", "fit_score"] - scored.loc["P2", "fit_score"] == 15.0
