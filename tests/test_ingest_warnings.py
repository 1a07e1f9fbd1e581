"""Warnings: rows that load with a problem noted, beside rejected rows in the rejects file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from abmgraph.cli.app import cli
from abmgraph.errors import RejectedRowsError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import IngestReport, ingest_file
from abmgraph.ingest.rejects import write_rejects


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    return path


# An opportunity export that went through Excel: two ids became numbers.
DEALS_VIA_EXCEL = (
    "opportunity_id,account_id,stage,amount\n"
    "O1,A1,Prospecting,1000\n"  # 2 clean
    "1.11015E+11,A1,Prospecting,2000\n"  # 3 the id itself
    "O3,,Prospecting,\n"  # 4 rejected: account missing
    "O4,A1,Closed Won,4000\n"  # 5 clean
)


def test_scientific_notation_ids_load_with_a_warning_naming_excel(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "accounts", write(tmp_path, "a", "account_id,name\nA1,Acme\n"), quiet=True)
    rejects = tmp_path / "r.csv"
    report = ingest_file(
        store, "opportunities", write(tmp_path, "o", DEALS_VIA_EXCEL), rejects_path=rejects
    )
    assert (report.read, report.loaded, report.rejected, report.warnings) == (4, 3, 1, 1)
    assert report.read == report.loaded + report.rejected
    assert sorted(store.table("opportunities")["opportunity_id"]) == ["1.11015E+11", "O1", "O4"]
    table = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    assert list(table.columns) == [
        "source_line",
        "field",
        "reason",
        "severity",
        "raw_line",
        "opportunity_id",
        "account_id",
        "stage",
        "amount",
    ]
    assert table[["source_line", "field", "severity"]].values.tolist() == [
        ["3", "opportunity_id", "warning"],
        ["4", "account_id", "rejected"],
    ]
    assert table.loc[0, "reason"] == (
        "Excel turned this id into a number ('1.11015E+11'); re-export the column as text"
    )
    assert table.loc[0, ["opportunity_id", "amount"]].tolist() == ["1.11015E+11", "2000"]
    assert report.summary_line() == (
        f"opportunities: read 4, loaded 3 (3 new), rejected 1, 1 warning (see {rejects})."
    )
    assert report.as_dict()["warnings"] == 1


def test_a_file_with_only_warnings_writes_the_rejects_file(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    text = "account_id,name,parent_account_id\n1.2E+5,Acme,\nA2,Beta,3E+10\n"
    report = ingest_file(store, "accounts", write(tmp_path, "a", text), quiet=True)
    assert (report.read, report.loaded, report.rejected, report.warnings) == (2, 2, 0, 2)
    assert Path(report.rejects_file).parent == tmp_path
    assert Path(report.rejects_file).name.startswith("a.rejects-")
    table = pd.read_csv(report.rejects_file, dtype=str, keep_default_na=False)
    assert table[["source_line", "field", "severity"]].values.tolist() == [
        ["2", "account_id", "warning"],
        ["3", "parent_account_id", "warning"],
    ]


def test_ids_that_only_look_numeric_draw_no_warning(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    text = "account_id,name\n111015000000,Acme\n0015E00000ABCDE,Beta\nE10,Gamma\n1e5,Delta\n"
    report = ingest_file(store, "accounts", write(tmp_path, "a", text), quiet=True)
    assert (report.loaded, report.rejected, report.warnings, report.rejects_file) == (
        4,
        0,
        0,
        None,
    )


def test_a_rejected_duplicate_keeps_no_warning(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    text = "account_id,name\n1E+5,Acme\n1E+5,Acme again\n"
    report = ingest_file(store, "accounts", write(tmp_path, "a", text), quiet=True)
    assert (report.read, report.loaded, report.rejected, report.warnings) == (2, 1, 1, 1)
    table = pd.read_csv(report.rejects_file, dtype=str, keep_default_na=False)
    assert table[["source_line", "severity"]].values.tolist() == [
        ["2", "warning"],
        ["3", "rejected"],
    ]


def test_strict_counts_a_warning_as_a_problem(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    text = "account_id,name\nA1,Acme\n1.5E+9,Beta\n"
    rejects = tmp_path / "r.csv"
    with pytest.raises(RejectedRowsError) as info:
        ingest_file(
            store, "accounts", write(tmp_path, "a", text), rejects_path=rejects, strict=True
        )
    assert str(info.value).startswith(
        f"0 of 2 rows of {tmp_path / 'a.csv'} were rejected and 1 value drew a warning "
        f"(see {rejects}); nothing was loaded because of --strict."
    )
    assert store.table("accounts").empty
    assert pd.read_csv(rejects, dtype=str)["severity"].tolist() == ["warning"]


def test_write_rejects_marks_parts_without_severity_as_rejected(tmp_path: Path) -> None:
    rejected = pd.DataFrame(
        {"source_line": [4], "field": ["name"], "reason": ["missing name (required)"], "x": ["a"]}
    )
    warned = pd.DataFrame(
        {
            "source_line": [2],
            "field": ["country"],
            "reason": ["unknown country 'Narnia'"],
            "severity": ["warning"],
            "x": ["b"],
        }
    )
    path = write_rejects(tmp_path / "r.csv", [rejected, warned], ["x"])
    assert path.read_text(encoding="utf-8") == (
        "source_line,field,reason,severity,raw_line,x\n"
        "2,country,unknown country 'Narnia',warning,,b\n"
        "4,name,missing name (required),rejected,,a\n"
    )


def test_summary_without_warnings_is_unchanged() -> None:
    report = IngestReport("accounts", 3, 3, 0, None, new=3)
    assert report.summary_line() == "accounts: read 3, loaded 3 (3 new), rejected 0."
    assert report.as_dict() == {
        "kind": "accounts",
        "read": 3,
        "loaded": 3,
        "rejected": 0,
        "rejects_file": None,
        "warnings": 0,
        "date_order": None,
    }


def test_a_row_with_several_warnings_is_one_line(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    text = "account_id,name,employees,country\nA1,Acme,-5,Narnia\nA2,Beta,12,DE\n"
    report = ingest_file(store, "accounts", write(tmp_path, "a", text), quiet=True)
    assert (report.loaded, report.rejected, report.warnings) == (2, 0, 1)
    table = pd.read_csv(report.rejects_file, dtype=str, keep_default_na=False)
    assert table[["source_line", "field", "severity"]].values.tolist() == [
        ["2", "employees; country", "warning"]
    ]
    assert table.loc[0, "reason"] == (
        "employees '-5' is negative; unknown country 'Narnia'; "
        "use an ISO-3166 alpha-2 code or a country name"
    )
    stored = store.table("accounts").set_index("account_id")
    assert pd.isna(stored.loc["A1", "employees"]) and pd.isna(stored.loc["A1", "country"])
    assert stored.loc["A1", ["employees_invalid", "country_invalid"]].tolist() == ["-5", "Narnia"]
    assert stored.loc["A2", "employees"] == 12


CONTACTS_WITH_PROBLEMS = (
    "contact_id,account_id,email,title\n"
    "C1,A1,c1@acme.com,CTO\n"  # 2 ok
    ",A1,nobody@acme.com,CFO\n"  # 3 missing id
    'C3,A1,c3@acme.com,"Head of ""Growth"""\n'  # 4 ok
    'C4,A1,"x,y",VP,extra\n'  # 5 one field too many
)


