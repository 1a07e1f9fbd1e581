"""Graph questions on one hand-worked graph, on both stores, with identical answers.

The graph (``build``):

* T1 "Target One" (Software, 1,000 people, US; Salesforce, Snowflake), a
  subsidiary of PARENT, with SUB1 below it and SIB beside it. Its org chart::

      T1CEO (c_level, executive)          economic_buyer (inferred), not engaged
      ├── T1CFO (c_level, finance)        economic_buyer (inferred), unsubscribed
      ├── T1OPS (IC, operations)          end_user (from won deal O1 at CUST), not engaged
      └── T1VPE (vp, engineering)         decision_maker, engaged; used to work at CUST
          └── T1MGR (manager, it)         technical_evaluator + champion, engaged
              └── T1ENG (IC, engineering) technical_evaluator; used to work at MID

  so T1 misses economic_buyer and end_user.
* CYC: a REPORTS_TO cycle CY1 → CY2 → CY3 → CY1, CY4 reporting into it and
  CY5 reporting to themselves; CY4 and CY5 are explicit champions, CY2 an
  explicit decision maker, CY3 an explicit economic buyer.
* EMPTY: an account without contacts.
* Customers: CUST (flagged; K1 there was on won deal O1 and used to work at
  CUST2), CUST2 (a won deal; K2A and K2B used to work at MID) and CUST3
  (flagged; K3 there used to work at T1).
* LOOP1 ⇄ LOOP2 is a SUBSIDIARY_OF cycle with LOOP3 below LOOP1; SELFP lists
  itself as its parent.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import BACKENDS, GraphBuilder, score

from abmgraph.errors import NotFoundError, StoreError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.store import GraphStore
from abmgraph.queries import (
    account_gaps,
    champions,
    hierarchy,
    org_chart,
    parse_params,
    portfolio_gaps,
    run_cypher,
    similar_accounts,
    similar_to_customers,
    surging,
    warm_paths,
)
from abmgraph.queries.similar import WEIGHTS, _similarity, features
from abmgraph.queries.trees import forest


def build(folder: Path) -> GraphBuilder:
    g = GraphBuilder(folder)
    g.account(
        "T1", name="Target One", technologies="Salesforce;Snowflake", parent_account_id="PARENT"
    )
    g.account("PARENT", name="Parent Holdings", employees=5000)
    g.account("SUB1", name="Target Sub", parent_account_id="T1")
    g.account("SIB", name="Sibling Co", parent_account_id="PARENT")
    g.account("CYC", name="Cycle Co")
    g.account("EMPTY", name="Empty Inc", industry="Retail", employees=50, country="DE")
    g.account(
        "CUST", name="Customer Corp", is_customer=True, technologies="Salesforce;Snowflake;HubSpot"
    )
    g.account("CUST2", name="Won Deal Co")
    g.account("CUST3", name="Boomerang Co", is_customer=True)
    g.account("MID", name="Middle Co")
    g.account("LOOP1", name="Loop One", parent_account_id="LOOP2")
    g.account("LOOP2", name="Loop Two", parent_account_id="LOOP1")
    g.account("LOOP3", name="Loop Three", parent_account_id="LOOP1")
    g.account("SELFP", name="Self Parent", parent_account_id="SELFP")

    def person(cid, account, first, title, seniority, department, **more):
        g.contact(
            cid, account, first_name=first, last_name="Doe", title=title,
            seniority=seniority, department=department, **more,
        )  # fmt: skip

    person("T1CEO", "T1", "Cem", "Chief Executive Officer", "c_level", "executive")
    person(
        "T1CFO", "T1", "Cat", "Chief Financial Officer", "c_level", "finance", manager_id="T1CEO"
    )
    person(
        "T1VPE", "T1", "Vic", "VP Engineering", "vp", "engineering",
        manager_id="T1CEO", previous_account_ids="CUST",
    )  # fmt: skip
    person("T1MGR", "T1", "Max", "IT Manager", "manager", "it", manager_id="T1VPE")
    person(
        "T1ENG", "T1", "Eve", "Software Engineer", "individual_contributor", "engineering",
        manager_id="T1MGR", previous_account_ids="MID",
    )  # fmt: skip
    person(
        "T1OPS", "T1", "Oli", "Operations Analyst", "individual_contributor", "operations",
        manager_id="T1CEO",
    )  # fmt: skip
    person("CY1", "CYC", "Ann", "Marketing Manager", "manager", "marketing", manager_id="CY2")
    person(
        "CY2", "CYC", "Bob", "IT Director", "director", "it",
        manager_id="CY3", buying_role="decision_maker",
    )  # fmt: skip
    person(
        "CY3", "CYC", "Cal", "VP of Finance", "vp", "finance",
        manager_id="CY1", buying_role="economic_buyer",
    )  # fmt: skip
    person(
        "CY4", "CYC", "Dee", "Demand Generation Manager", "manager", "marketing",
        manager_id="CY1", buying_role="champion",
    )  # fmt: skip
    person(
        "CY5", "CYC", "Eli", "Sales Manager", "manager", "sales",
        manager_id="CY5", buying_role="champion",
    )  # fmt: skip
    person("S1", "SIB", "Sam", "Marketing Manager", "manager", "marketing")
    person("K1", "CUST", "Kim", "Sales Director", "director", "sales", previous_account_ids="CUST2")
    person(
        "K2A", "CUST2", "Kai", "Data Engineer", "individual_contributor", "engineering",
        previous_account_ids="MID",
    )  # fmt: skip
    person(
        "K2B", "CUST2", "Ken", "Data Engineer", "individual_contributor", "engineering",
        previous_account_ids="MID",
    )  # fmt: skip
    person("K3", "CUST3", "Kat", "Finance Manager", "manager", "finance", previous_account_ids="T1")

    g.event("T1VPE", "webinar_attended", 3)
    g.event("T1VPE", "email_open", 20)
    g.event("T1MGR", "demo_request", 2)
    g.event("T1MGR", "pricing_page_view", 5)
    g.event("T1MGR", "pricing_page_view", 6)
    g.event("T1CFO", "unsubscribe", 1)
    g.event("S1", "content_download", 4)
    g.event("K1", "meeting_held", 10)
    g.event("K1", "email_click", 16)
    g.event("CY1", "email_open", 20)

    won = {"stage": "Closed Won", "is_closed": True, "is_won": True}
    dates = {"created_at": "2026-01-05", "closed_at": "2026-03-01"}
    g.add("opportunities", opportunity_id="O1", account_id="CUST", **won, **dates)
    g.add("opportunities", opportunity_id="O2", account_id="CUST2", **won, **dates)
    g.add("opportunity_contacts", opportunity_id="O1", contact_id="T1OPS", role="end_user")
    g.add("opportunity_contacts", opportunity_id="O1", contact_id="K1", role="champion")
    return g


@pytest.fixture(scope="module", params=BACKENDS)
def graph(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The hand-worked graph, loaded and scored, in a store of each backend."""
    folder = tmp_path_factory.mktemp("queries")
    if request.param == "neo4j":
        store = request.getfixturevalue("neo4j_server")
        store.clear()
        build(folder / "input").load(store)
        score(store)
        yield store
        return
    with EmbeddedStore(folder / "ws") as loading:
        build(folder / "input").load(loading)
        score(loading)
    # A fresh store: questions read the workspace files, as a CLI call does.
    with EmbeddedStore(folder / "ws") as store:
        yield store


