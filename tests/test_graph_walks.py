"""The graph walks behind the account's graph components, on both stores.

One hand-drawn graph holds every awkward shape: a chain of managers, a
reporting cycle, a self-report, a manager at another account, a contact who
moved twice, a family with a grandchild, a family cycle, a self-parent and a
parent nobody stored. Expected rows are read off the drawing.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import GraphBuilder

from abmgraph.scoring.graph_components import graph_dependents


def org(builder: GraphBuilder) -> GraphBuilder:
    """Account A's org chart (and B's CEO, whom A-M2 reports to across accounts).

    A-CIO ← A-VP ← A-MGR ← A-IC ← A-INT      (each reports to the one on its left)
    A-P1 ⇄ A-P2 (a reporting cycle), A-S → A-S (a self-report), A-M2 → B-CEO
    """
    builder.account("A").account("B")
    for contact_id, manager in [
        ("A-CIO", None),
        ("A-VP", "A-CIO"),
        ("A-MGR", "A-VP"),
        ("A-IC", "A-MGR"),
        ("A-INT", "A-IC"),
        ("A-P1", "A-P2"),
        ("A-P2", "A-P1"),
        ("A-S", "A-S"),
        ("A-M2", "B-CEO"),
    ]:
        builder.contact(contact_id, "A", manager_id=manager or "")
    builder.contact("B-CEO", "B", manager_id="")
    return builder


EVERYONE = ["A-CIO", "A-VP", "A-MGR", "A-IC", "A-INT", "A-P1", "A-P2", "A-S", "A-M2", "B-CEO"]


def paths(store, starts, targets, hops) -> dict[str, list[str]]:
    found = store.reporting_paths(pd.Series(starts), pd.Series(targets), hops)
    assert list(found["contact_id"]) == sorted(found["contact_id"])
    return dict(zip(found["contact_id"], found["path"].map(list), strict=True))


def test_reporting_paths_climb_to_the_nearest_target_within_the_hops(store, builder):
    org(builder).load(store)
    found = paths(store, EVERYONE, ["A-CIO", "A-P2", "A-S", "B-CEO"], 3)
    assert found == {
        "A-VP": ["A-VP", "A-CIO"],
        "A-MGR": ["A-MGR", "A-VP", "A-CIO"],
        "A-IC": ["A-IC", "A-MGR", "A-VP", "A-CIO"],  # 3 steps: just within reach
        # A-INT needs 4 steps; A-P2 only comes back to itself round the cycle; A-S
        # reports to itself; A-M2's manager works at another account; A-CIO and
        # B-CEO report to nobody.
        "A-P1": ["A-P1", "A-P2"],
    }


def test_reporting_paths_stop_at_the_first_target_and_follow_the_hops(store, builder):
    org(builder).load(store)
    nearest = paths(store, ["A-INT", "A-IC"], ["A-CIO", "A-VP"], 4)
    assert nearest == {
        "A-INT": ["A-INT", "A-IC", "A-MGR", "A-VP"],
        "A-IC": ["A-IC", "A-MGR", "A-VP"],
    }
    assert paths(store, ["A-INT"], ["A-CIO"], 4) == {
        "A-INT": ["A-INT", "A-IC", "A-MGR", "A-VP", "A-CIO"]
    }
    assert paths(store, ["A-INT"], ["A-CIO"], 1) == {}
    # Round a cycle of two with room to spare: A-P1 reaches A-P2 and never itself.
    assert paths(store, ["A-P1", "A-P2"], ["A-P1"], 5) == {"A-P2": ["A-P2", "A-P1"]}


def test_reporting_paths_of_nobody(store, builder):
    org(builder).load(store)
    assert paths(store, [], ["A-CIO"], 3) == {}
    assert paths(store, ["A-IC"], [], 3) == {}
    assert paths(store, ["NOBODY"], ["A-CIO"], 3) == {}


def moves(builder: GraphBuilder) -> GraphBuilder:
    """M1 moved twice (B, then C, now A); M2 never left A; M3 came to A from B.

    Deals: OB at B (M1 and M3 on it), OC at C (M1), OA at A (M1, at the current
    account) and OD at D (M1, where M1 never worked). M3 also names X, an
    account nobody stored.
    """
    for account_id in "ABCD":
        builder.account(account_id)
    builder.contact("M1", "A", previous_account_ids="B;C")
    builder.contact("M2", "A")
    builder.contact("M3", "A", previous_account_ids="B;X")
    builder.contact("N1", "B", previous_account_ids="A")
    for deal, account_id in [("OA", "A"), ("OB", "B"), ("OC", "C"), ("OD", "D")]:
        builder.add("opportunities", opportunity_id=deal, account_id=account_id, is_won="false")
    for deal, person in [("OB", "M1"), ("OC", "M1"), ("OA", "M1"), ("OD", "M1"), ("OB", "M3")]:
        builder.add("opportunity_contacts", opportunity_id=deal, contact_id=person, role="champion")
    return builder


def test_past_deals_are_deals_at_accounts_people_worked_at_before(store, builder):
    moves(builder).load(store)
    expected = [
        ("A", "M1", "B", "OB"),
        ("A", "M1", "C", "OC"),
        ("A", "M3", "B", "OB"),
    ]
    found = store.past_deals()
    assert list(found.columns) == ["account_id", "contact_id", "from_account_id", "opportunity_id"]
    assert list(found.itertuples(index=False, name=None)) == expected
    only_a = store.past_deals(pd.Series(["A"]))
    assert list(only_a.itertuples(index=False, name=None)) == expected
    assert store.past_deals(pd.Series(["B", "C"])).empty  # N1 was on no deal at A


def families(builder: GraphBuilder) -> GraphBuilder:
    """F-P ← F-S1 ← F-G and F-P ← F-S2; a cycle C-X ⇄ C-Y; Z its own parent; L alone; U's parent unknown."""
    for account_id, parent in [
        ("F-P", ""),
        ("F-S1", "F-P"),
        ("F-S2", "F-P"),
        ("F-G", "F-S1"),
        ("C-X", "C-Y"),
        ("C-Y", "C-X"),
        ("Z", "Z"),
        ("L", ""),
        ("U", "NOPE"),
    ]:
        builder.account(account_id, parent_account_id=parent)
    return builder


