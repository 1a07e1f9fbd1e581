"""Dataset converters: the native contract out, the leakage columns never in."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from abmgraph.cli import cli
from abmgraph.datasets import convert
from abmgraph.datasets.xeducation import ATTRIBUTES, FLAGS, LEAKAGE, is_leakage
from abmgraph.graph.embedded import EmbeddedStore

DATA = Path(
    os.environ.get("ABMGRAPH_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data")
)
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"real datasets not found at {DATA} (set ABMGRAPH_DATA)"
)

XE_HEADER = [
    "Prospect ID", "Lead Number", "Lead Origin", "Lead Source", "Do Not Email", "Do Not Call",
    "Converted", "TotalVisits", "Total Time Spent on Website", "Page Views Per Visit",
    "Last Activity", "Country", "Specialization", "How did you hear about X Education",
    "What is your current occupation", "What matters most to you in choosing a course", "Search",
    "Magazine", "Newspaper Article", "X Education Forums", "Newspaper", "Digital Advertisement",
    "Through Recommendations", "Receive More Updates About Our Courses", "Tags", "Lead Quality",
    "Update me on Supply Chain Content", "Get updates on DM Content", "Lead Profile", "City",
    "Asymmetrique Activity Index", "Asymmetrique Profile Index", "Asymmetrique Activity Score",
    "Asymmetrique Profile Score", "I agree to pay the amount through cheque",
    "A free copy of Mastering The Interview", "Last Notable Activity",
]  # fmt: skip
LEAKY = [c for c in XE_HEADER if is_leakage(c)]


def _lead(number: int, converted: int, visits: str, last: str, source: str, leak: str) -> list[str]:
    row = {c: "No" for c in XE_HEADER}
    row.update(
        {
            "Prospect ID": f"p-{number}",
            "Lead Number": str(number),
            "Lead Origin": "Landing Page Submission",
            "Lead Source": source,
            "Converted": str(converted),
            "TotalVisits": visits,
            "Total Time Spent on Website": str(100 * number % 977),
            "Page Views Per Visit": "2.5",
            "Last Activity": last,
            "Country": "India",
            "Specialization": "Select",
            "How did you hear about X Education": "Select",
            "What is your current occupation": "Unemployed",
            "What matters most to you in choosing a course": "Better Career Prospects",
            "City": "Select",
        }
    )
    for column in LEAKY:
        row[column] = f"{leak}-{column}"
    return [row[c] for c in XE_HEADER]


def write_leads(path: Path, leak: str = "LEAKVALUE") -> Path:
    """A small Leads.csv in the real file's shape: trailing comma on every line."""
    rows = [
        _lead(1001, 1, "3", "Email Opened", "Google", leak),
        _lead(1002, 0, "0", "Olark Chat Conversation", "Olark Chat", leak),
        _lead(1003, 1, "", "SMS Sent", "Reference", leak),
        _lead(1004, 0, "2", "Unsubscribed", "Google", leak),
    ]
    lines = [",".join(XE_HEADER) + ","] + [",".join(r) + "," for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _written_text(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.iterdir()))


def test_x_education_becomes_the_native_contract(tmp_path):
    data, paths = convert("x-education", write_leads(tmp_path / "Leads.csv"), tmp_path / "out")
    contacts = pd.read_csv(paths["contacts"], dtype="str")
    assert list(contacts["contact_id"]) == ["L1001", "L1002", "L1003", "L1004"]
    # Each lead on an account of its own.
    assert contacts["account_id"].nunique() == 4
    assert set(pd.read_csv(paths["accounts"])["account_id"]) == set(contacts["account_id"])
    assert contacts.loc[0, "lead_source"] == "Google"
    assert contacts["specialization"].isna().all()  # "Select" means empty
    assert "Select" not in _written_text(tmp_path / "out")
    events = pd.read_csv(paths["engagements"])
    visits = events[events["type"] == "page_view"].groupby("contact_id").size()
    assert visits.to_dict() == {"L1001": 3, "L1004": 2}
    assert set(events.loc[events["event_id"].str.endswith("last-activity"), "type"]) == {
        "email_open",
        "unsubscribe",
    }
    outcomes = pd.read_csv(paths["outcomes"])
    assert outcomes["converted"].tolist() == [True, False, True, False]
    assert data.as_of == "2020-01-01"