def _scores(store: GraphStore, level: str, key: str) -> dict[str, dict]:
    frame = store.scores(level)
    return {row[key]: row for row in frame.to_dict("records")}


# -- the fixture is what the docstring says ---------------------------------------------
def test_fixture_scores_as_designed(graph):
    accounts = _scores(graph, "accounts", "account_id")
    contacts = _scores(graph, "contacts", "contact_id")
    assert list(accounts["T1"]["missing_roles"]) == ["economic_buyer", "end_user"]
    engaged = {c for c, row in contacts.items() if row["engaged"]}
    assert engaged == {"T1VPE", "T1MGR", "S1", "K1"}
    assert contacts["T1MGR"]["roles"] == "champion;technical_evaluator"
    assert contacts["T1OPS"]["roles"] == "end_user"
    assert contacts["T1OPS"]["role_source"] == "opportunity"
    assert contacts["T1CEO"]["roles"] == contacts["T1CFO"]["roles"] == "economic_buyer"
    assert contacts["CY1"]["roles"] == "end_user"


# -- gaps ------------------------------------------------------------------------------------
def test_gaps_ranks_who_could_fill_each_missing_role(graph):
    rows = account_gaps(graph, "T1")
    engagement = {
        c: r["engagement_score"] for c, r in _scores(graph, "contacts", "contact_id").items()
    }
    picked = [(r["role"], r["rank"], r["contact_id"], r["fit"]) for r in rows]
    # economic_buyer: holds it 40, title 20, department 15, seniority 15, org: 1 per report
    # (max 10) and 5 at the top with reports; engagement 10 * min(score, 30) / 30.
    vpe = round(15 + 2 + 10 * min(engagement["T1VPE"], 30) / 30, 2)
    mgr = round(15 + 10 * min(engagement["T1MGR"], 30) / 30, 2)
    assert picked == [
        ("economic_buyer", 1, "T1CFO", 90.0),  # holds, CFO title, finance, c_level
        ("economic_buyer", 2, "T1CEO", 80.0),  # holds, executive, c_level, 5 below, top
        ("economic_buyer", 3, "T1VPE", vpe),  # vp, 2 below, engaged
        ("end_user", 1, "T1OPS", 75.0),  # holds (deal role), 'Analyst', IC
        ("end_user", 2, "T1MGR", mgr),  # manager, engaged
        ("end_user", 3, "T1ENG", 15.0),  # IC
    ]
    cfo = rows[0]
    assert cfo["name"] == "Cat Doe" and cfo["engaged"] is False
    assert cfo["why"] == (
        "holds economic_buyer (inferred), not engaged yet; "
        "title 'Chief Financial Officer' says chief financial officer; "
        "finance department fits; c_level seniority fits"
    )
    assert rows[1]["why"].endswith("5 colleagues report up to them; top of the org chart")
    assert "holds end_user (opportunity)" in rows[3]["why"]


