"""The graph components keep the scoring model's promises, each checked through the ranking.

A new engaged path to power never lowers a priority; a champion who moved
in ranks an account above its twin without them; a family's engagement
never lowers a member. All with the default config.
"""

from __future__ import annotations

from conftest import GraphBuilder, priorities, score
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abmgraph.scoring.views import ranked_accounts

# An engaged committee of four: a decision maker and three who could report to them.
PEOPLE = [
    ("P1", "c_level", "executive", "decision_maker"),
    ("P2", "director", "it", "champion"),
    ("P3", "manager", "it", "technical_evaluator"),
    ("P4", "individual_contributor", "finance", "end_user"),
]
EVENTS = [("P1", "webinar_attended", 4), ("P2", "pricing_page_view", 2), ("P3", "email_click", 9)]
EVENTS += [("P4", "content_download", 6)]


def committee(builder: GraphBuilder, account: str, managers: dict[str, str], **fields) -> None:
    builder.account(account, **fields)
    for person, seniority, department, role in PEOPLE:
        builder.contact(
            f"{account}-{person}",
            account,
            seniority=seniority,
            department=department,
            buying_role=role,
            manager_id=f"{account}-{managers[person]}" if person in managers else "",
        )
    for person, kind, days in EVENTS:
        builder.event(f"{account}-{person}", kind, days)


def order(store) -> list[str]:
    return [row["account_id"] for row in ranked_accounts(store)]


def test_a_new_engaged_path_to_power_ranks_higher(store, builder):
    committee(builder, "NONE", {})
    committee(builder, "ONE", {"P2": "P1"})
    committee(builder, "TWO", {"P2": "P1", "P4": "P2"})
    builder.load(store)
    score(store)
    assert order(store) == ["TWO", "ONE", "NONE"]
    p = priorities(store)
    assert p["TWO"] > p["ONE"] > p["NONE"]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    links=st.dictionaries(
        st.sampled_from(["P1", "P2", "P3", "P4"]), st.sampled_from(["P1", "P2", "P3", "P4"])
    ),
    new=st.tuples(st.sampled_from(["P1", "P2", "P3", "P4"]), st.sampled_from(["P1", "P2", "P3"])),
)
def test_adding_a_reporting_line_never_lowers_a_priority(tmp_path_factory, links, new):
    """Any org chart (cycles and self-reports included) with one more REPORTS_TO ranks no lower."""
    from abmgraph.graph.embedded import EmbeddedStore

    person, manager = new
    if person in links:
        return  # a contact reports to one manager: adding means one who had none
    folder = tmp_path_factory.mktemp("paths")
    store = EmbeddedStore(folder / "ws")
    builder = GraphBuilder(folder / "in")
    committee(builder, "BEFORE", links)
    committee(builder, "AFTER", {**links, person: manager})
    builder.load(store)
    score(store)
    p = priorities(store)
    assert p["AFTER"] >= p["BEFORE"]


def test_a_champion_who_moved_in_ranks_the_account_above_its_twin(store, builder):
    builder.account("OLD", is_customer="true")
    builder.add("opportunities", opportunity_id="WON", account_id="OLD", is_won="true")
    committee(builder, "TWIN", {})
    committee(builder, "MOVED", {})
    # The same newcomer at both, not engaged; only at MOVED did they champion a deal before.
    builder.contact("TWIN-NEW", "TWIN", seniority="director", buying_role="influencer")
    builder.contact(
        "MOVED-NEW",
        "MOVED",
        seniority="director",
        buying_role="influencer",
        previous_account_ids="OLD",
    )
    builder.add(
        "opportunity_contacts", opportunity_id="WON", contact_id="MOVED-NEW", role="champion"
    )
    builder.load(store)
    score(store)
    assert order(store)[:2] == ["MOVED", "TWIN"]
    p = priorities(store)
    assert p["MOVED"] > p["TWIN"]


def test_a_family_s_engagement_never_lowers_a_member(store, builder):
    committee(builder, "PARENT", {})
    builder.account("MEMBER", parent_account_id="PARENT")
    builder.account("ALONE")
    for account in ("MEMBER", "ALONE"):
        builder.contact(f"{account}-X", account, seniority="manager", buying_role="end_user")
        builder.event(f"{account}-X", "webinar_attended", 3)
    builder.load(store)
    score(store)
    p = priorities(store)
    assert p["MEMBER"] > p["ALONE"]
    assert order(store).index("MEMBER") < order(store).index("ALONE")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    extra=st.lists(
        st.tuples(
            st.sampled_from(["P1", "P2", "P3", "P4"]),
            st.sampled_from(["demo_request", "pricing_page_view", "webinar_attended"]),
            st.integers(0, 90),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_more_engagement_at_a_relative_never_lowers_a_member(tmp_path_factory, extra):
    from abmgraph.graph.embedded import EmbeddedStore

    def family(folder, events) -> dict[str, float]:
        store = EmbeddedStore(folder / "ws")
        builder = GraphBuilder(folder / "in")
        committee(builder, "PARENT", {"P2": "P1"})
        for person, kind, days in events:
            builder.event(f"PARENT-{person}", kind, days)
        builder.account("MEMBER", parent_account_id="PARENT")
        builder.account("SIBLING", parent_account_id="PARENT")
        builder.contact("MEMBER-X", "MEMBER", seniority="manager", buying_role="end_user")
        builder.event("MEMBER-X", "webinar_attended", 3)
        builder.load(store)
        score(store)
        return priorities(store)

    before = family(tmp_path_factory.mktemp("before"), [])
    after = family(tmp_path_factory.mktemp("after"), extra)
    for account in ("PARENT", "MEMBER", "SIBLING"):
        assert after[account] >= before[account], account
