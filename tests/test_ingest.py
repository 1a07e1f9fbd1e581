"""The ingest pipeline end to end: every kind and format, rejects, strictness, idempotence."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from abmgraph.errors import InputError, RejectedRowsError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.tables import column_dtypes
from abmgraph.ingest.hashing import hash_strings
from abmgraph.ingest.pipeline import IngestReport, ingest_file

ACCOUNTS = """account_id,name,website,industry,employees,annual_revenue,country,technologies,parent_account_id,is_customer,is_target
A1,Acme,https://www.acme.com/about,Software,1200,"$1,500,000",United States,aws; snowflake,,no,yes
A2,Beta GmbH,beta.de,Manufacturing,80,,Germany,,A1,true,
A3,Gamma,gamma.co.uk,,,,GB,,,,
"""

CONTACTS = """contact_id,account_id,email,first_name,last_name,title,seniority,department,buying_role,manager_id,email_status,opted_out,phone,country
C1,A1,Jane@Acme.com,Jane,Doe,VP Marketing,vp,marketing,Decision Maker,,valid,no,(415) 555-2671,US
C2,,bob@acme.com,Bob,Roe,Software Engineer,,,,C1,,,,
C3,,carl@gmail.com,Carl,Poe,Marketing Intern,,,,,,,,
C4,,dora@unknown-co.org,Dora,Moe,,,,,,,,,
C5,A2,eve@beta.de,Eve,Loe,Chief Happiness Wizard,,,,,bounced,,,
"""

ENGAGEMENTS = """event_id,contact_id,email,type,occurred_at,asset,campaign,channel
E1,C1,,pricing_page_view,2026-10-01T10:00:00Z,/pricing,,web
E2,,bob@acme.com,Demo Request,2026-10-02,,Q4,web
,C1,,email_open,2026-10-03 08:00:00,,Q4 newsletter,email
"""

INTENT = """account_id,domain,topic,score,observed_at
A1,,CRM software,72,2026-10-01
,beta.de,Data warehousing,55.5,2026-10-02
"""

OPPORTUNITIES = """opportunity_id,account_id,stage,is_closed,is_won,amount,created_at,closed_at
O1,A1,Negotiation,false,false,50000,2026-09-01,
O2,A2,Closed Won,true,true,12000,2026-06-01,2026-08-15
"""

OPPORTUNITY_CONTACTS = """opportunity_id,contact_id,role,is_primary
O1,C1,Economic Decision Maker,true
O1,C2,Technical Buyer,false
"""

KINDS = {
    "accounts": ACCOUNTS,
    "contacts": CONTACTS,
    "engagements": ENGAGEMENTS,
    "intent": INTENT,
    "opportunities": OPPORTUNITIES,
    "opportunity-contacts": OPPORTUNITY_CONTACTS,
}


def write(folder: Path, name: str, csv_text: str, fmt: str = "csv") -> Path:
    """Write hand-written CSV text as CSV, Parquet or JSON Lines (all values as text)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.{fmt}"
    if fmt == "csv":
        path.write_text(csv_text, encoding="utf-8")
        return path
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    if fmt == "parquet":
        columns = {k: [r[k] or None for r in rows] for k in rows[0]}
        pq.write_table(pa.table(columns), path)
    else:
        path.write_text(
            "".join(json.dumps({k: v for k, v in r.items() if v}) + "\n" for r in rows),
            encoding="utf-8",
        )
    return path


def load_all(store: EmbeddedStore, folder: Path, fmt: str = "csv") -> dict[str, IngestReport]:
    reports = {}
    for kind, text in KINDS.items():
        path = write(folder, kind, text, fmt)
        reports[kind] = ingest_file(
            store, kind, path, rejects_path=folder / f"{kind}.rejects.csv", quiet=True
        )
    return reports