def test_gaps_per_role_limits_candidates(graph):
    rows = account_gaps(graph, "T1", per_role=1)
    assert [(r["role"], r["contact_id"]) for r in rows] == [
        ("economic_buyer", "T1CFO"),
        ("end_user", "T1OPS"),
    ]


def test_gaps_of_an_account_without_contacts_says_to_find_people(graph):
    rows = account_gaps(graph, "EMPTY")
    required = ["decision_maker", "economic_buyer", "champion", "technical_evaluator", "end_user"]
    assert [r["role"] for r in rows] == required
    assert all(r["contact_id"] is None and r["rank"] is None for r in rows)
    assert {r["why"] for r in rows} == {"no contacts are known at this account: find one"}


def test_portfolio_gaps_split_roles_to_engage_and_to_find(graph):
    rows = {r["account_id"]: r for r in portfolio_gaps(graph)}
    assert rows["T1"]["to_engage"] == ["economic_buyer", "end_user"]
    assert rows["T1"]["to_find"] == [] and rows["T1"]["contacts"] == 6
    assert rows["EMPTY"]["contacts"] == 0
    assert rows["EMPTY"]["to_find"] == rows["EMPTY"]["missing_roles"]
    # CYC holds decision_maker, economic_buyer, champion and end_user, engages nobody.
    assert rows["CYC"]["to_engage"] == ["decision_maker", "economic_buyer", "champion", "end_user"]
    assert rows["CYC"]["to_find"] == ["technical_evaluator"]
    priorities = [r["priority"] for r in portfolio_gaps(graph)]
    assert priorities == sorted(priorities, reverse=True)
    tier = portfolio_gaps(graph, tier=3, limit=2)
    assert len(tier) == 2 and all(r["tier"] == 3 for r in tier)