def test_account_families_are_the_accounts_linked_either_way(store, builder):
    families(builder).load(store)
    every = store.account_families()
    assert list(every.itertuples(index=False, name=None)) == [
        ("C-X", "C-X"),
        ("C-Y", "C-X"),
        ("F-G", "F-G"),
        ("F-P", "F-G"),
        ("F-S1", "F-G"),
        ("F-S2", "F-G"),
    ]
    one = store.account_families(pd.Series(["F-S2", "L", "Z"]))
    assert list(one["account_id"]) == ["F-G", "F-P", "F-S1", "F-S2"]
    assert set(one["family"]) == {"F-G"}
    assert store.account_families(pd.Series(["U", "L", "Z"])).empty


def test_alumni_employers_and_graph_dependents(store, builder):
    families(moves(builder)).load(store)
    assert list(store.alumni_employers(pd.Series(["B"]))) == ["A"]
    assert list(store.alumni_employers(pd.Series(["A", "C"]))) == ["A", "B"]
    assert graph_dependents(store, ["B"]) == {"A"}
    assert graph_dependents(store, ["F-S1"]) == {"F-P", "F-S2", "F-G"}
    assert graph_dependents(store, ["F-S1", "F-P", "C"]) == {"F-S2", "F-G", "A"}
    assert graph_dependents(store, ["L", "Z"]) == set()
    assert graph_dependents(store, []) == set()


@pytest.mark.parametrize("hops", [1, 10])
def test_max_hops_bounds(store, builder, hops):
    """A chain of eleven: from its foot the top is ten steps up."""
    builder.account("A")
    for i in range(11):
        builder.contact(f"K{i:02d}", "A", manager_id=f"K{i + 1:02d}" if i < 10 else "")
    builder.load(store)
    found = paths(store, ["K00"], ["K10"], hops)
    assert found == ({} if hops < 10 else {"K00": [f"K{i:02d}" for i in range(11)]})