def test_leakage_columns_are_never_used(tmp_path):
    first = tmp_path / "a"
    convert("x-education", write_leads(tmp_path / "a.csv", leak="ONE"), first)
    text = _written_text(first)
    for column in LEAKY:
        assert column not in text
        assert f"ONE-{column}" not in text
    # Scrambling every leakage column changes nothing that is written.
    second = tmp_path / "b"
    convert("x-education", write_leads(tmp_path / "b.csv", leak="TWO"), second)
    assert _written_text(second) == text
    assert not any(is_leakage(c) for c in [*ATTRIBUTES, *FLAGS])
    assert set(LEAKAGE) <= set(LEAKY)


def test_olist_reads_the_won_flag_and_nothing_else_from_closed_deals(tmp_path):
    folder = tmp_path / "olist"
    folder.mkdir()
    pd.DataFrame(
        {
            "mql_id": ["m1", "m2", "m3"],
            "first_contact_date": ["2018-01-05", "2018-02-01", "2018-03-10"],
            "landing_page_id": ["lp1", "lp2", "lp1"],
            "origin": ["organic_search", "paid_search", "social"],
        }
    ).to_csv(folder / "olist_marketing_qualified_leads_dataset.csv", index=False)
    pd.DataFrame(
        {
            "mql_id": ["m2"],
            "seller_id": ["SELLERLEAK"],
            "won_date": ["2018-02-20 10:00:00"],
            "business_segment": ["SEGMENTLEAK"],
            "declared_monthly_revenue": ["12345.0"],
        }
    ).to_csv(folder / "olist_closed_deals_dataset.csv", index=False)
    data, paths = convert("olist", folder, tmp_path / "out")
    text = _written_text(tmp_path / "out")
    assert "SELLERLEAK" not in text and "SEGMENTLEAK" not in text and "12345" not in text
    outcomes = pd.read_csv(paths["outcomes"])
    assert outcomes["converted"].tolist() == [False, True, False]
    assert outcomes.loc[1, "converted_at"] == "2018-02-20T10:00:00Z"
    contacts = pd.read_csv(paths["contacts"])
    assert contacts["lead_source"].tolist() == ["organic_search", "paid_search", "social"]
    events = pd.read_csv(paths["engagements"])
    assert events["type"].unique().tolist() == ["form_submit"]
    assert events["occurred_at"].tolist()[0] == "2018-01-05T00:00:00Z"
    assert data.as_of == "2018-03-10"


def test_cli_convert_and_ingest(tmp_path):
    leads = write_leads(tmp_path / "Leads.csv")
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(tmp_path / "ws"), "datasets", "convert", "x-education", str(leads), str(tmp_path / "out"), "--ingest"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    counts = EmbeddedStore(tmp_path / "ws").counts()
    assert (counts["contacts"], counts["accounts"], counts["engagements"]) == (4, 4, 7)


def test_cli_refuses_a_file_that_is_not_the_dataset(tmp_path):
    other = tmp_path / "Leads.csv"
    with other.open("w", newline="") as handle:
        csv.writer(handle).writerows([["a", "b"], ["1", "2"]])
    result = CliRunner().invoke(
        cli, ["datasets", "convert", "x-education", str(other), str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert "missing columns" in result.output and "Lead Number" in result.output


@pytest.mark.realdata
@needs_data
def test_real_x_education_converts_without_leakage(tmp_path):
    data, paths = convert("x-education", DATA / "x-education-leads", tmp_path / "xe")
    assert data.sizes()["contacts"] == 9240
    outcomes = pd.read_csv(paths["outcomes"])
    assert int(outcomes["converted"].sum()) == 3561
    header = pd.read_csv(paths["contacts"], nrows=0).columns
    assert not any(is_leakage(c) for c in header)
    raw = pd.read_csv(DATA / "x-education-leads" / "Leads.csv", dtype="str")
    # Values only the leakage columns hold (their own vocabularies) appear nowhere.
    own = set(raw[[c for c in raw.columns if not is_leakage(c)]].stack())
    leaked = {v for c in ("Tags", "Lead Quality", "Lead Profile") for v in raw[c].dropna()} - own
    text = _written_text(tmp_path / "xe")
    assert leaked and not [v for v in leaked if f",{v}," in text or f",{v}\n" in text]


@pytest.mark.realdata
@needs_data
def test_real_olist_converts(tmp_path):
    data, paths = convert("olist", DATA / "olist-marketing-funnel", tmp_path / "olist")
    assert data.sizes()["contacts"] == 8000
    outcomes = pd.read_csv(paths["outcomes"])
    assert int(outcomes["converted"].sum()) == 842
    assert outcomes.loc[outcomes["converted"], "converted_at"].notna().all()