# -- org -----------------------------------------------------------------------------------
def test_org_chart_is_a_tree_most_senior_first(graph):
    chart = org_chart(graph, "T1")
    assert chart["name"] == "Target One"
    order = [(p["contact_id"], p["depth"], p["parent_id"]) for p in chart["people"]]
    assert order == [
        ("T1CEO", 0, None),
        ("T1CFO", 1, "T1CEO"),  # c_level before vp before individual contributor
        ("T1VPE", 1, "T1CEO"),
        ("T1MGR", 2, "T1VPE"),
        ("T1ENG", 3, "T1MGR"),
        ("T1OPS", 1, "T1CEO"),
    ]
    ceo = chart["people"][0]
    assert (ceo["above"], ceo["below"]) == (0, 5)
    assert chart["people"][3]["roles"] == ["champion", "technical_evaluator"]
    # The champion's nearest decision maker is the VP they report to.
    assert chart["paths_to_power"] == [
        {
            "champion_id": "T1MGR",
            "champion": "Max Doe",
            "target_id": "T1VPE",
            "target": "Vic Doe",
            "target_roles": ["decision_maker"],
            "hops": 1,
            "path": ["T1MGR", "T1VPE"],
            "route": "Max Doe (champion) → reports to Vic Doe (decision_maker)",
        }
    ]


def test_org_chart_survives_a_reporting_cycle_and_a_self_report(graph):
    chart = org_chart(graph, "CYC")
    people = {p["contact_id"]: p for p in chart["people"]}
    order = [(p["contact_id"], p["depth"]) for p in chart["people"]]
    # The cycle CY1 -> CY2 -> CY3 -> CY1 is cut at its smallest id, CY5 is its own root.
    assert order == [("CY1", 0), ("CY3", 1), ("CY2", 2), ("CY4", 1), ("CY5", 0)]
    assert people["CY1"]["note"] == "reporting cycle with CY2, CY3; drawn at the top"
    assert people["CY5"]["note"] == "reports to themselves"
    assert people["CY5"]["manager_id"] == "CY5" and people["CY5"]["parent_id"] is None
    counts = {c: (p["above"], p["below"]) for c, p in people.items()}
    assert counts == {"CY1": (2, 3), "CY2": (2, 3), "CY3": (2, 3), "CY4": (3, 0), "CY5": (0, 0)}
    paths = {p["champion_id"]: p for p in chart["paths_to_power"]}
    # CY2 and CY3 are both two steps from CY4: the smaller id wins.
    assert paths["CY4"]["path"] == ["CY4", "CY1", "CY2"]
    assert paths["CY4"]["route"] == (
        "Dee Doe (champion) → reports to Ann Doe → reports to Bob Doe (decision_maker)"
    )
    assert paths["CY5"]["path"] is None and paths["CY5"]["hops"] is None
    assert "no decision maker or economic buyer" in paths["CY5"]["route"]


def test_org_chart_of_an_account_without_contacts_is_empty(graph):
    assert org_chart(graph, "EMPTY") == {
        "account_id": "EMPTY",
        "name": "Empty Inc",
        "people": [],
        "paths_to_power": [],
    }


# -- warm paths ------------------------------------------------------------------------------
def test_warm_paths_job_changers_and_customer_paths(graph):
    rows = warm_paths(graph, "T1")
    summary = [
        (r["kind"], r["customer_id"], r["contact_id"], r["hops"], r["strength"]) for r in rows
    ]
    assert summary == [
        ("job_changer", "CUST", "T1OPS", 2, 100.0),  # on CUST's won deal O1
        ("job_changer", "CUST", "T1VPE", 2, 80.0),  # used to work at CUST
        ("path", "CUST3", "K3", 2, 80.0),  # K3 at CUST3 used to work at T1
        # CUST2 <- K2A -> MID <- T1ENG -> T1: 100 * 1 * .8 * .8 * 1 * .5 (two people).
        # Through K1 would be as short, but a path never passes another customer (CUST).
        ("path", "CUST2", "T1ENG", 4, 32.0),
    ]
    assert rows[0]["via"] == ["won_deal"] and rows[0]["deals"] == ["O1"]
    assert (
        rows[0]["route"]
        == "Customer Corp (customer) ← won deal O1 ← Oli Doe → works at → Target One"
    )
    assert rows[2]["route"] == (
        "Boomerang Co (customer) ← works at ← Kat Doe → worked at → Target One"
    )
    # K2A and K2B both link CUST2 to MID: the path whose ids sort first wins.
    assert rows[3]["path"] == ["CUST2", "K2A", "MID", "T1ENG", "T1"]
    assert rows[3]["via"] == ["works_at", "worked_at", "worked_at", "works_at"]
    assert rows[3]["route"] == (
        "Won Deal Co (customer) ← works at ← Kai Doe → worked at → Middle Co "
        "← worked at ← Eve Doe → works at → Target One"
    )
    assert [r["contact_id"] for r in warm_paths(graph, "T1", limit=2)] == ["T1OPS", "T1VPE"]