def events(store: EmbeddedStore) -> pd.DataFrame:
    parts = sorted((store.root / "events").glob("part-*.parquet"))
    frame = pd.concat([pq.read_table(p).to_pandas() for p in parts], ignore_index=True)
    return frame.sort_values("occurred_at").reset_index(drop=True)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_every_kind_from_every_format(tmp_path: Path, fmt: str) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    reports = load_all(store, tmp_path / "in", fmt)
    for kind, report in reports.items():
        assert (report.rejected, report.rejects_file) == (0, None), kind
        assert report.read == report.loaded == len(KINDS[kind].strip().splitlines()) - 1
    assert reports["opportunity-contacts"].kind == "opportunity-contacts"

    accounts = store.table("accounts").set_index("account_id")
    assert accounts.loc["A1", "domain"] == "acme.com"
    assert accounts.loc["A1", "annual_revenue"] == 1_500_000.0
    assert accounts.loc["A1", "employees"] == 1200
    assert accounts.loc["A1", "country"] == "US"
    assert accounts.loc["A1", "technologies"] == "aws;snowflake"
    assert bool(accounts.loc["A1", "is_target"]) and not bool(accounts.loc["A1", "is_customer"])
    assert accounts.loc["A2", "parent_account_id"] == "A1"
    assert list(store.table("accounts").columns) == list(column_dtypes("accounts"))

    contacts = store.table("contacts").set_index("contact_id")
    assert contacts.loc["C1", "email"] == "jane@acme.com"
    assert contacts.loc["C1", "buying_role"] == "decision_maker"
    assert contacts.loc["C1", "phone"] == "+14155552671"
    assert contacts.loc["C2", "account_id"] == "A1"  # matched on acme.com
    assert contacts.loc["C2", "account_match"] == "email_domain"
    assert pd.isna(contacts.loc["C3", "account_id"])  # gmail never matches
    assert pd.isna(contacts.loc["C4", "account_id"])  # no account has the domain
    assert reports["contacts"].unmatched == 2

    stored = events(store)
    assert stored["type"].tolist() == ["pricing_page_view", "demo_request", "email_open"]
    assert stored["contact_id"].tolist() == ["C1", "C2", "C1"]
    assert str(stored["occurred_at"].dtype) == "datetime64[us, UTC]"
    assert stored["occurred_at"].iloc[0] == pd.Timestamp("2026-10-01T10:00:00Z")
    assert "email" not in stored.columns

    intent = store.table("intent").sort_values("account_id")
    assert intent["account_id"].tolist() == ["A1", "A2"]
    assert intent["score"].tolist() == [72.0, 55.5]

    opportunities = store.table("opportunities").set_index("opportunity_id")
    assert bool(opportunities.loc["O2", "is_won"])
    assert opportunities.loc["O2", "closed_at"] == pd.Timestamp("2026-08-15", tz="UTC")
    roles = store.table("opportunity_contacts").set_index("contact_id")["role"].to_dict()
    assert roles == {"C1": "economic_buyer", "C2": "technical_evaluator"}


def test_same_tables_from_every_format(tmp_path: Path) -> None:
    tables = {}
    for fmt in ("csv", "parquet", "jsonl"):
        store = EmbeddedStore(tmp_path / fmt / "ws")
        load_all(store, tmp_path / fmt / "in", fmt)
        tables[fmt] = {k: store.table(k) for k in ("accounts", "contacts", "intent")}
        tables[fmt]["events"] = events(store)
    for fmt in ("parquet", "jsonl"):
        for name, frame in tables["csv"].items():
            pd.testing.assert_frame_equal(frame, tables[fmt][name], obj=f"{fmt} {name}")


