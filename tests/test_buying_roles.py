"""A contact holds a list of buying roles: ingest, both stores, scoring, committee, exports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from abmgraph.cli.app import cli
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.neo4j_import import write_import_files
from abmgraph.graph.role_lists import role_names, split_roles
from abmgraph.graph.store import GraphStore
from abmgraph.ingest.buying_roles import canonical_buying_roles
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.queries.gaps import account_gaps, role_holders
from abmgraph.scoring.explain import explain_account
from abmgraph.scoring.views import committee
from tests.conftest import score

ACCOUNTS = """account_id,name,domain,industry,employees,country
A1,Acme,acme.com,Software,1000,US
A2,Bravo,bravo.com,Software,1000,US
"""

# HubSpot's multi-select as it exports: the values quoted, `;` between them, labels as shown.
CONTACTS = """contact_id,account_id,email,title,seniority,department,buying_role,consent
C1,A1,c1@acme.com,Director of IT,director,it,"DECISION_MAKER;Champion",true
C2,A2,c2@bravo.com,Director of IT,director,it,Decision Maker,true
C3,A1,c3@acme.com,Analyst,individual_contributor,it,"Influencer; End User;influencer;",true
"""

EVENTS = """event_id,contact_id,type,occurred_at
E1,C1,demo_request,2026-10-30
E2,C2,demo_request,2026-10-30
"""


def load(store: GraphStore, folder: Path, contacts: str = CONTACTS) -> GraphStore:
    folder.mkdir(parents=True, exist_ok=True)
    for kind, text in (("accounts", ACCOUNTS), ("contacts", contacts), ("engagements", EVENTS)):
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        report = ingest_file(store, kind, path, rejects_path=folder / f"{kind}-r.csv", quiet=True)
        assert report.rejected == 0, (folder / f"{kind}-r.csv").read_text()
    return store


def explicit_roles(store: GraphStore) -> list[tuple[str, str, str]]:
    """Every HAS_ROLE relationship as (contact_id, role, source), sorted."""
    if isinstance(store, EmbeddedStore):
        g = store.graph()
        return sorted(
            (a[1], b[1], d["source"]) for a, b, d in g.edges(data=True) if d["type"] == "HAS_ROLE"
        )
    rows = store.read_query(
        "MATCH (c:Contact)-[r:HAS_ROLE]->(x:Role) "
        "RETURN c.contact_id AS contact, x.name AS role, r.source AS source"
    )
    return sorted((r["contact"], r["role"], r["source"]) for r in rows)


# -- parsing ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Influencer;End User", "end_user;influencer"),  # stored in vocabulary order
        ("DECISION_MAKER;BUDGET_HOLDER", "decision_maker;economic_buyer"),
        (" champion ; champion ;", "champion"),  # repeats and empty items drop
        ("Technical Buyer", "technical_evaluator"),  # a Salesforce contact-role label
        ("Economic Decision Maker", "economic_buyer"),
    ],
)
def test_each_role_of_a_list_is_canonical(raw: str, expected: str) -> None:
    values, invalid, reasons = canonical_buying_roles(pd.Series([raw]))
    assert (values[0], bool(invalid[0]), len(reasons)) == (expected, False, 0)


def test_empty_values_are_missing_not_invalid() -> None:
    values, invalid, _ = canonical_buying_roles(pd.Series([None, "", " ; "], dtype="str"))
    assert values.isna().tolist() == [True, True, True]
    assert invalid.tolist() == [False, False, False]


def test_an_unknown_role_in_a_list_is_named() -> None:
    values, invalid, reasons = canonical_buying_roles(
        pd.Series(["champion", "Champion;Wizard", "Wizard"])
    )
    assert invalid.tolist() == [False, True, True]
    accepted = (
        "accepted: decision_maker, economic_buyer, champion, technical_evaluator, end_user, "
        "influencer, executive_sponsor, legal_procurement, blocker, other"
    )
    assert reasons.to_dict() == {
        1: f"unknown buying role 'Wizard' in 'Champion;Wizard'; {accepted}",
        2: f"unknown buying role 'Wizard'; {accepted}",
    }
    assert values[1] == "champion"  # the known part is kept for whoever blanks the rest


def test_split_roles_gives_one_row_per_role() -> None:
    held = split_roles(pd.Series(["end_user;influencer", None, "champion"], dtype="str"))
    assert held.values.tolist() == [[0, "end_user"], [0, "influencer"], [2, "champion"]]
    assert role_names("end_user;influencer") == ["end_user", "influencer"]
    assert role_names(None) == []


# -- ingest and the stores ---------------------------------------------------------------
def test_ingest_keeps_every_role(store: GraphStore, tmp_path: Path) -> None:
    load(store, tmp_path / "in")
    roles = store.table("contacts").set_index("contact_id")["buying_role"].to_dict()
    assert roles == {
        "C1": "decision_maker;champion",
        "C2": "decision_maker",
        "C3": "end_user;influencer",
    }


def test_an_unknown_role_rejects_the_row_with_the_item_named(
    store: GraphStore, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    load(store, folder)
    path = folder / "more.csv"
    path.write_text("contact_id,account_id,buying_role\nC4,A1,Champion;Wizard\n", encoding="utf-8")
    report = ingest_file(store, "contacts", path, rejects_path=folder / "more-r.csv", quiet=True)
    # The list is handled as one unknown role is (the row rejected, or loaded without its
    # roles and a warning where an invalid optional field only warns); the reason is the same.
    assert report.loaded + report.rejected == 1
    assert "C4" not in set(store.table("contacts")["contact_id"]) or pd.isna(
        store.table("contacts").set_index("contact_id").loc["C4", "buying_role"]
    )
    rejects = pd.read_csv(folder / "more-r.csv", dtype=str)
    assert rejects.loc[0, "field"] == "buying_role"
    assert rejects.loc[0, "reason"].startswith(
        "unknown buying role 'Wizard' in 'Champion;Wizard'; accepted: decision_maker"
    )


def test_one_has_role_relationship_per_role(store: GraphStore, tmp_path: Path) -> None:
    load(store, tmp_path / "in")
    assert explicit_roles(store) == [
        ("C1", "champion", "explicit"),
        ("C1", "decision_maker", "explicit"),
        ("C2", "decision_maker", "explicit"),
        ("C3", "end_user", "explicit"),
        ("C3", "influencer", "explicit"),
    ]


def test_a_changed_list_moves_the_relationships(store: GraphStore, tmp_path: Path) -> None:
    load(store, tmp_path / "in")
    path = tmp_path / "again.csv"
    # C1 drops decision_maker and gains end_user; C3's roles are cleared.
    path.write_text(
        "contact_id,account_id,buying_role\nC1,A1,Champion;End User\nC3,A1,\n", encoding="utf-8"
    )
    ingest_file(store, "contacts", path, rejects_path=tmp_path / "again-r.csv", quiet=True)
    assert explicit_roles(store) == [
        ("C1", "champion", "explicit"),
        ("C1", "end_user", "explicit"),
        ("C2", "decision_maker", "explicit"),
    ]


def test_bulk_import_files_hold_one_has_role_row_per_role(tmp_path: Path) -> None:
    store = load(EmbeddedStore(tmp_path / "ws"), tmp_path / "in")
    folder = tmp_path / "import"
    write_import_files(store, folder)
    names = pd.read_csv(folder / "roles.csv", dtype=str)["name"].tolist()
    contacts = pd.read_csv(folder / "contacts.csv", dtype=str)[":ID"].astype(int).tolist()
    links = pd.read_csv(folder / "has_role.csv", dtype=str)
    first_role = int(pd.read_csv(folder / "roles.csv", dtype=str)[":ID"].astype(int).min())
    pairs = sorted(
        (f"C{int(a) - contacts[0] + 1}", names[int(b) - first_role])
        for a, b in zip(links.iloc[:, 0], links.iloc[:, 1], strict=True)
    )
    assert pairs == [
        ("C1", "champion"),
        ("C1", "decision_maker"),
        ("C2", "decision_maker"),
        ("C3", "end_user"),
        ("C3", "influencer"),
    ]
    assert set(links["source"]) == {"explicit"}


# -- scoring, committee, explain ---------------------------------------------------------
def test_one_contact_covers_two_required_roles(store: GraphStore, tmp_path: Path) -> None:
    load(store, tmp_path / "in")
    result = score(store)
    accounts = result.accounts.set_index("account_id")
    # A1's only engaged contact C1 holds decision_maker and champion: 2 of the 5 default
    # required roles, 15 × 2/5 = 6 committee points, × engagement weight 0.6 = 3.6 priority
    # points; A2's C2 holds decision_maker alone: 15 × 1/5 × 0.6 = 1.8. (C3 at A1 holds
    # end_user and influencer but has no event, so covers nothing.)
    assert list(accounts.loc["A1", "roles_covered"]) == ["decision_maker", "champion"]
    assert list(accounts.loc["A1", "missing_roles"]) == [
        "economic_buyer",
        "technical_evaluator",
        "end_user",
    ]
    assert accounts.loc["A1", "committee.role_coverage"] == pytest.approx(3.6)
    assert list(accounts.loc["A2", "roles_covered"]) == ["decision_maker"]
    assert accounts.loc["A2", "committee.role_coverage"] == pytest.approx(1.8)
    assert accounts.loc["A1", "priority"] > accounts.loc["A2", "priority"]
    contacts = result.contacts.set_index("contact_id")
    assert contacts.loc["C1", "roles"] == "decision_maker;champion"
    assert contacts.loc["C1", "role_source"] == "explicit"


def test_committee_lists_every_role(store: GraphStore, tmp_path: Path) -> None:
    load(store, tmp_path / "in")
    score(store)
    people = {p["contact_id"]: p for p in committee(store, "A1")["contacts"]}
    assert people["C1"]["roles"] == ["decision_maker", "champion"]
    assert people["C3"]["roles"] == ["end_user", "influencer"]
    assert people["C3"]["role_source"] == "explicit"


def test_explain_names_both_roles_one_contact_covers(store: GraphStore, tmp_path: Path) -> None:
    load(store, tmp_path / "in")
    score(store)
    found = explain_account(store, "A1")
    detail = next(
        c["detail"] for c in found["contributions"] if c["name"] == "committee.role_coverage"
    )
    assert detail.startswith(
        "covers decision_maker, champion; missing economic_buyer, technical_evaluator, end_user"
    )


def test_committee_json_and_contact_export_carry_both_roles(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    load(EmbeddedStore(workspace), tmp_path / "in")
    runner = CliRunner()
    base = ["--workspace", str(workspace)]
    done = runner.invoke(cli, [*base, "score", "--as-of", "2026-11-01"])
    assert done.exit_code == 0, done.output
    shown = runner.invoke(cli, [*base, "committee", "A1", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    roles = {p["contact_id"]: p["roles"] for p in json.loads(shown.stdout)["contacts"]}
    assert roles == {"C1": ["decision_maker", "champion"], "C3": ["end_user", "influencer"]}
    out = tmp_path / "contacts.csv"
    done = runner.invoke(cli, [*base, "export", "csv", "--level", "contacts", "--out", str(out)])
    assert done.exit_code == 0, done.output
    exported = pd.read_csv(out, dtype=str).set_index("contact_id")["roles"].to_dict()
    assert exported["C1"] == "decision_maker;champion"
    assert exported["C3"] == "end_user;influencer"


def test_gaps_name_the_holder_of_either_role(store: GraphStore, tmp_path: Path) -> None:
    load(store, tmp_path / "in")
    score(store)
    # A1 misses end_user; C3 holds it (beside influencer) but has not engaged yet.
    first = next(r for r in account_gaps(store, "A1") if r["role"] == "end_user")
    assert first["rank"] == 1 and first["contact_id"] == "C3"
    assert first["why"].startswith("holds end_user (explicit), not engaged yet")
    holders = {r["account_id"]: r["roles"] for r in role_holders(store)}
    assert holders["A1"] == ["champion", "decision_maker", "end_user", "influencer"]


# A HubSpot contacts export as it comes: every field quoted, the multi-select as HubSpot
# writes it, one contact with no associated company (matched by its email domain).
HUBSPOT_CONTACTS = """\
"Record ID","First Name","Last Name","Email","Job Title","Associated Company IDs","Buying Role"
"901","Hank","Scorpio","hank@acme.com","VP Engineering","A1","Influencer;End User"
"902","Marge","Bouvier","marge@bravo.com","CFO","","BUDGET_HOLDER;DECISION_MAKER;BLOCKER"
"903","Otto","Mann","otto@acme.com","Driver","A1",""
"""


def test_a_hubspot_multi_select_keeps_every_role(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (folder / "contacts.csv").write_text(HUBSPOT_CONTACTS, encoding="utf-8")
    ingest_file(store, "accounts", folder / "accounts.csv", quiet=True)
    report = ingest_file(store, "contacts", folder / "contacts.csv", preset="hubspot", quiet=True)
    assert (report.loaded, report.rejected) == (3, 0)
    contacts = store.table("contacts").set_index("contact_id").sort_index()
    assert contacts["buying_role"].fillna("-").tolist() == [
        "end_user;influencer",
        "decision_maker;economic_buyer;blocker",
        "-",
    ]
    assert contacts.loc["902", "account_id"] == "A2"  # bravo.com, by its email domain
    assert [r for r in explicit_roles(store) if r[0] == "902"] == [
        ("902", "blocker", "explicit"),
        ("902", "decision_maker", "explicit"),
        ("902", "economic_buyer", "explicit"),
    ]


def test_an_explicit_list_still_wins_over_deal_roles(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    load(store, folder)
    (folder / "o.csv").write_text(
        "opportunity_id,account_id,stage,created_at\nO1,A1,Discovery,2026-09-01\n",
        encoding="utf-8",
    )
    (folder / "oc.csv").write_text(
        "opportunity_id,contact_id,role\nO1,C1,Economic Buyer\n", encoding="utf-8"
    )
    ingest_file(store, "opportunities", folder / "o.csv", quiet=True)
    ingest_file(store, "opportunity_contacts", folder / "oc.csv", quiet=True)
    result = score(store)
    contacts = result.contacts.set_index("contact_id")
    # C1's explicit pair is kept whole; the deal's economic_buyer is not mixed in.
    assert contacts.loc["C1", ["roles", "role_source"]].tolist() == [
        "decision_maker;champion",
        "explicit",
    ]