def test_warm_paths_of_accounts_nobody_links(graph):
    assert warm_paths(graph, "EMPTY") == []
    # A customer's own paths never start at itself.
    assert all(r["customer_id"] != "CUST3" for r in warm_paths(graph, "CUST3"))


# -- hierarchy -------------------------------------------------------------------------------
def test_hierarchy_family_and_rollup(graph):
    family = hierarchy(graph, "T1")
    members = [
        (m["account_id"], m["relation"], m["parent_id"], m["depth"]) for m in family["family"]
    ]
    # T1 is far more engaged than SIB, so it comes first under the parent.
    assert members == [
        ("PARENT", "parent", None, 0),
        ("T1", "self", "PARENT", 1),
        ("SUB1", "subsidiary", "T1", 2),
        ("SIB", "relative", "PARENT", 1),
    ]
    priorities = _scores(graph, "accounts", "account_id")
    assert family["family"][1]["priority"] == priorities["T1"]["priority"]
    assert family["family"][1]["departments"] == ["engineering", "it"]
    rollup = family["rollup"]
    assert rollup["accounts"] == 4
    assert rollup["engaged_accounts"] == 2 and rollup["engaged_contacts"] == 3
    assert rollup["departments"] == ["engineering", "it", "marketing"]
    assert rollup["roles_covered"] == [
        "decision_maker", "champion", "technical_evaluator", "end_user",
    ]  # fmt: skip
    assert rollup["missing_roles"] == ["economic_buyer"]
    assert rollup["top_account_id"] == "T1"


def test_hierarchy_survives_cycles_and_self_parents(graph):
    loop = hierarchy(graph, "LOOP3")
    members = [(m["account_id"], m["relation"], m["parent_id"]) for m in loop["family"]]
    assert members == [
        ("LOOP1", "parent", None),
        ("LOOP2", "relative", "LOOP1"),
        ("LOOP3", "self", "LOOP1"),
    ]
    assert loop["family"][0]["note"] == "hierarchy cycle with LOOP2; drawn at the top"
    alone = hierarchy(graph, "SELFP")
    assert [(m["account_id"], m["relation"], m["note"]) for m in alone["family"]] == [
        ("SELFP", "self", "lists itself as its parent")
    ]
    assert hierarchy(graph, "EMPTY")["rollup"]["accounts"] == 1


# -- surging ---------------------------------------------------------------------------------
def test_surging_compares_the_last_days_with_the_days_before(graph):
    rows = surging(graph, days=14)
    # T1: webinar 15 + demo 30 + two pricing views 20 (the unsubscribe counts nothing)
    # against one email open (1). CUST: a meeting (25) against a click (3). SIB: a
    # download (8) against nothing. CYC only has an older event: it is not rising.
    assert [
        (r["account_id"], r["recent_points"], r["prior_points"], r["change"], r["change_pct"])
        for r in rows
    ] == [
        ("T1", 65.0, 1.0, 64.0, 6400.0),
        ("CUST", 25.0, 3.0, 22.0, 733.3),
        ("SIB", 8.0, 0.0, 8.0, None),
    ]
    t1 = rows[0]
    assert (t1["recent_events"], t1["prior_events"]) == (4, 1)
    assert (t1["recent_contacts"], t1["prior_contacts"]) == (2, 1)
    assert t1["name"] == "Target One" and t1["tier"] in (1, 2, 3)
    week = surging(graph, days=7)
    assert [(r["account_id"], r["change"]) for r in week] == [("T1", 65.0), ("SIB", 8.0)]
    assert surging(graph, days=14, limit=1)[0]["account_id"] == "T1"