MALFORMED = (
    b"contact_id,account_id,email,title\n"
    b"C1,A1,c1@acme.com,Directeur G\xc3\xa9n\xc3\xa9ral\n"  # 2 ok (UTF-8 accents)
    b",A1,nobody@acme.com,CFO\n"  # 3 missing id
    b"C3,A1,not-an-email,CEO\n"  # 4 bad email: loads without it, with a warning
    b"C1,A1,again@acme.com,VP Sales\n"  # 5 duplicate of line 2
    b"C5,A1,j\xf6rg@acme.com,Director\n"  # 6 Latin-1 in a UTF-8 file: not UTF-8
    b"C6,A404,c6@acme.com,Manager\n"  # 7 unknown account
    b"C7,,c7@acme.com,Engineer\n"  # 8 ok, matched by domain
    b"C8,A1,c8@ac"  # 9 truncated last line
)


def test_malformed_contacts_load_the_good_rows_and_explain_the_rest(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "accounts", write(tmp_path, "accounts", ACCOUNTS), quiet=True)
    path = tmp_path / "contacts.csv"
    path.write_bytes(MALFORMED)
    rejects = tmp_path / "out" / "rejects.csv"
    report = ingest_file(store, "contacts", path, rejects_path=rejects, quiet=True)
    assert (report.read, report.loaded, report.rejected, report.warnings) == (8, 3, 5, 1)
    assert report.read == report.loaded + report.rejected
    assert report.rejects_file == str(rejects)
    contacts = store.table("contacts").set_index("contact_id")
    assert sorted(contacts.index) == ["C1", "C3", "C7"]
    assert pd.isna(contacts.loc["C3", "email"])
    assert contacts.loc["C3", "email_invalid"] == "not-an-email"
    assert contacts.loc["C3", "email_status"] == "invalid"
    table = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    assert list(table.columns) == [
        "source_line",
        "field",
        "reason",
        "severity",
        "raw_line",
        "contact_id",
        "account_id",
        "email",
        "title",
    ]
    assert table["source_line"].tolist() == ["3", "4", "5", "6", "7", "9"]
    assert table["field"].tolist() == ["contact_id", "email", "contact_id", "", "account_id", ""]
    assert table["severity"].tolist() == [
        "rejected",
        "warning",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
    ]
    reasons = table["reason"].tolist()
    assert reasons[0] == "missing contact_id (required)"
    assert reasons[1] == "not an email address: 'not-an-email'"
    assert reasons[2] == "duplicate contact_id, first seen on line 2"
    assert reasons[3].startswith("not valid UTF-8")
    assert reasons[4] == "account_id 'A404' not found: ingest accounts first"
    assert reasons[5] == "expected 4 fields, found 3"
    assert table["raw_line"].tolist() == [
        "",
        "",
        "",
        "C5,A1,j\ufffdrg@acme.com,Director",
        "",
        "C8,A1,c8@ac",
    ]
    # The original text of each row follows.
    assert table.loc[1, ["contact_id", "account_id", "email", "title"]].tolist() == [
        "C3",
        "A1",
        "not-an-email",
        "CEO",
    ]
    assert table.loc[2, "email"] == "again@acme.com"