def test_rejected_rows_keep_their_raw_line_and_reload_once_fixed(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "accounts", write(tmp_path, "a", "account_id,name\nA1,Acme\n"), quiet=True)
    rejects = tmp_path / "c.rejects.csv"
    report = ingest_file(
        store, "contacts", write(tmp_path, "c", CONTACTS_WITH_PROBLEMS), rejects_path=rejects
    )
    assert (report.read, report.loaded, report.rejected) == (4, 2, 2)
    table = pd.read_csv(rejects, dtype=str, keep_default_na=False)
    assert list(table.columns)[:5] == ["source_line", "field", "reason", "severity", "raw_line"]
    assert table["raw_line"].tolist() == ["", 'C4,A1,"x,y",VP,extra']
    assert table.loc[0, ["contact_id", "email", "title"]].tolist() == ["", "nobody@acme.com", "CFO"]

    # Fix the rows in the rejects file itself and load it again.
    table.loc[0, "contact_id"] = "C2"
    table.loc[1, ["contact_id", "account_id", "email", "title"]] = ["C4", "A1", "c4@acme.com", "VP"]
    table.to_csv(rejects, index=False)
    again = ingest_file(store, "contacts", rejects, rejects_path=tmp_path / "again.csv")
    assert (again.read, again.loaded, again.rejected, again.warnings) == (2, 2, 0, 0)
    contacts = store.table("contacts").set_index("contact_id").sort_index()
    assert contacts.index.tolist() == ["C1", "C2", "C3", "C4"]
    assert contacts.loc["C2", "email"] == "nobody@acme.com"
    assert contacts.loc["C3", "title"] == 'Head of "Growth"'
    assert not {"source_line", "field", "reason", "severity", "raw_line"} & set(contacts.columns)