# -- similar ---------------------------------------------------------------------------------
def test_similarity_terms_by_hand():
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "B"],
            "name": ["A", "B"],
            "industry": ["Software", "software "],
            "employees": [1000, 10_000],  # a factor of ten: no size points
            "annual_revenue": [1e8, 1e8],
            "country": ["US", "DE"],
            "technologies": ["Salesforce;Snowflake", "salesforce;HubSpot"],
        }
    )
    scores = pd.DataFrame(
        {
            "account_id": ["A", "B"],
            "priority": [50.0, 40.0],
            "tier": [2, 2],
            "engaged_contacts": [2, 4],
            "departments_engaged": [1, 1],
            "roles_covered": [["champion"], ["champion", "end_user"]],
        }
    )
    f = features(accounts, scores)
    value = _similarity(f, np.array([0]), np.array([1]))[0, 0]
    # industry 25 + technologies 25 * 1/3 + revenue 10 + committee 15 * (1/2 + 1 + 1/2) / 3.
    expected = WEIGHTS["industry"] + 25 / 3 + WEIGHTS["revenue"] + 15 * (2 / 3)
    assert value == pytest.approx(expected)


def test_similar_accounts_rank_look_alikes(graph):
    rows = similar_accounts(graph, "T1", limit=3)
    assert rows[0]["account_id"] == "CUST" and rows[0]["is_customer"] is True
    assert "shares Salesforce, Snowflake" in rows[0]["why"]
    scores = [r["similarity"] for r in similar_accounts(graph, "T1", limit=None)]
    assert scores == sorted(scores, reverse=True) and len(scores) == 13
    assert all(r["account_id"] != "T1" for r in rows)


def test_similar_to_customers_finds_the_nearest_customer(graph):
    rows = similar_to_customers(graph, limit=None)
    customers = {"CUST", "CUST2", "CUST3"}
    assert customers.isdisjoint(r["account_id"] for r in rows) and len(rows) == 11
    assert rows[0]["account_id"] == "T1" and rows[0]["like_id"] == "CUST"
    assert rows[-1]["account_id"] == "EMPTY"  # retail, 50 people, Germany


# -- champions -------------------------------------------------------------------------------
def test_champions_are_engaged_senior_people_with_history(graph):
    rows = champions(graph, limit=None)
    engagement = {
        c: r["engagement_score"] for c, r in _scores(graph, "contacts", "contact_id").items()
    }

    def points(contact: str, seniority: float, history: float) -> float:
        return round(40 * min(engagement[contact] / 60, 1) + seniority + history, 2)

    expected = {
        "K1": points("K1", 20, 25 + 15),  # director on won deal O1, used to work at CUST2
        "T1VPE": points("T1VPE", 20, 15),  # VP who used to work at CUST
        "T1MGR": points("T1MGR", 15, 0),
        "S1": points("S1", 15, 0),
    }
    assert {r["contact_id"]: r["champion_score"] for r in rows} == expected
    assert [r["contact_id"] for r in rows] == sorted(expected, key=lambda c: -expected[c])
    k1 = next(r for r in rows if r["contact_id"] == "K1")
    assert k1["won_deals"] == ["O1"] and k1["customers"] == ["CUST2"]
    assert k1["account"] == "Customer Corp"
    assert "on won deal O1" in k1["why"] and "worked at customer CUST2" in k1["why"]
    assert len(champions(graph, limit=2)) == 2


# -- robustness ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "ask",
    [
        lambda s: account_gaps(s, "NOPE"),
        lambda s: org_chart(s, "NOPE"),
        lambda s: warm_paths(s, "NOPE"),
        lambda s: hierarchy(s, "NOPE"),
        lambda s: similar_accounts(s, "NOPE"),
    ],
    ids=["gaps", "org", "warm-paths", "hierarchy", "similar"],
)
def test_unknown_accounts_are_not_found(graph, ask):
    with pytest.raises(NotFoundError, match="No account 'NOPE'"):
        ask(graph)