def test_malformed_engagements(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "accounts", write(tmp_path, "accounts", ACCOUNTS), quiet=True)
    ingest_file(store, "contacts", write(tmp_path, "contacts", CONTACTS), quiet=True)
    text = (
        "event_id,contact_id,email,type,occurred_at\n"
        "E1,C1,,page_view,2026-10-01\n"  # 2 ok
        "E2,C1,,teleport,2026-10-01\n"  # 3 unknown type
        "E3,C1,,page_view,last tuesday\n"  # 4 bad date
        "E1,C2,,page_view,2026-10-02\n"  # 5 duplicate event id
        "E5,C99,,page_view,2026-10-01\n"  # 6 unknown contact
        "E6,,nobody@nowhere.com,page_view,2026-10-01\n"  # 7 unknown email
        "E7,,,page_view,2026-10-01\n"  # 8 no contact at all
        ",C1,,email_open,2026-10-03\n"  # 9 ok (derived key)
        ",C1,,email_open,2026-10-03\n"  # 10 the same event again
        "E10,C1,,page_view,\n"  # 11 missing date
    )
    rejects = tmp_path / "rejects.csv"
    report = ingest_file(
        store, "engagements", write(tmp_path, "events", text), rejects_path=rejects, quiet=True
    )
    assert (report.read, report.loaded, report.rejected, report.new) == (10, 2, 8, 2)
    table = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    assert table["source_line"].tolist() == ["3", "4", "5", "6", "7", "8", "10", "11"]
    assert table["field"].tolist() == [
        "type",
        "occurred_at",
        "event_id",
        "contact_id",
        "email",
        "contact_id",
        "event_id",
        "occurred_at",
    ]
    reasons = table["reason"].tolist()
    assert reasons[0].startswith("unknown engagement type 'teleport'; known: page_view, ")
    assert reasons[1].startswith("not a date: 'last tuesday' (accepted: ISO-8601 such as ")
    assert reasons[2] == "duplicate event_id, first seen on line 2"
    assert reasons[3] == "unknown contact_id 'C99': ingest contacts first"
    assert (
        reasons[4] == "unknown email 'nobody@nowhere.com': no contact has it; ingest contacts first"
    )
    assert reasons[5] == "missing contact_id or email (one is required)"
    assert reasons[6].startswith("duplicate event (same contact_id, type, occurred_at")
    assert reasons[6].endswith("as line 9)")
    assert reasons[7] == "missing occurred_at (required)"


