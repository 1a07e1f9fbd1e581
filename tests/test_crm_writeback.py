"""Scores back in the CRM: update files keyed by the CRM's record ids, on both stores.

A workspace holds Salesforce accounts, contacts and leads, HubSpot companies
and contacts, and native records. Each write-back file carries only the
records of its CRM (and, for Salesforce people, of its object), with the
values ``abmgraph accounts`` / ``abmgraph contacts`` show, under the field
names of the config; the manifest counts everything else by reason.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from abmgraph.errors import InputError
from abmgraph.export.crm import export_crm
from abmgraph.graph.store import GraphStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig, config_from_dict
from abmgraph.scoring.views import ranked_accounts, ranked_contacts
from tests.conftest import AS_OF, GraphBuilder, score

SF_ACCOUNTS = """Id,Name,Website,NumberOfEmployees
001000000000001AAA,Acme,acme.com,500
001000000000002AAA,Globex,globex.com,90
"""
SF_CONTACTS = """Id,AccountId,FirstName,LastName,Title,Email
003000000000001AAA,001000000000001AAA,Ann,Lee,VP Engineering,ann@acme.com
003000000000002AAA,001000000000002AAA,Bo,Chan,=HYPERLINK("x"),bo@globex.com
"""
SF_LEADS = """Id,FirstName,LastName,Title,Email,Company
00Q000000000001AAA,Cy,Dee,CTO,cy@acme.com,Acme
"""
HS_COMPANIES = """Record ID,Company name,Company Domain Name
8101,Initech,initech.com
"""
HS_CONTACTS = """Record ID,First Name,Last Name,Email,Job Title
9001,Bill,Lumbergh,bill@initech.com,Vice President
9002,Peter,Gibbons,peter@initech.com,Engineer
"""


def _ingest(store: GraphStore, folder: Path, kind: str, name: str, text: str, preset: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    report = ingest_file(
        store, kind, path, preset=preset, rejects_path=folder / f"{name}.rej", quiet=True
    )
    assert report.rejected == 0, (folder / f"{name}.rej").read_text()


@pytest.fixture
def mixed(store: GraphStore, builder: GraphBuilder, tmp_path: Path) -> GraphStore:
    """Two Salesforce accounts, two contacts and a lead; one HubSpot company and two
    contacts; one native account with one contact; events for some of each."""
    folder = tmp_path / "crm"
    folder.mkdir()
    builder.account("N1").contact("NC1", "N1")
    builder.load(store)
    _ingest(store, folder, "accounts", "Account.csv", SF_ACCOUNTS, "salesforce")
    _ingest(store, folder, "contacts", "Contact.csv", SF_CONTACTS, "salesforce")
    _ingest(store, folder, "contacts", "Lead.csv", SF_LEADS, "salesforce")
    _ingest(store, folder, "accounts", "companies.csv", HS_COMPANIES, "hubspot")
    _ingest(store, folder, "contacts", "contacts.csv", HS_CONTACTS, "hubspot")
    events = GraphBuilder(tmp_path / "events")
    for contact, days in (
        ("003000000000001AAA", 2),
        ("003000000000001AAA", 5),
        ("00Q000000000001AAA", 3),
        ("9001", 1),
        ("NC1", 4),
    ):
        events.event(contact, "page_view", days)
    events.load(store)
    score(store)
    return store


def _read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_salesforce_accounts_carry_only_salesforce_accounts(
    mixed: GraphStore, tmp_path: Path
) -> None:
    out = tmp_path / "sf-accounts.csv"
    report = export_crm(mixed, "salesforce-accounts", out)
    rows = _read(out)
    assert list(rows[0]) == [
        "Id",
        "ABM_Priority__c",
        "ABM_Tier__c",
        "ABM_Stage__c",
        "ABM_Missing_Roles__c",
    ]
    assert sorted(row["Id"] for row in rows) == ["001000000000001AAA", "001000000000002AAA"]
    shown = {row["account_id"]: row for row in ranked_accounts(mixed)}
    for row in rows:
        want = shown[row["Id"]]
        assert row["ABM_Priority__c"] == _text(want["priority"])
        assert row["ABM_Tier__c"] == _text(want["tier"])
        assert row["ABM_Stage__c"] == _text(want["stage"])
        assert row["ABM_Missing_Roles__c"] == _text(want["missing_roles"])
    # Highest priority first.
    priorities = [float(row["ABM_Priority__c"]) for row in rows]
    assert priorities == sorted(priorities, reverse=True)
    # The native account and the HubSpot company are counted, not written.
    assert report.candidates == 4
    assert report.excluded == {"not_from_salesforce": 2}
    manifest = json.loads((tmp_path / "sf-accounts.csv.manifest.json").read_text())
    assert manifest["counts"] == {
        "candidates": 4,
        "included": 2,
        "excluded": {"not_from_salesforce": 2},
    }
    assert manifest["columns"][0] == "Id"


def test_salesforce_contacts_and_leads_split_by_id_prefix(
    mixed: GraphStore, tmp_path: Path
) -> None:
    contacts = export_crm(mixed, "salesforce-contacts", tmp_path / "c.csv")
    leads = export_crm(mixed, "salesforce-leads", tmp_path / "l.csv")
    contact_rows = _read(tmp_path / "c.csv")
    lead_rows = _read(tmp_path / "l.csv")
    assert list(contact_rows[0]) == [
        "Id",
        "ABM_Contact_Score__c",
        "ABM_Grade__c",
        "ABM_Quadrant__c",
    ]
    assert [row["Id"] for row in contact_rows] == ["003000000000001AAA", "003000000000002AAA"]
    assert [row["Id"] for row in lead_rows] == ["00Q000000000001AAA"]
    # 6 people: 2 contacts and 1 lead from Salesforce, 2 from HubSpot, 1 native.
    assert contacts.excluded == {"not_from_salesforce": 3, "salesforce_lead": 1}
    assert leads.excluded == {"not_from_salesforce": 3, "salesforce_contact": 2}
    shown = {row["contact_id"]: row for row in ranked_contacts(mixed)}
    for row in contact_rows + lead_rows:
        want = shown[row["Id"]]
        assert row["ABM_Contact_Score__c"] == _text(want["score"])
        assert row["ABM_Grade__c"] == _text(want["grade"])
        assert row["ABM_Quadrant__c"] == _text(want["quadrant"])


def test_hubspot_files_use_record_id_and_configured_properties(
    mixed: GraphStore, tmp_path: Path
) -> None:
    config = config_from_dict(
        {"export": {"hubspot": {"priority": "account_priority", "grade": "lead_grade"}}}
    )
    companies = export_crm(mixed, "hubspot-companies", tmp_path / "co.csv", config)
    people = export_crm(mixed, "hubspot-contacts", tmp_path / "p.csv", config)
    company_rows = _read(tmp_path / "co.csv")
    people_rows = _read(tmp_path / "p.csv")
    assert list(company_rows[0]) == [
        "Record ID",
        "account_priority",
        "abm_tier",
        "abm_stage",
        "abm_missing_roles",
    ]
    assert [row["Record ID"] for row in company_rows] == ["8101"]
    assert list(people_rows[0]) == ["Record ID", "abm_contact_score", "lead_grade", "abm_quadrant"]
    assert sorted(row["Record ID"] for row in people_rows) == ["9001", "9002"]
    assert companies.excluded == {"not_from_hubspot": 3}
    assert people.excluded == {"not_from_hubspot": 4}
    shown = {row["account_id"]: row for row in ranked_accounts(mixed)}
    assert company_rows[0]["account_priority"] == _text(shown["8101"]["priority"])


def test_scores_go_to_people_whatever_their_consent(mixed: GraphStore, tmp_path: Path) -> None:
    # No contact here has recorded consent: an audience export would send none of them.
    # A write-back updates fields the CRM holds already, so each is written.
    report = export_crm(mixed, "salesforce-contacts", tmp_path / "c.csv")
    assert report.included == 2


def test_formula_like_ids_are_disarmed(store: GraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "crm"
    folder.mkdir()
    _ingest(
        store, folder, "accounts", "companies.csv", "Record ID,Company name\n=1+2,Evil\n", "hubspot"
    )
    score(store)
    export_crm(store, "hubspot-companies", tmp_path / "co.csv")
    assert _read(tmp_path / "co.csv")[0]["Record ID"] == "'=1+2"


def test_no_crm_records_writes_nothing_and_says_why(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    builder.account("N1").contact("NC1", "N1").load(store)
    score(store)
    out = tmp_path / "sf.csv"
    with pytest.raises(InputError, match=r"not_from_salesforce 1.*--preset salesforce"):
        export_crm(store, "salesforce-accounts", out)
    assert not out.exists()
    dry = export_crm(store, "salesforce-accounts", out, dry_run=True)
    assert dry.included == 0 and dry.excluded == {"not_from_salesforce": 1}
    assert not out.exists()


def test_native_reingest_keeps_the_crm_origin(
    mixed: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    # An enrichment file loaded natively names no origin: the record stays Salesforce's.
    path = tmp_path / "enrich.csv"
    path.write_text("account_id,name,industry\n001000000000001AAA,Acme,Software\n")
    ingest_file(mixed, "accounts", path, rejects_path=tmp_path / "r.csv", quiet=True)
    score(mixed)
    report = export_crm(mixed, "salesforce-accounts", tmp_path / "a.csv")
    assert report.included == 2


def test_field_names_are_checked(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="HubSpot property internal name"):
        config_from_dict({"export": {"hubspot": {"grade": "Lead Grade"}}})
    with pytest.raises(Exception, match="more than one score"):
        config_from_dict({"export": {"salesforce": {"tier": "ABM_Priority__c"}}})
    assert ScoringConfig().export.salesforce.priority == "ABM_Priority__c"
    assert AS_OF


def test_cli_writes_the_file_and_refuses_audience_filters(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from abmgraph.cli import cli

    workspace = tmp_path / "ws"

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["--workspace", str(workspace), *args])

    (tmp_path / "Account.csv").write_text(SF_ACCOUNTS, encoding="utf-8")
    (tmp_path / "native.csv").write_text("account_id,name\nN1,Native\n", encoding="utf-8")
    assert run("init").exit_code == 0
    ingest = run("ingest", "accounts", str(tmp_path / "Account.csv"), "--preset", "salesforce")
    assert ingest.exit_code == 0, ingest.output
    assert run("ingest", "accounts", str(tmp_path / "native.csv")).exit_code == 0
    assert run("score", "--as-of", AS_OF).exit_code == 0
    out = tmp_path / "sf.csv"
    result = run("export", "salesforce-accounts", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 2 accounts for salesforce-accounts" in result.output
    assert "(not_from_salesforce 1)" in result.output
    shown = {
        row["account_id"]: row for row in json.loads(run("accounts", "--format", "json").stdout)
    }
    for row in _read(out):
        assert row["ABM_Priority__c"] == _text(shown[row["Id"]]["priority"])
    refused = run("export", "salesforce-accounts", "--tier", "1", "--out", str(out))
    assert refused.exit_code == 2
    assert "--tier does not apply to salesforce-accounts" in refused.output
