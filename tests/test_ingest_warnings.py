"""Warnings: rows that load with a problem noted, beside rejected rows in the rejects file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

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
    assert report.rejects_file == str(tmp_path / "a.rejects.csv")
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
        "source_line,field,reason,severity,x\n"
        "2,country,unknown country 'Narnia',warning,b\n"
        "4,name,missing name (required),rejected,a\n"
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
    }