# -- cypher ------------------------------------------------------------------------------------
def test_parse_params_decodes_json_and_keeps_text():
    assert parse_params(["id=T1", "n=3", 'ids=["a","b"]', "flag=true", 'text="3"']) == {
        "id": "T1",
        "n": 3,
        "ids": ["a", "b"],
        "flag": True,
        "text": "3",
    }
    with pytest.raises(Exception, match="NAME=VALUE"):
        parse_params(["no-equals-sign"])


def test_cypher_runs_read_only_with_parameters(graph):
    query = (
        "MATCH (:Account {account_id: $id})<-[:WORKS_AT]-(c:Contact) "
        "RETURN c.contact_id AS contact_id ORDER BY contact_id LIMIT $n"
    )
    if graph.backend == "embedded":
        with pytest.raises(StoreError, match="--backend neo4j"):
            run_cypher(graph, query, {"id": "T1", "n": 2})
        return
    assert run_cypher(graph, query, {"id": "T1", "n": 2}) == [
        {"contact_id": "T1CEO"},
        {"contact_id": "T1CFO"},
    ]
    node = run_cypher(graph, "MATCH (a:Account {account_id: 'T1'}) RETURN a")[0]["a"]
    assert node["name"] == "Target One" and node["_labels"] == ["Account"]
    assert "_seq" not in node
    with pytest.raises(StoreError, match="Refused: queries run in a read transaction"):
        run_cypher(graph, "MATCH (a:Account {account_id: 'T1'}) SET a.name = 'x'")
    with pytest.raises(StoreError, match="Refused"):
        run_cypher(graph, "CREATE (:Account {account_id: 'NEW'})")
    assert run_cypher(graph, "MATCH (a:Account {account_id: 'T1'}) RETURN a.name AS n") == [
        {"n": "Target One"}
    ]


# -- the trees under org and hierarchy -------------------------------------------------------------
def test_forest_cuts_every_cycle_once_and_keeps_every_node():
    links = {"a": "b", "b": "c", "c": "a", "d": "d", "e": "a", "f": None, "g": "missing"}
    tree = forest(links)
    assert tree.parent == {"a": None, "b": "c", "c": "a", "d": None, "e": "a", "f": None, "g": None}
    assert tree.cycles == {"a": ["a", "b", "c"]} and tree.self_links == {"d"}
    assert tree.order == [("a", 0), ("c", 1), ("b", 2), ("e", 1), ("d", 0), ("f", 0), ("g", 0)]
    assert forest({}).order == []


# -- both stores, every question, the same answer ---------------------------------------------
def _every_answer(store: GraphStore) -> dict[str, object]:
    answers: dict[str, object] = {}
    for account in ("T1", "CYC", "EMPTY", "CUST", "CUST2", "SIB", "LOOP2", "SELFP", "MID"):
        answers[f"gaps {account}"] = account_gaps(store, account)
        answers[f"org {account}"] = org_chart(store, account)
        answers[f"warm {account}"] = warm_paths(store, account)
        answers[f"hierarchy {account}"] = hierarchy(store, account)
        answers[f"similar {account}"] = similar_accounts(store, account, limit=None)
    answers["portfolio"] = portfolio_gaps(store)
    answers["surging"] = [surging(store, days=d, limit=None) for d in (3, 7, 14, 30)]
    answers["lookalikes"] = similar_to_customers(store, limit=None)
    answers["champions"] = champions(store, limit=None)
    return answers


@pytest.mark.neo4j
@pytest.mark.parametrize("graph", ["neo4j"], indirect=True)
def test_both_stores_give_identical_answers(graph, tmp_path):
    with EmbeddedStore(tmp_path / "ws") as embedded:
        build(tmp_path / "input").load(embedded)
        score(embedded)
    with EmbeddedStore(tmp_path / "ws") as embedded:
        mine, theirs = _every_answer(embedded), _every_answer(graph)
    assert mine.keys() == theirs.keys()
    for key in mine:
        assert json.dumps(mine[key], sort_keys=False) == json.dumps(theirs[key]), key