def test_cli_reports_warnings_and_strict_refuses_them(tmp_path: Path) -> None:
    path = write(tmp_path, "a", "account_id,name,country\nA1,Acme,Untied States\nA2,Beta,DE\n")
    ws = ["--workspace", str(tmp_path / "ws")]
    rejects = tmp_path / "r.csv"
    strict = CliRunner().invoke(
        cli, [*ws, "ingest", "accounts", str(path), "--rejects", str(rejects), "--strict"]
    )
    assert strict.exit_code == 1
    assert "0 of 2 rows" in strict.output and "1 value drew a warning" in strict.output
    assert "Traceback" not in strict.output
    assert EmbeddedStore(tmp_path / "ws").table("accounts").empty
    result = CliRunner().invoke(
        cli, [*ws, "ingest", "accounts", str(path), "--rejects", str(rejects), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert (report["read"], report["loaded"], report["rejected"], report["warnings"]) == (
        2,
        2,
        0,
        1,
    )
    stored = EmbeddedStore(tmp_path / "ws").table("accounts").set_index("account_id")
    assert stored.loc["A1", "country_invalid"] == "Untied States"


def test_parquet_values_that_cannot_be_meant_are_blanked(tmp_path: Path) -> None:
    path = tmp_path / "accounts.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ["A1", "A2", "A3"],
                "name": ["Acme", "Beta", "Gamma"],
                "employees": pa.array([-40, 12, None], pa.int64()),
                "annual_revenue": [float("inf"), 2.5e6, 1e308],
            }
        ),
        path,
    )
    store = EmbeddedStore(tmp_path / "ws")
    report = ingest_file(store, "accounts", path, rejects_path=tmp_path / "r.csv", quiet=True)
    assert (report.read, report.loaded, report.rejected, report.warnings) == (3, 3, 0, 1)
    table = pd.read_csv(tmp_path / "r.csv", dtype=str, keep_default_na=False)
    assert table[["source_line", "field", "reason"]].values.tolist() == [
        ["2", "employees; annual_revenue", "employees '-40' is negative; not a number: 'inf'"]
    ]
    stored = store.table("accounts").set_index("account_id")
    assert pd.isna(stored.loc["A1", "employees"]) and pd.isna(stored.loc["A1", "annual_revenue"])
    assert stored.loc["A1", ["employees_invalid", "annual_revenue_invalid"]].tolist() == [
        "-40",
        "inf",
    ]
    assert stored.loc["A3", "annual_revenue"] == 1e308


def test_a_malformed_json_line_keeps_its_text(tmp_path: Path) -> None:
    path = tmp_path / "accounts.jsonl"
    path.write_text(
        '{"account_id": "A1", "name": "Acme"}\n{"account_id": "A2", "name": "Beta"\n',
        encoding="utf-8",
    )
    store = EmbeddedStore(tmp_path / "ws")
    report = ingest_file(store, "accounts", path, rejects_path=tmp_path / "r.csv", quiet=True)
    assert (report.read, report.loaded, report.rejected) == (2, 1, 1)
    table = pd.read_csv(tmp_path / "r.csv", dtype=str, keep_default_na=False)
    assert table["raw_line"].tolist() == ['{"account_id": "A2", "name": "Beta"']
