"""Dates as CRMs and spreadsheets write them, and the day/month order decided per file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from abmgraph.cli.app import cli
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.dates import DateOrder, parse_local_dates
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.ingest.timestamps import parse_datetime


def text(*values: str | None) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def utc(value: str) -> pd.Timestamp:
    return pd.Timestamp(value, tz="UTC")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-22T16:14:25.000+0000", "2024-01-22 16:14:25"),  # Salesforce API
        ("2024-01-22T16:14:25.000-0500", "2024-01-22 21:14:25"),
        ("2026-02-23 09:05:00", "2026-02-23 09:05:00"),  # Salesforce data export
        ("2/23/2026", "2026-02-23"),
        ("02/23/26", "2026-02-23"),
        ("2/3/26 9:05", "2026-02-03 09:05"),
        ("2/3/26 9:05 PM", "2026-02-03 21:05"),
        ("12/31/99 12:30 AM", "1999-12-31 00:30"),
        ("1/2/68", "2068-01-02"),
        ("1/2/69", "1969-01-02"),
        ("2/23/2026 14:30:15", "2026-02-23 14:30:15"),
    ],
)
def test_month_first_forms(raw: str, expected: str) -> None:
    values, invalid = parse_datetime(text(raw), DateOrder())
    assert not invalid.iloc[0]
    assert values.iloc[0] == utc(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("23.02.2026", "2026-02-23"),
        ("1.2.2026", "2026-02-01"),
        ("01/02/2026", "2026-02-01"),
        ("05-06-2026 14:30", "2026-06-05 14:30"),
    ],
)
def test_day_first_forms(raw: str, expected: str) -> None:
    values, invalid = parse_datetime(text(raw), DateOrder(dayfirst=True))
    assert not invalid.iloc[0]
    assert values.iloc[0] == utc(expected)


@pytest.mark.parametrize(
    "raw",
    ["now", "today", "Today", "yesterday", "2/30/2026", "13/13/2026", "2/3/26 13:05 PM", "2/3"],
)
def test_words_and_impossible_dates_are_not_dates(raw: str) -> None:
    values, invalid = parse_datetime(text(raw), DateOrder())
    assert bool(invalid.iloc[0]) and pd.isna(values.iloc[0])


@pytest.mark.parametrize("raw", ["0001-01-01", "1600-12-31", "2262-06-01", "9999-12-31"])
def test_dates_outside_the_range_are_invalid(raw: str) -> None:
    values, invalid = parse_datetime(text(raw, "1678-01-01", "2261-12-31"))
    assert invalid.tolist() == [True, False, False]
    assert pd.isna(values.iloc[0])


def test_a_day_above_twelve_settles_day_first() -> None:
    order = DateOrder()
    values, invalid = parse_local_dates(text("05/06/2026", "23/02/2026", None), order)
    assert (order.decided, order.example) == (True, "23/02/2026")
    assert values.iloc[:2].tolist() == [utc("2026-06-05"), utc("2026-02-23")]
    assert invalid.tolist() == [False, False, True]
    assert order.describe() == "day-first (from '23/02/2026')"


def test_a_second_number_above_twelve_settles_month_first_even_with_dayfirst() -> None:
    order = DateOrder(dayfirst=True)
    values, _ = parse_local_dates(text("05/06/2026", "02/23/26"), order)
    assert values.tolist() == [utc("2026-05-06"), utc("2026-02-23")]
    assert order.describe() == "month-first (from '02/23/26')"


def test_no_settling_value_uses_the_default() -> None:
    assert parse_local_dates(text("05/06/2026"), order := DateOrder())[0].iloc[0] == utc(
        "2026-05-06"
    )
    assert order.describe() == "month-first (the default; --dayfirst for day-first)"
    assert parse_local_dates(text("05/06/2026"), order := DateOrder(dayfirst=True))[0].iloc[
        0
    ] == utc("2026-06-05")
    assert order.describe() == "day-first (as --dayfirst asks)"


def test_values_pointing_both_ways_use_the_default_and_the_misfit_is_invalid() -> None:
    order = DateOrder()
    values, invalid = parse_local_dates(text("23/02/2026", "02/23/2026"), order)
    assert (order.decided, order.example) == (False, None)
    assert invalid.tolist() == [True, False]
    assert values.iloc[1] == utc("2026-02-23")


def test_the_order_is_decided_once_for_the_file() -> None:
    order = DateOrder()
    parse_local_dates(text("23/02/2026"), order)
    values, invalid = parse_local_dates(text("02/23/2026", "01/02/2026"), order)
    assert invalid.tolist() == [True, False]
    assert values.iloc[1] == utc("2026-02-01")


def test_iso_only_columns_leave_the_order_undecided() -> None:
    order = DateOrder()
    _, invalid = parse_datetime(text("2026-02-23", "2026-02-23T10:00:00Z"), order)
    assert not invalid.any()
    assert order.describe() is None


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.csv"
    path.write_text(body, encoding="utf-8")
    return path


def test_ingest_reads_day_first_files_and_says_so(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "accounts", write(tmp_path, "a", "account_id,name\nA1,Acme\n"), quiet=True)
    deals = (
        "opportunity_id,account_id,amount,created_at,closed_at\n"
        "O1,A1,100,01.02.2026,05.03.2026\n"
        "O2,A1,200,23.02.2026,\n"
        "O3,A1,300,2026-03-04,now\n"
    )
    report = ingest_file(store, "opportunities", write(tmp_path, "o", deals), quiet=True)
    assert (report.loaded, report.rejected, report.warnings) == (3, 0, 1)
    assert report.date_order == "day-first (from '23.02.2026')"
    assert report.summary_line().endswith(
        "; dates read day-first (from '23.02.2026'); encoding utf-8."
    )
    stored = store.table("opportunities").set_index("opportunity_id")
    assert stored["created_at"].tolist() == [
        utc("2026-02-01"),
        utc("2026-02-23"),
        utc("2026-03-04"),
    ]
    assert stored.loc["O1", "closed_at"] == utc("2026-03-05")
    assert pd.isna(stored.loc["O3", "closed_at"])
    assert stored.loc["O3", "closed_at_invalid"] == "now"
    table = pd.read_csv(report.rejects_file, dtype=str)
    assert table.loc[0, "reason"].startswith("not a date: 'now' (accepted: ISO-8601")


def test_order_is_settled_by_the_first_block_and_kept_in_later_ones(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "contacts", write(tmp_path, "c", "contact_id\nC1\n"), quiet=True)
    lines = ["event_id,contact_id,type,occurred_at", "E0,C1,page_view,13/01/2026"]
    lines += [f"E{i},C1,page_view,0{i % 9 + 1}/02/2026" for i in range(1, 200)]
    lines += ["E999,C1,page_view,01/13/2026"]  # month-first: does not fit this file
    path = write(tmp_path, "e", "\n".join(lines) + "\n")
    report = ingest_file(store, "engagements", path, block_bytes=1024, quiet=True)
    assert (report.read, report.loaded, report.rejected) == (201, 200, 1)
    assert report.date_order == "day-first (from '13/01/2026')"
    table = pd.read_csv(report.rejects_file, dtype=str)
    assert table["reason"].tolist() == [
        "not a date in this file's order, '01/13/2026': day-first (from '13/01/2026')"
    ]
    assert store.event_count() == 200


def test_required_dates_outside_the_range_reject_the_row(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "contacts", write(tmp_path, "c", "contact_id\nC1\n"), quiet=True)
    body = "contact_id,type,occurred_at\nC1,page_view,9999-12-31\nC1,page_view,2026-01-01\n"
    report = ingest_file(store, "engagements", write(tmp_path, "e", body), quiet=True)
    assert (report.loaded, report.rejected) == (1, 1)
    table = pd.read_csv(report.rejects_file, dtype=str)
    assert table["reason"].tolist() == [
        "date '9999-12-31' is outside the range accepted, 1678-01-01 to 2261-12-31"
    ]


def test_cli_dayfirst(tmp_path: Path) -> None:
    runner = CliRunner()
    ws = ["--workspace", str(tmp_path / "ws")]
    accounts = write(tmp_path, "a", "account_id,name\nA1,Acme\n")
    deals = write(tmp_path, "o", "opportunity_id,account_id,created_at\nO1,A1,05/06/2026\n")
    assert runner.invoke(cli, [*ws, "ingest", "accounts", str(accounts)]).exit_code == 0
    result = runner.invoke(cli, [*ws, "ingest", "opportunities", str(deals), "--dayfirst"])
    assert result.exit_code == 0, result.output
    assert "dates read day-first (as --dayfirst asks)" in result.output
    stored = EmbeddedStore(tmp_path / "ws").table("opportunities")
    assert stored["created_at"].tolist() == [utc("2026-06-05")]


def test_a_later_column_settles_the_order_for_an_earlier_one(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "ws")
    ingest_file(store, "accounts", write(tmp_path, "a", "account_id,name\nA1,Acme\n"), quiet=True)
    deals = "opportunity_id,account_id,created_at,closed_at\nO1,A1,05/06/2026,23/06/2026\n"
    report = ingest_file(store, "opportunities", write(tmp_path, "o", deals), quiet=True)
    assert report.date_order == "day-first (from '23/06/2026')"
    stored = store.table("opportunities").iloc[0]
    assert (stored["created_at"], stored["closed_at"]) == (utc("2026-06-05"), utc("2026-06-23"))
