"""Feedback and sales activities in, from native files and Salesforce / HubSpot exports.

Both stores keep them as tables of their own; a rep's activities never reach
a score.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from abmgraph.graph.store import GraphStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store
from tests.conftest import AS_OF, GraphBuilder, score


def _graph(builder: GraphBuilder, store: GraphStore) -> GraphStore:
    builder.account("A1").account("A2")
    builder.contact("00Q1", "A1", title="VP Engineering").contact("00Q2", "A1")
    builder.contact("00Q3", "A2", title="Student")
    builder.event("00Q1", "demo_request", 3).event("00Q2", "pricing_page_view", 1)
    builder.event("00Q3", "webinar_attended", 10)
    return builder.load(store)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _rejects(path: Path) -> list[str]:
    return pd.read_csv(path)["reason"].tolist() if path.exists() else []


def test_salesforce_lead_status_export(store: GraphStore, builder: GraphBuilder, tmp_path: Path):
    _graph(builder, store)
    path = _write(
        tmp_path,
        "Lead.csv",
        "Id,Status,Unqualified_Reason__c,Owner.Name,LastModifiedDate,ConvertedDate\n"
        "00Q1,Working - Contacted,,Ann Lee,2026-10-02T10:00:00.000+0000,\n"
        "00Q2,Closed - Converted,,Ann Lee,2026-10-09T10:00:00.000+0000,2026-10-05\n"
        "00Q3,Unqualified,No fit - student,Bo Chan,2026-10-03T08:30:00.000+0000,\n"
        "00Q9,Nurturing,,Bo Chan,2026-10-03T08:30:00.000+0000,\n"
        "00Q2,Open - Not Contacted,,Ann Lee,2026-10-01T10:00:00.000+0000,\n",
    )
    rejects = tmp_path / "lead-rejects.csv"
    report = ingest_file(store, "feedback", path, preset="salesforce", rejects_path=rejects)
    assert (report.read, report.loaded, report.rejected) == (5, 3, 2)
    assert _rejects(rejects) == [
        "contact_id '00Q9' not found: ingest contacts first",
        "lead status 'Open - Not Contacted' is not a verdict yet: sales has not accepted, "
        "rejected or recycled the lead",
    ]
    table = store.table("feedback").sort_values("contact_id").reset_index(drop=True)
    assert table["contact_id"].tolist() == ["00Q1", "00Q2", "00Q3"]
    assert table["account_id"].tolist() == ["A1", "A1", "A2"]  # the contacts' accounts
    assert table["verdict"].tolist() == ["accepted", "accepted", "rejected"]
    assert table["reason"].fillna("").tolist() == ["", "", "No fit - student"]
    assert table["by"].tolist() == ["Ann Lee", "Ann Lee", "Bo Chan"]
    # A converted lead's verdict is dated by its conversion, not its last edit.
    assert table["at"].tolist() == [
        pd.Timestamp("2026-10-02 10:00", tz="UTC"),
        pd.Timestamp("2026-10-05", tz="UTC"),
        pd.Timestamp("2026-10-03 08:30", tz="UTC"),
    ]
    again = ingest_file(store, "feedback", path, preset="salesforce", rejects_path=rejects)
    assert again.new == 0 and len(store.table("feedback")) == 3


def test_hubspot_lead_status_export(store: GraphStore, builder: GraphBuilder, tmp_path: Path):
    _graph(builder, store)
    path = _write(
        tmp_path,
        "hubspot-contacts.csv",
        "Record ID,Email,Lead Status,Disqualification reason,Contact owner,Last Modified Date\n"
        "00Q1,a@a1.com,CONNECTED,,Ann Lee,2026-10-02 10:00\n"
        "00Q2,b@a1.com,Bad Timing,Budget next year,Ann Lee,2026-10-04 09:15\n"
        "00Q3,c@a2.com,UNQUALIFIED,Not a fit,Bo Chan,2026-10-03 08:30\n"
        "00Q3,c@a2.com,NEW,,Bo Chan,2026-10-01 08:30\n",
    )
    rejects = tmp_path / "hs-rejects.csv"
    report = ingest_file(store, "feedback", path, preset="hubspot", rejects_path=rejects)
    assert (report.loaded, report.rejected) == (3, 1)
    assert _rejects(rejects) == [
        "lead status 'NEW' is not a verdict yet: sales has not accepted, rejected or "
        "recycled the lead"
    ]
    table = store.table("feedback").sort_values("contact_id")
    assert table["verdict"].tolist() == ["accepted", "recycled", "rejected"]
    assert table["reason"].fillna("").tolist() == ["", "Budget next year", "Not a fit"]
    assert table["by"].tolist() == ["Ann Lee", "Ann Lee", "Bo Chan"]


def test_native_feedback_needs_a_subject(store: GraphStore, builder: GraphBuilder, tmp_path: Path):
    _graph(builder, store)
    path = _write(
        tmp_path,
        "feedback.csv",
        "contact_id,account_id,verdict,reason,by,at\n"
        ",A2,rejected,no fit,bo,2026-10-03\n"
        ",,accepted,,ann,2026-10-03\n"
        "00Q1,,maybe,,ann,2026-10-03\n",
    )
    rejects = tmp_path / "rejects.csv"
    report = ingest_file(store, "feedback", path, rejects_path=rejects)
    assert (report.loaded, report.rejected) == (1, 2)
    assert _rejects(rejects) == [
        "missing contact_id or account_id (one is required)",
        "unknown verdict 'maybe'; accepted: accepted, rejected, recycled",
    ]
    table = store.table("feedback")
    assert table["account_id"].tolist() == ["A2"] and table["contact_id"].isna().all()


def test_salesforce_tasks_and_events(store: GraphStore, builder: GraphBuilder, tmp_path: Path):
    _graph(builder, store)
    tasks = _write(
        tmp_path,
        "Task.csv",
        "Id,WhoId,AccountId,Type,TaskSubtype,Status,CompletedDateTime,CallDisposition,Owner.Name\n"
        "00T1,00Q1,A1,Call,Task,Completed,2026-10-01T09:03:00.000+0000,Connected,Ann Lee\n"
        "00T2,00Q2,,,Email,Completed,2026-10-01T09:30:00.000+0000,,Ann Lee\n"
        "00T3,00Q3,A2,Call,Call,Not Started,2026-10-01T09:30:00.000+0000,,Bo Chan\n"
        "00T4,00Q3,A2,Other,Task,Completed,2026-10-01T09:30:00.000+0000,,Bo Chan\n",
    )
    rejects = tmp_path / "task-rejects.csv"
    report = ingest_file(
        store, "sales-activities", tasks, preset="salesforce", rejects_path=rejects
    )
    assert (report.loaded, report.rejected) == (2, 2)
    assert _rejects(rejects) == [
        "open task (Status 'Not Started'): only completed activities are touches",
        "unknown activity type 'Other'; accepted: call, email, meeting",
    ]
    events = _write(
        tmp_path,
        "Event.csv",
        "Id,WhoId,StartDateTime,EndDateTime,Owner.Name\n"
        "00U1,00Q3,2026-10-02T15:00:00.000+0000,2026-10-02T15:30:00.000+0000,Bo Chan\n",
    )
    assert ingest_file(store, "sales-activities", events, preset="salesforce").loaded == 1
    table = store.table("sales_activities").sort_values("activity_id")
    assert table["activity_id"].tolist() == ["00T1", "00T2", "00U1"]
    assert table["type"].tolist() == ["call", "email", "meeting"]
    assert table["account_id"].tolist() == ["A1", "A1", "A2"]
    assert table["outcome"].fillna("").tolist() == ["Connected", "", ""]
    assert table["owner"].tolist() == ["Ann Lee", "Ann Lee", "Bo Chan"]


def test_hubspot_calls_and_emails(store: GraphStore, builder: GraphBuilder, tmp_path: Path):
    _graph(builder, store)
    calls = _write(
        tmp_path,
        "calls.csv",
        "Record ID - Call,Associated Contact IDs,Call outcome,Activity date,Activity assigned to\n"
        "9001,00Q1,Connected,2026-10-01 09:03,Ann Lee\n"
        "9002,00Q3,No answer,2026-10-02 11:00,Bo Chan\n",
    )
    assert ingest_file(store, "sales-activities", calls, preset="hubspot").loaded == 2
    emails = _write(
        tmp_path,
        "emails.csv",
        "Record ID - Email,Associated Contact IDs,Email direction,Activity date,Activity assigned to\n"
        "7001,00Q2,Email sent from CRM,2026-10-01 09:30,Ann Lee\n"
        "7002,00Q2,Incoming email,2026-10-01 11:30,Ann Lee\n",
    )
    rejects = tmp_path / "emails-rejects.csv"
    report = ingest_file(store, "sales-activities", emails, preset="hubspot", rejects_path=rejects)
    assert (report.loaded, report.rejected) == (1, 1)
    assert _rejects(rejects) == [
        "'Incoming email' is an email from the contact, not a rep's touch; load it as an "
        "engagement (email_reply)"
    ]
    table = store.table("sales_activities").sort_values("activity_id")
    assert table["type"].tolist() == ["email", "call", "call"]
    assert table["outcome"].fillna("").tolist() == ["", "Connected", "No answer"]


def test_native_activities_get_stable_ids(store: GraphStore, builder: GraphBuilder, tmp_path: Path):
    _graph(builder, store)
    path = _write(
        tmp_path,
        "activities.csv",
        "contact_id,account_id,type,at,owner,outcome\n"
        "00Q1,,Phone Call,2026-10-01T09:03:00Z,ann,connected\n"
        ",A2,meeting,2026-10-02T15:00:00Z,bo,\n",
    )
    first = ingest_file(store, "sales-activities", path)
    assert (first.loaded, first.new) == (2, 2)
    again = ingest_file(store, "sales-activities", path)
    assert (again.loaded, again.new) == (2, 0)
    table = store.table("sales_activities").sort_values("at")
    assert table["activity_id"].str.fullmatch(r"sa-[0-9a-f]{16}").all()
    assert table["type"].tolist() == ["call", "meeting"]
    assert table["account_id"].tolist() == ["A1", "A2"]


def test_rep_activities_never_change_a_score(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    _graph(builder, store)
    score(store)
    accounts = store.scores("accounts")[["account_id", "priority", "tier"]]
    contacts = store.scores("contacts")[["contact_id", "score", "stage"]]
    path = _write(
        tmp_path,
        "activities.csv",
        "activity_id,contact_id,account_id,type,at,owner\n"
        + "".join(
            f"x{i},{c},,{t},2026-10-{d:02d}T09:00:00Z,ann\n"
            for i, (c, t, d) in enumerate(
                [("00Q1", "call", 20), ("00Q2", "meeting", 25), ("00Q3", "email", 30)] * 5
            )
        )
        + "y1,,A2,meeting,2026-10-31T09:00:00Z,bo\n",
    )
    assert ingest_file(store, "sales-activities", path).loaded == 16
    assert store.counts()["sales_activities"] == 16
    # A full run reads everything again, so an activity that counted would show.
    assert score_store(store, ScoringConfig(), parse_as_of(AS_OF), full=True).mode == "full"
    after_accounts = store.scores("accounts")[["account_id", "priority", "tier"]]
    after_contacts = store.scores("contacts")[["contact_id", "score", "stage"]]
    pd.testing.assert_frame_equal(after_accounts, accounts)
    pd.testing.assert_frame_equal(after_contacts, contacts)
    assert store.event_count() == 3


@pytest.mark.parametrize("kind", ["feedback", "sales-activities"])
def test_header_without_subject_is_refused(store: GraphStore, tmp_path: Path, kind: str) -> None:
    import re

    from abmgraph.errors import InputError

    path = _write(tmp_path, "x.csv", "verdict,type,at\naccepted,call,2026-10-01\n")
    expected = f"has no column contact_id or account_id (required for {kind}); "
    with pytest.raises(InputError, match=re.escape(expected)):
        ingest_file(store, kind, path)
    assert store.counts()["feedback"] == 0


def test_a_fixed_rejects_file_of_feedback_loads_with_its_reasons(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    _graph(builder, store)
    path = _write(
        tmp_path,
        "feedback.csv",
        "contact_id,verdict,reason,by,at\n00Q9,rejected,no fit,bo,2026-10-03\n",
    )
    rejects = tmp_path / "rejects.csv"
    assert ingest_file(store, "feedback", path, rejects_path=rejects).rejected == 1
    # The rejects file's own reason leads; the row's reason is kept as input_reason.
    header, line = rejects.read_text(encoding="utf-8").splitlines()
    assert (
        header == "source_line,field,reason,severity,raw_line,contact_id,verdict,input_reason,by,at"
    )
    assert line.endswith(",00Q9,rejected,no fit,bo,2026-10-03")
    rejects.write_text(f"{header}\n{line.replace('00Q9', '00Q3')}\n", encoding="utf-8")
    assert ingest_file(store, "feedback", rejects).loaded == 1
    table = store.table("feedback")
    assert table[["contact_id", "verdict", "reason"]].values.tolist() == [
        ["00Q3", "rejected", "no fit"]
    ]


def test_hubspot_leads_and_meetings(store: GraphStore, builder: GraphBuilder, tmp_path: Path):
    _graph(builder, store)
    leads = _write(
        tmp_path,
        "leads.csv",
        "Record ID,Associated Contact IDs,Lead stage,Disqualification reason,Lead owner,"
        "Last Modified Date\n"
        "501,00Q1,Qualified,,Ann Lee,2026-10-02 10:00\n"
        "502,00Q3,Disqualified,Student,Bo Chan,2026-10-03 11:00\n"
        "503,00Q2,Attempting,,Ann Lee,2026-10-04 12:00\n"
        "504,00Q2,New,,Ann Lee,2026-10-01 12:00\n",
    )
    rejects = tmp_path / "leads-rejects.csv"
    report = ingest_file(store, "feedback", leads, preset="hubspot", rejects_path=rejects)
    assert (report.loaded, report.rejected) == (3, 1)
    table = store.table("feedback").sort_values("contact_id")
    assert table["verdict"].tolist() == ["accepted", "accepted", "rejected"]
    assert table["reason"].fillna("").tolist() == ["", "", "Student"]
    # A lead record's own id is not a contact: the associated contact is.
    assert table["contact_id"].tolist() == ["00Q1", "00Q2", "00Q3"]
    meetings = _write(
        tmp_path,
        "meetings.csv",
        "Record ID - Meeting,Associated Contact IDs,Meeting outcome,Meeting start time,"
        "Activity assigned to\n"
        "8001,00Q1,Completed,2026-10-06 15:00,Ann Lee\n",
    )
    assert ingest_file(store, "sales-activities", meetings, preset="hubspot").loaded == 1
    row = store.table("sales_activities").iloc[0]
    assert (row["activity_id"], row["type"], row["outcome"]) == ("8001", "meeting", "Completed")
    assert row["at"] == pd.Timestamp("2026-10-06 15:00", tz="UTC")
