"""CRM presets: Salesforce and HubSpot exports, as their tools write them, onto the contract."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from abmgraph.errors import InputError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.column_plan import plan_columns
from abmgraph.ingest.pipeline import ingest_file


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def rejects(path: Path) -> list[tuple[str, str, str]]:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return list(table[["source_line", "field", "reason"]].itertuples(index=False, name=None))


def nullable(column: pd.Series) -> dict[str, object]:
    """A nullable column as {index: value or None}."""
    return {k: None if pd.isna(v) else v for k, v in column.items()}


def stored_events(store: EmbeddedStore) -> pd.DataFrame:
    parts = sorted((store.root / "events").glob("part-*.parquet"))
    frame = pd.concat([pq.read_table(p).to_pandas() for p in parts], ignore_index=True)
    return frame.sort_values(["occurred_at", "contact_id"]).reset_index(drop=True)


# -- Salesforce (Data Loader / Bulk API: API field names, every value quoted) ------------------
SF_ACCOUNTS = """"Id","Name","ParentId","Website","Industry","NumberOfEmployees","AnnualRevenue","BillingCountry","BillingCountryCode","Type","OwnerId"
"0015g00000A1AAAQA3","Acme Corp","","www.acme.com","Technology","1200","15000000","United States","US","Customer - Direct","0055g0000011111"
"0015g00000A2AAAQA3","Acme UK","0015g00000A1AAAQA3","https://acme.co.uk","Technology","300","","United Kingdom","","Prospect","0055g0000011111"
"""

SF_CONTACTS = """"Id","AccountId","FirstName","LastName","Email","Title","Department","ReportsToId","HasOptedOutOfEmail","IsEmailBounced","MailingCountry","Phone","LeadSource"
"0035g00000C1AAAQA3","0015g00000A1AAAQA3","Jane","Doe","jane.doe@acme.com","VP, Marketing","Global Marketing","","false","false","United States","+1 415 555 2671","Web"
"0035g00000C2AAAQA3","0015g00000A1AAAQA3","Raj","Patel","raj@acme.com","Principal Engineer","","0035g00000C1AAAQA3","true","true","India","","Partner"
"0035g00000C3AAAQA3","","Lee","Kim","lee@acme.co.uk","Head of IT","Information Technology","","false","false","","",""
"""

SF_OPPORTUNITIES = """"Id","AccountId","Name","StageName","IsClosed","IsWon","Amount","CloseDate","CreatedDate"
"0065g00000O1AAAQA3","0015g00000A1AAAQA3","Acme renewal","Closed Won","true","true","48000","2026-06-30","2026-03-01T10:15:00.000+0000"
"0065g00000O2AAAQA3","0015g00000A2AAAQA3","Acme UK pilot","Prospecting","false","false","","2026-12-31","2026-09-12T08:00:00.000+0000"
"""

SF_ROLES = """"Id","OpportunityId","ContactId","Role","IsPrimary"
"00K5g0000001","0065g00000O1AAAQA3","0035g00000C1AAAQA3","Economic Buyer","true"
"00K5g0000002","0065g00000O1AAAQA3","0035g00000C2AAAQA3","Technical Buyer","false"
"00K5g0000003","0065g00000O2AAAQA3","0035g00000C3AAAQA3","Business User","false"
"""

SF_TASKS = """"Id","WhoId","WhatId","Subject","ActivityDate","Status","Type","TaskSubtype"
"00T5g0000001","0035g00000C1AAAQA3","0065g00000O1AAAQA3","Discovery call","2026-09-01","Completed","Call","Call"
"00T5g0000002","0035g00000C1AAAQA3","","Email: pricing","2026-09-02","Completed","","Email"
"00T5g0000003","0035g00000C2AAAQA3","","Follow-up meeting","2026-09-20","Not Started","Meeting","Task"
"00T5g0000004","0035g00000C2AAAQA3","","Demo","2026-09-03","Completed","Demo","Task"
"00T5g0000005","0035g00000C2AAAQA3","","Misc","2026-09-04","Completed","Other","Task"
"""

SF_MEMBERS = """"Id","CampaignId","Campaign.Type","ContactId","LeadId","Type","Status","HasResponded","FirstRespondedDate","CreatedDate"
"00v5g0000001","7015g0000001","Webinar","0035g00000C1AAAQA3","","Contact","Attended","true","2026-09-10","2026-09-01T09:00:00.000+0000"
"00v5g0000002","7015g0000002","Trade Show","0035g00000C2AAAQA3","","Contact","Responded","true","2026-09-11","2026-09-02T09:00:00.000+0000"
"00v5g0000003","7015g0000001","Webinar","0035g00000C3AAAQA3","","Contact","Registered","false","","2026-09-03T09:00:00.000+0000"
"00v5g0000004","7015g0000003","Email","0035g00000C3AAAQA3","","Contact","Sent","false","","2026-09-04T09:00:00.000+0000"
"00v5g0000005","7015g0000001","Webinar","","00Q5g0000001","Lead","Attended","true","2026-09-10",""
"""


@pytest.fixture
def salesforce(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "ws")
    for kind, name, text in (
        ("accounts", "Account.csv", SF_ACCOUNTS),
        ("contacts", "Contact.csv", SF_CONTACTS),
        ("opportunities", "Opportunity.csv", SF_OPPORTUNITIES),
        ("opportunity-contacts", "OpportunityContactRole.csv", SF_ROLES),
    ):
        report = ingest_file(
            store, kind, write(tmp_path, name, text), preset="salesforce", quiet=True
        )
        assert report.rejected == 0, kind
    return store


def test_salesforce_accounts_contacts_and_deals(salesforce: EmbeddedStore) -> None:
    accounts = salesforce.table("accounts").set_index("account_id")
    acme = accounts.loc["0015g00000A1AAAQA3"]
    assert (acme["name"], acme["domain"], acme["industry"], acme["country"]) == (
        "Acme Corp",
        "acme.com",
        "Technology",
        "US",
    )
    assert (acme["employees"], acme["annual_revenue"], bool(acme["is_customer"])) == (
        1200,
        15e6,
        True,
    )
    uk = accounts.loc["0015g00000A2AAAQA3"]
    assert (uk["parent_account_id"], uk["country"], bool(uk["is_customer"])) == (
        "0015g00000A1AAAQA3",
        "GB",
        False,
    )
    assert acme["owner"] == "0055g0000011111"  # OwnerId: the owner by user id

    contacts = salesforce.table("contacts").set_index("contact_id")
    jane = contacts.loc["0035g00000C1AAAQA3"]
    assert (jane["department"], jane["seniority"], jane["email_status"]) == (
        "marketing",
        "vp",
        "valid",
    )
    assert (jane["phone"], jane["country"], bool(jane["opted_out"])) == (
        "+14155552671",
        "US",
        False,
    )
    assert jane["leadsource"] == "Web"
    raj = contacts.loc["0035g00000C2AAAQA3"]
    assert (raj["manager_id"], raj["email_status"], bool(raj["opted_out"])) == (
        "0035g00000C1AAAQA3",
        "bounced",
        True,
    )
    assert (raj["department"], raj["department_source"]) == ("engineering", "inferred")
    lee = contacts.loc["0035g00000C3AAAQA3"]
    assert (lee["account_id"], lee["account_match"], lee["department"]) == (
        "0015g00000A2AAAQA3",
        "email_domain",
        "it",
    )

    deals = salesforce.table("opportunities").set_index("opportunity_id")
    won = deals.loc["0065g00000O1AAAQA3"]
    assert (won["stage"], bool(won["is_won"]), bool(won["is_closed"]), won["amount"]) == (
        "Closed Won",
        True,
        True,
        48000.0,
    )
    assert won["created_at"] == pd.Timestamp("2026-03-01T10:15:00Z")
    assert won["closed_at"] == pd.Timestamp("2026-06-30", tz="UTC")
    roles = salesforce.table("opportunity_contacts").set_index("contact_id")["role"].to_dict()
    assert roles == {
        "0035g00000C1AAAQA3": "economic_buyer",
        "0035g00000C2AAAQA3": "technical_evaluator",
        "0035g00000C3AAAQA3": "end_user",
    }


def test_salesforce_tasks_become_engagements(salesforce: EmbeddedStore, tmp_path: Path) -> None:
    out = tmp_path / "task-rejects.csv"
    report = ingest_file(
        salesforce, "engagements", write(tmp_path, "Task.csv", SF_TASKS), preset="salesforce",
        rejects_path=out, quiet=True,
    )  # fmt: skip
    assert (report.read, report.loaded, report.rejected) == (5, 2, 3)
    events = stored_events(salesforce)
    assert events["event_id"].tolist() == ["00T5g0000001", "00T5g0000004"]
    assert events["type"].tolist() == ["meeting_held", "meeting_held"]
    assert events["subject"].tolist() == ["Discovery call", "Demo"]
    lines = rejects(out)
    assert [(line, field) for line, field, _ in lines] == [
        ("3", "type"),
        ("4", "type"),
        ("6", "type"),
    ]
    assert lines[0][2].startswith(
        "Salesforce activity type 'Email' is an email sent to the contact"
    )
    assert lines[1][2] == (
        "open task (Status 'Not Started'): only completed activities count as engagements"
    )
    assert lines[2][2].startswith("unknown engagement type 'Other'; known: ")


def test_salesforce_campaign_members_become_engagements(
    salesforce: EmbeddedStore, tmp_path: Path
) -> None:
    out = tmp_path / "member-rejects.csv"
    path = write(tmp_path, "CampaignMember.csv", SF_MEMBERS)
    report = ingest_file(
        salesforce, "engagements", path, preset="salesforce", rejects_path=out, quiet=True
    )
    assert (report.read, report.loaded, report.rejected) == (5, 3, 2)
    events = stored_events(salesforce)
    assert events["type"].tolist() == ["webinar_registered", "webinar_attended", "event_attended"]
    assert events["campaign"].tolist() == ["7015g0000001", "7015g0000001", "7015g0000002"]
    assert events["occurred_at"].iloc[0] == pd.Timestamp("2026-09-03T09:00:00Z")
    assert events["input_type"].tolist() == ["Contact", "Contact", "Contact"]
    lines = rejects(out)
    assert [(line, field) for line, field, _ in lines] == [("5", "type"), ("6", "contact_id")]
    assert "'Sent' is not a response" in lines[0][2]
    # A lead, not a contact: no ContactId and no email to resolve.
    assert lines[1][2] == "missing contact_id or email (one is required)"
    again = ingest_file(salesforce, "engagements", path, preset="salesforce", quiet=True)
    assert again.new == 0


SF_REPORT_CONTACTS = """Contact ID,Account ID,First Name,Last Name,Email,Title,Mailing Country,Email Opt Out
0035g00000C9AAAQA3,0015g00000A1AAAQA3,Ann,Lee,ann@acme.com,CFO,Canada,1
"""


def test_salesforce_report_labels(salesforce: EmbeddedStore, tmp_path: Path) -> None:
    path = write(tmp_path, "report.csv", SF_REPORT_CONTACTS)
    ingest_file(salesforce, "contacts", path, preset="salesforce", quiet=True)
    ann = salesforce.table("contacts").set_index("contact_id").loc["0035g00000C9AAAQA3"]
    assert (ann["account_id"], ann["country"], bool(ann["opted_out"]), ann["seniority"]) == (
        "0015g00000A1AAAQA3",
        "CA",
        True,
        "c_level",
    )
    report_accounts = 'Account ID,Account Name,Website,Employees,Annual Revenue,Billing Country\nA7,Seven,seven.com,"1,200","$2.5M",France\n'
    ingest_file(
        salesforce,
        "accounts",
        write(tmp_path, "acc.csv", report_accounts),
        preset="salesforce",
        quiet=True,
    )
    seven = salesforce.table("accounts").set_index("account_id").loc["A7"]
    assert (seven["name"], seven["employees"], seven["annual_revenue"], seven["country"]) == (
        "Seven",
        1200,
        2.5e6,
        "FR",
    )


def test_salesforce_missing_id_names_the_accepted_columns(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    path = write(tmp_path, "c.csv", "FirstName,Email\nA,a@b.com\n")
    with pytest.raises(InputError) as info:
        ingest_file(store, "contacts", path, preset="salesforce", quiet=True)
    assert "no column contact_id (or Id, Contact ID" in str(info.value)
    assert "salesforce export of contacts" in str(info.value)


# -- HubSpot (export labels) -----------------------------------------------------------------
HS_COMPANIES = """Record ID,Company name,Company Domain Name,Website URL,Industry,Number of Employees,Annual Revenue,Country/Region,Parent Company,Lifecycle Stage,Create Date
5001,Globex,globex.com,https://www.globex.com,COMPUTER_SOFTWARE,5000,250000000,United States,,customer,2025-01-10 09:30
5002,Globex Labs,,https://labs.globex.io/,RESEARCH,40,,Germany,5001,lead,2025-02-11 10:00
"""

HS_CONTACTS = """Record ID,First Name,Last Name,Email,Job Title,Associated Company IDs,Buying Role,Phone Number,Country/Region,Unsubscribed from all email,Marketing contact status
901,Hank,Scorpio,hank@globex.com,Chief Executive Officer,5001,DECISION_MAKER;BUDGET_HOLDER,,United States,,Marketing contact
902,Frank,Grimes,frank@globex.io,Safety Inspector,5002;5001,End User,+49 30 1234567,Germany,true,Marketing contact
903,Homer,Simpson,homer@gmail.com,,,,,,,Non-marketing contact
"""

HS_DEALS = """Record ID,Deal Name,Deal Stage,Amount,Create Date,Close Date,Associated Company IDs,Pipeline
7001,Globex expansion,closedwon,120000,2026-01-05 09:00,2026-04-30,5001,Sales Pipeline
7002,Labs pilot,Closed Lost,9000,2026-02-01,2026-05-01,5002,Sales Pipeline
7003,Globex renewal,contractsent,130000,2026-08-01,,5001,Sales Pipeline
"""


def test_hubspot_companies_contacts_and_deals(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    for kind, name, text in (
        ("accounts", "companies.csv", HS_COMPANIES),
        ("contacts", "contacts.csv", HS_CONTACTS),
        ("opportunities", "deals.csv", HS_DEALS),
    ):
        report = ingest_file(store, kind, write(tmp_path, name, text), preset="hubspot", quiet=True)
        assert report.rejected == 0, kind
    accounts = store.table("accounts").set_index("account_id")
    assert accounts.loc["5001", ["name", "domain", "country"]].tolist() == [
        "Globex",
        "globex.com",
        "US",
    ]
    assert accounts.loc["5002", ["domain", "parent_account_id"]].tolist() == ["globex.io", "5001"]
    assert accounts.loc["5001", "employees"] == 5000
    assert [bool(accounts.loc[i, "is_customer"]) for i in ("5001", "5002")] == [True, False]
    assert accounts.loc["5001", "create_date"] == "2025-01-10 09:30"

    contacts = store.table("contacts").set_index("contact_id")
    # The multi-select keeps both roles: BUDGET_HOLDER is HubSpot's economic buyer.
    assert contacts.loc["901", ["account_id", "buying_role", "title", "seniority"]].tolist() == [
        "5001",
        "decision_maker;economic_buyer",
        "Chief Executive Officer",
        "c_level",
    ]
    assert contacts.loc["902", ["account_id", "buying_role", "phone", "country"]].tolist() == [
        "5002",
        "end_user",
        "+49301234567",
        "DE",
    ]
    # "Unsubscribed from all email" is the opt-out; marketing contact status is HubSpot's
    # billing flag, kept as an attribute, not an opt-out the person never made.
    assert nullable(contacts["opted_out"]) == {
        "901": None,
        "902": True,
        "903": None,
    }
    assert contacts["marketing_contact"].to_dict() == {"901": "true", "902": "true", "903": "false"}
    assert pd.isna(contacts.loc["903", "account_id"])
    # The first associated company is the account; the whole list is kept beside it.
    assert contacts.loc["902", "associated_company_ids"] == "5002;5001"

    deals = store.table("opportunities").set_index("opportunity_id")
    flags = deals[["is_won", "is_closed"]].astype(bool).to_dict("index")
    assert flags == {
        "7001": {"is_won": True, "is_closed": True},
        "7002": {"is_won": False, "is_closed": True},
        "7003": {"is_won": False, "is_closed": False},
    }
    assert deals.loc["7001", "account_id"] == "5001"
    assert deals.loc["7001", "created_at"] == pd.Timestamp("2026-01-05T09:00:00Z")


# -- planning ----------------------------------------------------------------------------
def test_headers_match_case_insensitively_and_extras_are_snake_cased() -> None:
    plan = plan_columns(
        "salesforce", "contacts", ["ID", "accountid", " EMAIL ", "Lead Source", "Name", "Type"]
    )
    assert plan.sources["contact_id"] == [("ID", None)]
    assert plan.sources["account_id"] == [("accountid", None)]
    assert plan.sources["email"] == [(" EMAIL ", None)]
    assert plan.extras == {"Lead Source": "lead_source", "Name": "name", "Type": "type"}


def test_extras_that_clash_with_stored_columns_are_prefixed() -> None:
    plan = plan_columns("native", "contacts", ["contact_id", "email_domain", "Source Line"])
    assert plan.extras == {"email_domain": "input_email_domain", "Source Line": "input_source_line"}


def test_native_names_are_accepted_by_every_preset() -> None:
    plan = plan_columns("hubspot", "contacts", ["Record ID", "seniority", "Department"])
    assert plan.sources["seniority"] == [("seniority", None)]
    assert plan.sources["department"] == [("Department", None)]


def test_candidates_coalesce_row_by_row(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    text = "Id,Name,BillingCountryCode,BillingCountry\nA1,One,DE,Germany\nA2,Two,,France\n"
    ingest_file(store, "accounts", write(tmp_path, "a.csv", text), preset="salesforce", quiet=True)
    assert store.table("accounts")["country"].tolist() == ["DE", "FR"]


def test_unknown_preset(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    with pytest.raises(InputError, match="unknown preset 'marketo'"):
        ingest_file(store, "accounts", write(tmp_path, "a.csv", "Id,Name\nA,B\n"), preset="marketo")


# -- CRM specifics ------------------------------------------------------------------------------
def test_stated_closed_flags_win_over_the_stage_name(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    accounts = '"Id","Name"\n"001A","Acme"\n'
    ingest_file(store, "accounts", write(tmp_path, "a.csv", accounts), preset="salesforce")
    text = (
        '"Id","AccountId","StageName","IsClosed","IsWon"\n'
        '"006A","001A","Closed Won","",""\n'  # flags left empty: the stage decides
        '"006B","001A","Closed Won","false","false"\n'  # stated flags are kept
        '"006C","001A","Closed - Lost to Competitor","",""\n'  # a custom closed stage
        '"006D","001A","Prospecting","",""\n'
    )
    ingest_file(store, "opportunities", write(tmp_path, "o.csv", text), preset="salesforce")
    deals = store.table("opportunities").set_index("opportunity_id").sort_index()
    flags = {k: (bool(r["is_closed"]), bool(r["is_won"])) for k, r in deals.iterrows()}
    assert flags == {
        "006A": (True, True),
        "006B": (False, False),
        "006C": (True, False),
        "006D": (False, False),
    }


def test_salesforce_individual_opt_outs_refuse_consent(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    text = (
        '"Id","LastName","Email","HasOptedOutOfEmail","Individual.HasOptedOutSolicit"\n'
        '"003A","Ash","ash@acme.com","false","true"\n'
        '"003B","Bo","bo@acme.com","true","false"\n'
        '"003C","Cy","cy@acme.com","false",""\n'
    )
    report = ingest_file(
        store, "contacts", write(tmp_path, "c.csv", text), preset="salesforce", quiet=True
    )
    assert report.rejected == 0
    contacts = store.table("contacts").set_index("contact_id").sort_index()
    # Opted out of solicitation → consent refused; not opted out says nothing about consent.
    assert nullable(contacts["consent"]) == {"003A": False, "003B": None, "003C": None}
    assert nullable(contacts["opted_out"]) == {"003A": False, "003B": True, "003C": False}


def test_salesforce_event_export_plans_meetings_and_task_export_does_not() -> None:
    event = plan_columns("salesforce", "engagements", ["Id", "WhoId", "StartDateTime", "Type"])
    assert (event.variant, event.defaults) == ("Event", {"type": "meeting_held"})
    assert event.sources["occurred_at"] == [("StartDateTime", None)]
    task = plan_columns("salesforce", "engagements", ["Id", "WhoId", "ActivityDate", "Type"])
    assert (task.variant, task.defaults) == ("Task/Event", {})


def test_currency_codes_are_checked(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(
        store, "accounts", write(tmp_path, "a.csv", "Id,Name\n001A,Acme\n"), preset="salesforce"
    )
    text = "Id,AccountId,StageName,Amount,CurrencyIsoCode\n006A,001A,Open,10, eur \n006B,001A,Open,20,Euro\n"
    report = ingest_file(
        store, "opportunities", write(tmp_path, "o.csv", text), preset="salesforce", quiet=True
    )
    assert report.loaded + report.rejected == 2
    deals = store.table("opportunities").set_index("opportunity_id")
    assert deals.loc["006A", "currency"] == "EUR"
    reasons = pd.read_csv(report.rejects_file, dtype=str)
    assert reasons["reason"].str.contains("not an ISO 4217 currency code: 'EURO'").any()


def test_a_multi_select_role_keeps_every_role_and_names_an_unknown_one(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    text = (
        "Record ID,Email,Buying Role\n"
        "1,a@acme.com,Influencer;End User\n"
        "2,b@acme.com, Budget Holder ; DECISION_MAKER ;\n"
        "3,c@acme.com,Champion;Wizard\n"
    )
    report = ingest_file(
        store, "contacts", write(tmp_path, "c.csv", text), preset="hubspot", quiet=True
    )
    contacts = store.table("contacts").set_index("contact_id")
    assert contacts.loc["1", "buying_role"] == "end_user;influencer"  # vocabulary order
    assert contacts.loc["2", "buying_role"] == "decision_maker;economic_buyer"
    # One unknown item: the value is reported as written, never half-kept.
    reasons = pd.read_csv(report.rejects_file, dtype=str)
    assert reasons["reason"].str.contains("unknown buying role 'Wizard' in 'Champion;Wizard'").any()


def test_hubspot_calls_and_activities(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    people = "Record ID,Email\n11,ann@acme.com\n12,bob@acme.com\n"
    ingest_file(store, "contacts", write(tmp_path, "c.csv", people), preset="hubspot", quiet=True)
    calls = (
        '"Record ID","Call title","Activity date","Call outcome","Call direction",'
        '"Associated Contact IDs"\n'
        '"501","Intro","2026-09-01 10:00","Connected","Outbound","11"\n'
        '"502","Retry","2026-09-02 10:00","No answer","Outbound","11"\n'
        '"503","Follow-up","2026-09-03 10:00","","Inbound","12"\n'
        '"504","Pricing","2026-09-04 10:00","Interested","Outbound","12;11"\n'
    )
    report = ingest_file(
        store, "engagements", write(tmp_path, "calls.csv", calls), preset="hubspot", quiet=True
    )
    assert (report.loaded, report.rejected) == (3, 1)
    assert pd.read_csv(report.rejects_file, dtype=str)["reason"].tolist() == [
        "'No answer': the call did not reach the contact"
    ]
    activities = (
        "Record ID,Activity type,Activity date,Associated Contact Email\n"
        "601,MEETING,2026-09-05 10:00,ann@acme.com\n"
        "602,INCOMING_EMAIL,2026-09-06 10:00,bob@acme.com\n"
        "603,EMAIL,2026-09-07 10:00,bob@acme.com\n"
        "604,NOTE,2026-09-08 10:00,ann@acme.com\n"
    )
    report = ingest_file(
        store, "engagements", write(tmp_path, "act.csv", activities), preset="hubspot", quiet=True
    )
    assert (report.loaded, report.rejected) == (2, 2)
    reasons = pd.read_csv(report.rejects_file, dtype=str)["reason"].tolist()
    assert reasons == [
        "'EMAIL' is logged by the rep, not an engagement by the contact",
        "'NOTE' is logged by the rep, not an engagement by the contact",
    ]
    events = stored_events(store)
    assert list(zip(events["contact_id"], events["type"], strict=True)) == [
        ("11", "meeting_held"),
        ("12", "meeting_held"),
        ("12", "meeting_held"),
        ("11", "meeting_held"),
        ("12", "email_reply"),
    ]
