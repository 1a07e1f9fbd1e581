"""The account's graph components on hand-drawn graphs, both stores, values worked out by hand.

Account fit is the builder's default everywhere: Software 25 + 1,000
employees 20 + US 15 = 60, so 24 points of priority at the fit weight 0.4.
Committees are kept simple by a config whose only committee component is
role coverage, so committee engagement is the share of required roles held.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import AS_OF, GraphBuilder, priorities, score

from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_graph
from abmgraph.scoring.explain import explain_account


def config(role_coverage: float = 50, **graph: float) -> ScoringConfig:
    """Committee engagement = role_coverage × (required roles held by engaged contacts) / 5."""
    committee = {
        "volume_points": 0,
        "multithreading_points": 0,
        "cross_functional_points": 0,
        "role_coverage_points": role_coverage,
        "seniority_points": 0,
        "recency_points": 0,
    }
    return ScoringConfig.model_validate({"account": {"committee": committee, "graph": graph}})


def engaged(builder: GraphBuilder, contact_id: str, account_id: str, **fields: str) -> None:
    """A contact with one demo request yesterday: 15 engagement points, engaged."""
    builder.contact(contact_id, account_id, **fields)
    builder.event(contact_id, "demo_request", 1)


def rows(result) -> pd.DataFrame:
    return result.accounts.set_index("account_id")


# -- access to power ----------------------------------------------------------------
def org(builder: GraphBuilder) -> GraphBuilder:
    """A-CIO ← A-VP ← A-MGR ← A-IC ← A-INT, a cycle A-P1 ⇄ A-P2, a self-report A-S, A-M2 → B-CEO.

    Everyone is engaged but A-VP. Power: A-CIO (decision maker), A-P2
    (economic buyer), B-CEO (decision maker, at another account).
    """
    builder.account("A").account("B")
    people = [
        ("A-CIO", "", "decision_maker", "CIO"),
        ("A-MGR", "A-VP", "champion", "IT Manager"),
        ("A-IC", "A-MGR", "end_user", "Engineer"),
        ("A-INT", "A-IC", "end_user", "Intern"),
        ("A-P1", "A-P2", "technical_evaluator", "Analyst"),
        ("A-P2", "A-P1", "economic_buyer", "Director"),
        ("A-S", "A-S", "technical_evaluator", "Architect"),
        ("A-M2", "B-CEO", "end_user", "Buyer"),
    ]
    for contact_id, manager, role, title in people:
        engaged(builder, contact_id, "A", manager_id=manager, buying_role=role, title=title)
    builder.contact("A-VP", "A", manager_id="A-CIO", buying_role="influencer", title="VP IT")
    engaged(builder, "B-CEO", "B", buying_role="decision_maker", title="CEO")
    return builder


def test_access_to_power_counts_engaged_paths_within_the_hops(store, builder):
    org(builder).load(store)
    result = score(store, config())
    a, b = rows(result).loc["A"], rows(result).loc["B"]
    # Paths: A-MGR (2 steps to A-CIO), A-IC (3 steps), A-P1 (1 step to A-P2). Not A-INT
    # (4 steps), A-P2 (round the cycle to itself), A-S (itself), A-M2 (boss at B).
    # 10 × (1 − e^(−3/2)) = 7.77, × 0.6 = 4.66.
    assert a["graph.access_to_power"] == pytest.approx(4.66)
    assert [(list(p), r) for p, r in a["power_paths"]] == [
        (["A-IC", "A-MGR", "A-VP", "A-CIO"], "decision_maker"),
        (["A-MGR", "A-VP", "A-CIO"], "decision_maker"),
        (["A-P1", "A-P2"], "economic_buyer"),
    ]
    assert b["graph.access_to_power"] == 0
    # Fit 24 + all five roles covered 50 × 0.6 = 30 + 4.66.
    assert a["priority"] == pytest.approx(58.66)
    assert a["engagement_score"] == pytest.approx(57.77)

    four = rows(score(store, config(max_hops=4))).loc["A"]
    assert four["graph.access_to_power"] == pytest.approx(5.19)  # 10 × (1 − e^(−2)) = 8.65


def test_access_to_power_is_explained_as_paths(store, builder):
    org(builder).load(store)
    score(store, config())
    found = {c["name"]: c for c in explain_account(store, "A")["contributions"]}
    assert found["graph.access_to_power"] == {
        "name": "graph.access_to_power",
        "points": 4.66,
        "detail": "3 engaged contact(s) reach an engaged decision maker or economic buyer: "
        "Engineer → reports to → IT Manager → reports to → VP IT → reports to → CIO "
        "(decision maker, engaged); IT Manager → reports to → VP IT → reports to → CIO "
        "(decision maker, engaged); Analyst → reports to → Director (economic buyer, engaged)"
        " × engagement weight 0.6",
    }


def test_graph_points_never_take_engagement_past_100(store, builder):
    org(builder).load(store)
    a = rows(score(store, config(role_coverage=100))).loc["A"]
    # Committee 100 + 7.77 of paths: the cap takes the 7.77 back.
    assert a["graph.cap"] == pytest.approx(-4.66)
    assert a["engagement_score"] == 100
    assert a["priority"] == pytest.approx(84.0)  # 24 + 60 + 4.66 − 4.66


def test_a_component_at_0_points_is_never_walked(store, builder, monkeypatch):
    org(builder).load(store)

    def refuse(*args, **kwargs):
        raise AssertionError("walked a component that is turned off")

    for walk in ("reporting_paths", "past_deals", "account_families"):
        monkeypatch.setattr(store, walk, refuse)
    off = {"access_to_power_points": 0, "champions_moved_points": 0, "family_points": 0}
    a = rows(score(store, config(**off))).loc["A"]
    assert a[["graph.access_to_power", "graph.champions_moved", "graph.family"]].tolist() == [0] * 3
    assert a["priority"] == pytest.approx(54.0)


# -- champions who moved ------------------------------------------------------------
def moves(builder: GraphBuilder) -> GraphBuilder:
    """Deals at B (won OB; open OB2), C (open OC) and D (OD won after as_of, OE created after).

    A: M1 moved twice (B, then C), on OB (won) and championed OC; no start date.
    H: H1 from B, on OB, started 180 days before as_of (one half-life).
    F: F1 from B, on OB, starts a month after as_of.
    W: W1 from D, on OD (won after as_of) and championed OE (created after as_of).
    R: R1 from B, an end user on the open OB2.
    Q: Q1 and Q2 from B, both on OB.  T: A's twin, T1 with no past.
    """
    for account_id in "ABCDHFWRQT":
        builder.account(account_id)
    deals = [
        ("OB", "B", "true", "true", "2025-06-01", ""),
        ("OB2", "B", "false", "false", "", ""),
        ("OC", "C", "false", "false", "", ""),
        ("OD", "D", "true", "true", "2026-12-15", ""),
        ("OE", "D", "false", "false", "", "2026-11-20"),
    ]
    for deal, account_id, closed, won, closed_at, created_at in deals:
        builder.add(
            "opportunities",
            opportunity_id=deal,
            account_id=account_id,
            is_closed=closed,
            is_won=won,
            closed_at=closed_at,
            created_at=created_at,
        )
    half_life_ago = (parse_as_of(AS_OF) - pd.Timedelta(days=180)).isoformat()
    people = [
        ("M1", "A", "B;C", "", [("OB", "end_user"), ("OC", "champion")]),
        ("H1", "H", "B", half_life_ago, [("OB", "end_user")]),
        ("F1", "F", "B", "2026-12-01", [("OB", "end_user")]),
        ("W1", "W", "D", "", [("OD", "end_user"), ("OE", "champion")]),
        ("R1", "R", "B", "", [("OB2", "end_user")]),
        ("Q1", "Q", "B", "", [("OB", "influencer")]),
        ("Q2", "Q", "B", "", [("OB", "end_user")]),
        ("T1", "T", "", "", []),
    ]
    for contact_id, account_id, before, started, on in people:
        builder.contact(
            contact_id,
            account_id,
            previous_account_ids=before,
            started_at=started,
            title="VP Sales",
        )
        for deal, role in on:
            builder.add(
                "opportunity_contacts", opportunity_id=deal, contact_id=contact_id, role=role
            )
    return builder


def test_champions_who_moved_in_decay_from_their_start(store, builder):
    moves(builder).load(store)
    found = rows(score(store, config()))["graph.champions_moved"].to_dict()
    assert found == {
        "A": pytest.approx(3.79),  # counts 1: 10 × (1 − e^(−1)) = 6.32, × 0.6
        "H": pytest.approx(2.36),  # counts 0.5: 10 × (1 − e^(−0.5)) = 3.93, × 0.6
        "Q": pytest.approx(5.19),  # counts 2: 10 × (1 − e^(−2)) = 8.65, × 0.6
        "F": 0,  # not there yet at as_of
        "W": 0,  # the win and the deal both come after as_of
        "R": 0,  # an end user on an open deal is no champion
        "T": 0,
        "B": 0,
        "C": 0,
        "D": 0,
    }


def test_champions_who_moved_are_explained(store, builder):
    moves(builder).load(store)
    score(store, config())
    found = {c["name"]: c for c in explain_account(store, "A")["contributions"]}
    assert found["graph.champions_moved"]["detail"] == (
        "1 champion(s) moved in: VP Sales (M1) was on won deal OB at Account B (B), "
        "champion on OC at Account C (C); no start date, counts 1 × engagement weight 0.6"
    )
    later = {c["name"]: c for c in explain_account(store, "H")["contributions"]}
    assert later["graph.champions_moved"]["detail"].endswith(
        "; started 2026-05-05, counts 0.50 × engagement weight 0.6"
    )


# -- the corporate family -----------------------------------------------------------
def families(builder: GraphBuilder) -> GraphBuilder:
    """F-P ← F-S1 ← F-G and F-P ← F-S2; a cycle C-X ⇄ C-Y; Z its own parent; L alone.

    Engaged: F-P two (decision maker, economic buyer: 2 of 5 roles, committee
    40), F-S1 one champion (20), C-X one end user (20), Z one (20).
    """
    for account_id, parent in [
        ("F-P", ""),
        ("F-S1", "F-P"),
        ("F-S2", "F-P"),
        ("F-G", "F-S1"),
        ("C-X", "C-Y"),
        ("C-Y", "C-X"),
        ("Z", "Z"),
        ("L", ""),
    ]:
        builder.account(account_id, parent_account_id=parent)
    engaged(builder, "P1", "F-P", buying_role="decision_maker")
    engaged(builder, "P2", "F-P", buying_role="economic_buyer")
    engaged(builder, "S1", "F-S1", buying_role="champion")
    engaged(builder, "X1", "C-X", buying_role="end_user")
    engaged(builder, "Z1", "Z", buying_role="end_user")
    builder.contact("G1", "F-G", buying_role="champion")  # not engaged
    return builder


def test_family_lifts_each_member_by_its_most_engaged_relative(store, builder):
    families(builder).load(store)
    result = rows(score(store, config(role_coverage=100)))
    # 20% of the most engaged relative's committee engagement, × 0.6.
    assert result["graph.family"].to_dict() == {
        "F-P": pytest.approx(2.4),  # F-S1's 20 → 4
        "F-S1": pytest.approx(4.8),  # F-P's 40 → 8
        "F-S2": pytest.approx(4.8),
        "F-G": pytest.approx(4.8),
        "C-X": 0,  # its relative C-Y has no engagement
        "C-Y": pytest.approx(2.4),
        "Z": 0,  # its own parent: no relative
        "L": 0,
    }
    assert result.loc["F-S1", "family_relative"] == "F-P"
    assert priorities(store) == {
        "F-P": pytest.approx(50.4),  # 24 + 40 × 0.6 + 2.4
        "F-S1": pytest.approx(40.8),
        "C-X": pytest.approx(36.0),
        "Z": pytest.approx(36.0),
        "F-G": pytest.approx(28.8),
        "F-S2": pytest.approx(28.8),
        "C-Y": pytest.approx(26.4),
        "L": pytest.approx(24.0),
    }


def test_family_points_cap_the_lift(store, builder):
    families(builder).load(store)
    result = rows(score(store, config(role_coverage=100, family_share=1, family_points=10)))
    assert result.loc["F-S1", "graph.family"] == pytest.approx(6.0)  # min(10, 40) × 0.6
    assert result.loc["F-P", "graph.family"] == pytest.approx(6.0)  # min(10, 20) × 0.6


def test_one_account_scores_its_family_as_a_full_run_does(store, builder):
    families(builder).load(store)
    settings = config(role_coverage=100)
    score(store, settings)
    alone = score_graph(store, settings, parse_as_of(AS_OF), ["F-S2"])
    assert list(alone.accounts["account_id"]) == ["F-S2"]
    assert alone.contacts.empty  # the relatives' people were scored, not returned
    assert alone.accounts["graph.family"].iloc[0] == pytest.approx(4.8)
    found = {c["name"]: c for c in explain_account(store, "F-S2")["contributions"]}
    assert found["graph.family"] == {
        "name": "graph.family",
        "points": 4.8,
        "detail": "20% of the committee engagement 40.00 of Account F-P (F-P), the most "
        "engaged of 3 relative(s), at most 10 × engagement weight 0.6",
    }
    assert explain_account(store, "F-S2")["score"] == pytest.approx(28.8)


def test_a_run_scored_before_the_graph_components_is_explained_without_them(tmp_path, builder):
    import json

    from abmgraph.graph.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "ws")
    org(builder).load(store)
    settings = config(access_to_power_points=0, champions_moved_points=0, family_points=0)
    score(store, settings)
    meta_path = store._current_run() / "meta.json"
    meta = json.loads(meta_path.read_text())
    del meta["config"]["account"]["graph"]  # what an older version stored
    meta_path.write_text(json.dumps(meta))
    explained = explain_account(EmbeddedStore(tmp_path / "ws"), "A")
    assert explained["score"] == pytest.approx(54.0) == priorities(store)["A"]


@pytest.mark.parametrize(
    ("graph", "message"),
    [
        ({"max_hop": 3}, "account.graph.max_hop: unknown setting"),
        ({"max_hops": 11}, "account.graph.max_hops: Input should be less than or equal to 10"),
        (
            {"family_share": 1.5},
            "account.graph.family_share: Input should be less than or equal to 1",
        ),
        ({"power_roles": ["boss"]}, "account.graph.power_roles.0: Input should be"),
    ],
)
def test_graph_settings_are_checked(graph, message):
    from abmgraph.errors import ConfigError
    from abmgraph.scoring.config import config_from_dict

    with pytest.raises(ConfigError) as raised:
        config_from_dict({"account": {"graph": graph}})
    assert message in str(raised.value)


# -- incremental scoring ------------------------------------------------------------
def test_an_incremental_run_rescores_the_accounts_whose_graph_components_read_a_touched_one(
    store, builder, tmp_path
):
    """A deal won at B lifts A, where B's former champion works now; touching C-X rescores C-Y."""
    from abmgraph.ingest.pipeline import ingest_file
    from abmgraph.scoring.engine import score_store

    builder.account("A").account("B").account("N")
    builder.account("C-X", parent_account_id="C-Y").account("C-Y", parent_account_id="C-X")
    builder.add("opportunities", opportunity_id="OB", account_id="B", is_won="false")
    builder.contact("M1", "A", previous_account_ids="B")
    builder.add("opportunity_contacts", opportunity_id="OB", contact_id="M1", role="end_user")
    engaged(builder, "X1", "C-X")
    builder.load(store)
    settings = config()
    as_of = parse_as_of(AS_OF)
    score_store(store, settings, as_of)
    assert rows(score_store(store, settings, as_of)).empty  # nothing changed

    def ingest(kind: str, **row: str) -> None:
        more = GraphBuilder(tmp_path / f"more-{kind}")
        more.add(kind, **row)
        assert ingest_file(store, kind, more.write()[kind], quiet=True).rejected == 0

    ingest("opportunities", opportunity_id="OB", account_id="B", is_won="true", is_closed="true")
    again = score_store(store, settings, as_of)
    assert sorted(again.accounts["account_id"]) == ["A", "B"]
    assert rows(again).loc["A", "graph.champions_moved"] == pytest.approx(3.79)  # 6.32 × 0.6

    at = (as_of - pd.Timedelta(days=2)).isoformat()
    ingest("engagements", event_id="N1", contact_id="X1", type="webinar_attended", occurred_at=at)
    assert sorted(score_store(store, settings, as_of).accounts["account_id"]) == ["C-X", "C-Y"]