def test_a_row_failing_several_fields_is_reported_once_with_the_first(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    text = "account_id,name,employees,country\nA1,,lots,Narnia\n"
    report = ingest_file(
        store, "accounts", write(tmp_path, "a", text), rejects_path=tmp_path / "r.csv", quiet=True
    )
    assert (report.read, report.rejected) == (1, 1)
    table = pd.read_csv(tmp_path / "r.csv", dtype=str)
    assert table[["field", "reason"]].values.tolist() == [["name", "missing name (required)"]]


def test_missing_required_column_changes_nothing(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "accounts", write(tmp_path, "accounts", ACCOUNTS), quiet=True)
    before = store.table("accounts").copy()
    path = write(tmp_path, "no_name", "account_id,website\nA9,nine.com\n")
    with pytest.raises(InputError) as info:
        ingest_file(store, "accounts", path, quiet=True)
    message = str(info.value)
    assert f"file {path} has no column name (required for accounts)" in message
    assert "columns found: account_id, website" in message
    assert "--preset salesforce|hubspot" in message
    pd.testing.assert_frame_equal(EmbeddedStore(tmp_path / "ws").table("accounts"), before)
    events_path = write(tmp_path, "ev", "event_id,type,occurred_at\nE1,page_view,2026-01-01\n")
    with pytest.raises(InputError, match="no column contact_id or email"):
        ingest_file(store, "engagements", events_path, quiet=True)
    bare = write(tmp_path, "bare", "id\nx\n")
    with pytest.raises(InputError, match="no columns type; occurred_at; contact_id or email"):
        ingest_file(store, "engagements", bare, quiet=True)


def test_reingesting_the_same_files_changes_nothing(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    load_all(store, tmp_path / "in")
    tables = {k: store.table(k).copy() for k in ("accounts", "contacts", "intent", "opportunities")}
    stored = events(store)
    again = load_all(store, tmp_path / "in")
    assert again["engagements"].new == 0 and again["engagements"].loaded == 3
    assert again["contacts"].new == 0 and again["contacts"].loaded == 5
    assert store.event_count() == 3
    reopened = EmbeddedStore(tmp_path / "ws")
    for kind, frame in tables.items():
        pd.testing.assert_frame_equal(reopened.table(kind), frame, obj=kind)
    pd.testing.assert_frame_equal(events(reopened), stored)


def test_strict_mode_loads_nothing(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    text = "account_id,name\nA1,Acme\nA2,\n"
    rejects = tmp_path / "r.csv"
    with pytest.raises(RejectedRowsError) as info:
        ingest_file(
            store,
            "accounts",
            write(tmp_path, "a", text),
            rejects_path=rejects,
            strict=True,
            quiet=True,
        )
    assert "1 of 2 rows" in str(info.value) and str(rejects) in str(info.value)
    assert rejects.exists()
    assert store.table("accounts").empty
    assert EmbeddedStore(tmp_path / "ws").table("accounts").empty


def test_email_domain_matching_and_unmatched_leads(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    accounts = "account_id,name,domain\nA1,Acme,acme.com\nA2,Gmail Inc,gmail.com\n"
    ingest_file(store, "accounts", write(tmp_path, "a", accounts), quiet=True)
    contacts = (
        "contact_id,email\n"
        "C1,ann@acme.com\n"  # matched
        "C2,bo@eu.acme.com\n"  # matched on the registrable domain
        "C3,cy@gmail.com\n"  # free mail: never matched, even to an account with that domain
        "C4,di@elsewhere.io\n"  # unmatched lead
        "C5,\n"  # no email: unmatched lead
    )
    report = ingest_file(store, "contacts", write(tmp_path, "c", contacts), quiet=True)
    assert (report.loaded, report.unmatched) == (5, 3)
    assert "3 unmatched leads" in report.summary_line()
    table = store.table("contacts").set_index("contact_id")
    assert table["account_id"].tolist()[:2] == ["A1", "A1"]
    assert table["account_id"].iloc[2:].isna().all()
    assert table["account_match"].tolist()[:2] == ["email_domain", "email_domain"]
    assert table["is_free_mail"].tolist()[:4] == [False, False, True, False]
    assert table.loc["C2", "email_domain"] == "eu.acme.com"


def test_title_inference_fills_seniority_and_department(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    contacts = (
        "contact_id,title,seniority,department\n"
        "C1,VP of Marketing,,\n"
        "C2,Senior Software Engineer,,\n"
        "C3,Chief Financial Officer,manager,it\n"  # explicit values win
        "C4,Happiness Wizard,,\n"  # a title no rule knows
        "C5,,,\n"  # no title
    )
    ingest_file(store, "contacts", write(tmp_path, "c", contacts), quiet=True)
    table = store.table("contacts").set_index("contact_id")
    assert table.loc["C1", ["seniority", "department"]].tolist() == ["vp", "marketing"]
    assert table.loc["C2", ["seniority", "department"]].tolist() == [
        "individual_contributor",
        "engineering",
    ]
    assert table.loc["C3", ["seniority", "department"]].tolist() == ["manager", "it"]
    assert table.loc["C1", ["seniority_source", "department_source"]].tolist() == [
        "inferred",
        "inferred",
    ]
    assert table.loc["C3", ["seniority_source", "department_source"]].tolist() == [
        "explicit",
        "explicit",
    ]
    assert pd.isna(table.loc["C4", "seniority"]) and table.loc["C4", "department"] == "other"
    assert table.loc["C4", "department_source"] == "inferred"
    assert table.loc["C5", ["seniority", "department", "department_source"]].isna().all()


def test_vocabulary_and_range_checks(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "accounts", write(tmp_path, "a", ACCOUNTS), quiet=True)
    contacts = (
        "contact_id,seniority,department,buying_role,email_status,opted_out\n"
        "C1,boss,,,,\n"
        "C2,,wizardry,,,\n"
        "C3,,,kingmaker,,\n"
        "C4,,,,maybe,\n"
        "C5,,,,,perhaps\n"
        "C6,C-Level,Information Technology,BUDGET_HOLDER,Bounced,Y\n"
    )
    report = ingest_file(
        store,
        "contacts",
        write(tmp_path, "c", contacts),
        rejects_path=tmp_path / "r.csv",
        quiet=True,
    )
    # Optional fields: every record loads, the unknown values are blanked and noted.
    assert (report.loaded, report.rejected, report.warnings) == (6, 0, 5)
    table = pd.read_csv(tmp_path / "r.csv", dtype=str)
    assert table["field"].tolist() == [
        "seniority",
        "department",
        "buying_role",
        "email_status",
        "opted_out",
    ]
    assert set(table["severity"]) == {"warning"}
    assert table["reason"].iloc[0] == (
        "unknown seniority 'boss'; accepted: c_level, vp, director, manager, individual_contributor, entry"
    )
    assert table["reason"].iloc[4] == "not true/false/yes/no/1/0: 'perhaps'"
    stored = store.table("contacts").set_index("contact_id")
    assert stored.loc["C1", "seniority_invalid"] == "boss"
    assert pd.isna(stored.loc["C1", "seniority"])
    assert stored.loc["C5", "opted_out_invalid"] == "perhaps"
    assert pd.isna(stored.loc["C5", "opted_out"])
    assert pd.isna(stored.loc["C2", "seniority_invalid"])
    row = stored.loc["C6"]
    assert (row["seniority"], row["department"], row["buying_role"], row["email_status"]) == (
        "c_level",
        "it",
        "economic_buyer",
        "bounced",
    )
    assert bool(row["opted_out"])
    intent = "account_id,topic,score,observed_at\nA1,CRM,101,2026-01-01\nA1,ERP,-1,2026-01-01\nA1,BI,100,2026-01-01\n"
    report = ingest_file(
        store, "intent", write(tmp_path, "i", intent), rejects_path=tmp_path / "ri.csv", quiet=True
    )
    assert (report.loaded, report.rejected) == (1, 2)
    reasons = pd.read_csv(tmp_path / "ri.csv", dtype=str)["reason"].tolist()
    assert reasons == ["score '101' is outside 0–100", "score '-1' is outside 0–100"]


def test_config_engagement_types_are_accepted(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "contacts", write(tmp_path, "c", "contact_id\nC1\n"), quiet=True)
    text = "contact_id,type,occurred_at\nC1,podcast_listen,2026-01-01\nC1,page_view,2026-01-02\n"
    path = write(tmp_path, "e", text)
    report = ingest_file(store, "engagements", path, rejects_path=tmp_path / "r.csv", quiet=True)
    assert (report.loaded, report.rejected) == (1, 1)
    report = ingest_file(
        store, "engagements", path, engagement_types={"podcast_listen"}, quiet=True
    )
    assert (report.loaded, report.rejected, report.new) == (2, 0, 1)


def test_references_must_exist(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    load_all(store, tmp_path / "in")
    opportunities = "opportunity_id,account_id\nO9,A404\n"
    report = ingest_file(
        store,
        "opportunities",
        write(tmp_path, "o", opportunities),
        rejects_path=tmp_path / "ro.csv",
        quiet=True,
    )
    assert report.rejected == 1
    assert pd.read_csv(tmp_path / "ro.csv")["reason"].tolist() == [
        "account_id 'A404' not found: ingest accounts first"
    ]
    roles = "opportunity_id,contact_id,role\nO404,C1,\nO1,C404,\nO1,C3,Champion\nO1,C4,Consultant\n"
    report = ingest_file(
        store,
        "opportunity_contacts",
        write(tmp_path, "r", roles),
        rejects_path=tmp_path / "rr.csv",
        quiet=True,
    )
    assert (report.loaded, report.rejected, report.warnings) == (2, 2, 1)
    table = pd.read_csv(tmp_path / "rr.csv", dtype=str)
    assert table["field"].tolist() == ["opportunity_id", "contact_id", "role"]
    assert table["severity"].tolist() == ["rejected", "rejected", "warning"]
    assert table["reason"].iloc[0] == "opportunity_id 'O404' not found: ingest opportunities first"
    intent = "domain,topic,score,observed_at\nnowhere.com,CRM,50,2026-01-01\n"
    report = ingest_file(
        store, "intent", write(tmp_path, "i", intent), rejects_path=tmp_path / "ri.csv", quiet=True
    )
    assert pd.read_csv(tmp_path / "ri.csv")["reason"].tolist() == [
        "no account has domain 'nowhere.com': ingest accounts first"
    ]


def test_unknown_columns_are_kept_as_attributes(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    text = "Account_ID,Name,Lead Source,Type\nA1,Acme,Web , Partner\n"
    ingest_file(store, "accounts", write(tmp_path, "a", text), quiet=True)
    row = store.table("accounts").iloc[0]
    assert (row["account_id"], row["name"], row["lead_source"], row["type"]) == (
        "A1",
        "Acme",
        "Web",
        "Partner",
    )


def test_empty_and_header_only_files_load_nothing(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    for name, text in (("empty", ""), ("header", "account_id,name\n")):
        report = ingest_file(store, "accounts", write(tmp_path, name, text), quiet=True)
        assert report.as_dict() == {
            "kind": "accounts",
            "read": 0,
            "loaded": 0,
            "rejected": 0,
            "rejects_file": None,
            "new": 0,
            "warnings": 0,
            "date_order": None,
            "encoding": "utf-8",
            "nul_bytes_removed": 0,
            "dry_run": False,
        }
    assert store.table("accounts").empty


def test_report_and_kind_spellings(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    report = ingest_file(store, "accounts", write(tmp_path, "a", ACCOUNTS), quiet=True)
    assert report.as_dict() == {
        "kind": "accounts",
        "read": 3,
        "loaded": 3,
        "rejected": 0,
        "rejects_file": None,
        "new": 3,
        "warnings": 0,
        "date_order": None,
        "encoding": "utf-8",
        "nul_bytes_removed": 0,
        "dry_run": False,
    }
    assert (report.new, report.unmatched) == (3, 0)
    with pytest.raises(InputError, match="unknown kind 'deals'"):
        ingest_file(store, "deals", write(tmp_path, "a", ACCOUNTS), quiet=True)


def test_default_rejects_path_is_next_to_the_input(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    report = ingest_file(
        store, "accounts", write(tmp_path, "accts", "account_id,name\nA1,\n"), quiet=True
    )
    written = Path(report.rejects_file)
    assert written.parent == tmp_path
    assert written.name.startswith("accts.rejects-") and written.suffix == ".csv"


def test_parquet_timestamps_and_numbers_are_used_as_they_are(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "contacts", write(tmp_path, "c", "contact_id\nC1\n"), quiet=True)
    path = tmp_path / "events.parquet"
    at = pd.Timestamp("2026-10-01T10:00:00Z")
    pq.write_table(
        pa.table(
            {
                "event_id": ["E1", "E2"],
                "contact_id": ["C1", "C1"],
                "type": ["page_view", "email_open"],
                "occurred_at": pa.array(
                    [at, at.tz_convert(None)], type=pa.timestamp("us", tz="UTC")
                ),
                "weight": pa.array([1.5, 2.0]),
            }
        ),
        path,
    )
    report = ingest_file(store, "engagements", path, quiet=True)
    assert report.loaded == 2
    stored = events(store)
    assert stored["occurred_at"].tolist() == [at, at]
    assert stored["weight"].tolist() == ["1.5", "2"]


def test_event_key_hash_is_stable() -> None:
    """Stored event keys depend on these exact values: they must never change."""
    values = ["E1", "a-much-longer-event-id-1234", ""]
    expected = [5317624324022080095, 13949600737315521825, 16294208416658607535]
    assert hash_strings(pa.array(values)).tolist() == expected
    assert hash_strings(pa.array(values, type=pa.large_string())).tolist() == expected
    assert hash_strings(pa.array(["x", *values]).slice(1)).tolist() == expected
    assert hash_strings(pd.Series(values, dtype="str")).tolist() == expected
    same_length = ["E1", "E2", "E3"]
    assert hash_strings(pa.array(same_length)).tolist() == [
        hash_strings(pa.array([v, "longer"]))[0] for v in same_length
    ]
