"""A file updates only the columns it names; opt-outs, bounces and consent stick.

Each test loads contacts from a full file, then a second file in the shape a
title refresh or another CRM's export has, and reads the stored row back.
Run on both stores.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from abmgraph.graph.merge import merge_rows
from abmgraph.ingest.pipeline import ingest_file

FULL = (
    "contact_id,account_id,email,first_name,last_name,title,email_status,opted_out,consent\r\n"
    "C1,A1,ann@acme.com,Ann,Lee,Analyst,bounced,true,false\r\n"
    "C2,A1,bob@acme.com,Bob,Roe,Engineer,valid,false,true\r\n"
    "C3,A1,cat@acme.com,Cat,Poe,Manager,valid,false,\r\n"
)


@pytest.fixture
def loaded(store, tmp_path: Path):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name,domain\nA1,Acme,acme.com\n", encoding="utf-8")
    ingest_file(store, "accounts", accounts, quiet=True)
    _ingest(store, tmp_path, "full.csv", FULL)
    return store


def _ingest(store, folder: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    report = ingest_file(store, "contacts", path, rejects_path=folder / "rejects.csv", quiet=True)
    assert report.rejected == 0, (folder / "rejects.csv").read_text()


def _row(store, contact_id: str) -> dict:
    table = store.table("contacts")
    rows = table[table["contact_id"] == contact_id].to_dict("records")
    assert len(rows) == 1
    return {k: (None if v is pd.NA or v is None or v != v else v) for k, v in rows[0].items()}


def test_a_title_refresh_keeps_every_other_column(loaded, tmp_path):
    # A CRM report export: every field quoted, CRLF line ends, a BOM.
    _ingest(
        loaded,
        tmp_path,
        "titles.csv",
        '\ufeff"contact_id","title"\r\n"C1","Directeur Financier"\r\n"C2","Ingénieur"\r\n',
    )
    ann, bob = _row(loaded, "C1"), _row(loaded, "C2")
    assert ann["title"] == "Directeur Financier"
    assert bob["title"] == "Ingénieur"
    # Untouched by a file that does not name them.
    assert (ann["opted_out"], ann["email_status"], ann["consent"]) == (True, "bounced", False)
    assert (bob["opted_out"], bob["email_status"], bob["consent"]) == (False, "valid", True)
    assert (ann["account_id"], ann["email"], ann["first_name"]) == ("A1", "ann@acme.com", "Ann")
    assert ann["email_domain"] == "acme.com"
    assert ann["account_match"] == "explicit"


def test_a_partial_file_adds_a_new_contact_with_only_its_columns(loaded, tmp_path):
    _ingest(loaded, tmp_path, "new.csv", "contact_id,title\nC9,Intern\n")
    new = _row(loaded, "C9")
    assert new["title"] == "Intern"
    assert (new["opted_out"], new["email_status"], new["account_id"]) == (None, None, None)
    assert len(loaded.table("contacts")) == 4


def test_empty_cells_never_lift_an_opt_out_a_bounce_or_a_consent_decision(loaded, tmp_path):
    # Another CRM's export names the flags but leaves them empty for these people.
    _ingest(
        loaded,
        tmp_path,
        "other.csv",
        "contact_id,title,email_status,opted_out,consent\nC1,Analyst II,,,\nC2,Engineer,,,\n",
    )
    ann, bob = _row(loaded, "C1"), _row(loaded, "C2")
    assert (ann["opted_out"], ann["email_status"], ann["consent"]) == (True, "bounced", False)
    assert (bob["opted_out"], bob["email_status"], bob["consent"]) == (False, "valid", True)


def test_an_explicit_value_replaces_a_flag(loaded, tmp_path):
    _ingest(
        loaded,
        tmp_path,
        "resubscribed.csv",
        "contact_id,email_status,opted_out,consent\nC1,valid,no,yes\nC2,bounced,yes,no\n",
    )
    ann, bob = _row(loaded, "C1"), _row(loaded, "C2")
    assert (ann["opted_out"], ann["email_status"], ann["consent"]) == (False, "valid", True)
    assert (bob["opted_out"], bob["email_status"], bob["consent"]) == (True, "bounced", False)


def test_an_empty_cell_in_another_named_column_clears_it(loaded, tmp_path):
    _ingest(loaded, tmp_path, "titles.csv", "contact_id,title,last_name\nC1,,Lee-Smith\n")
    ann = _row(loaded, "C1")
    assert ann["title"] is None
    assert ann["last_name"] == "Lee-Smith"
    assert ann["opted_out"] is True


def test_accounts_keep_unnamed_columns_too(store, tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(
        "account_id,name,domain,industry,employees\nA1,Acme,acme.com,Software,1200\n",
        encoding="utf-8",
    )
    ingest_file(store, "accounts", path, quiet=True)
    path.write_text("Account_ID;Name\nA1;Acme Corp\n".replace(";", ","), encoding="utf-8")
    ingest_file(store, "accounts", path, quiet=True)
    row = store.table("accounts").iloc[0]
    assert (row["name"], row["domain"], row["industry"]) == ("Acme Corp", "acme.com", "Software")
    assert int(row["employees"]) == 1200


def test_merge_rows_keeps_order_and_the_last_of_a_repeated_key():
    stored = pd.DataFrame(
        {
            "contact_id": pd.Series(["C1", "C2", "C3"], dtype="str"),
            "title": pd.Series(["a", "b", "c"], dtype="str"),
            "opted_out": pd.Series([True, False, pd.NA], dtype="boolean"),
        }
    )
    rows = pd.DataFrame(
        {
            "contact_id": pd.Series(["C2", "C4", "C2"], dtype="str"),
            "opted_out": pd.Series([True, pd.NA, pd.NA], dtype="boolean"),
        }
    )
    merged = merge_rows("contacts", stored, rows)
    # C1 and C3 stay in place; the written rows follow where their last copy stood:
    # C4, then C2 (its last row has an empty flag, so its stored False stays).
    assert merged["contact_id"].tolist() == ["C1", "C3", "C4", "C2"]
    assert merged["title"].iloc[[0, 1, 3]].tolist() == ["a", "c", "b"]
    assert pd.isna(merged["title"].iloc[2])
    flags = merged["opted_out"]
    assert (flags.iloc[0], flags.iloc[3]) == (True, False)
    assert pd.isna(flags.iloc[1]) and pd.isna(flags.iloc[2])


def test_a_title_refresh_never_brings_opted_out_people_back_into_exports(loaded, tmp_path):
    from conftest import score

    from abmgraph.export import export_audience

    _ingest(loaded, tmp_path, "titles.csv", "contact_id,title\nC1,CFO\nC2,CTO\nC3,COO\n")
    score(loaded)
    out = tmp_path / "all.csv"
    filters = {"require_consent": False}
    report = export_audience(loaded, "csv", out, filters, level="contacts")
    exported = [line.split(",")[0] for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert sorted(exported) == ["C2", "C3"]
    assert report.excluded["opted_out"] == 1  # Ann: opted out and bounced, counted once


def test_merge_rows_keeps_the_stored_column_order_for_composite_keys():
    from abmgraph.graph.tables import empty_table

    rows = pd.DataFrame(
        {
            "account_id": pd.Series(["A1"], dtype="str"),
            "topic": pd.Series(["crm"], dtype="str"),
            "observed_at": pd.to_datetime(["2026-10-01"], utc=True).astype("datetime64[us, UTC]"),
            "score": [80.0],
        }
    )
    merged = merge_rows("intent", empty_table("intent"), rows)
    assert list(merged.columns) == list(empty_table("intent").columns)
    again = merge_rows("intent", merged, rows.assign(score=[90.0]))
    assert list(again.columns) == list(empty_table("intent").columns)
    assert again["score"].tolist() == [90.0]


def test_a_corrected_email_is_no_longer_marked_invalid(loaded, tmp_path):
    # The first export had a typo; the CRM fixed it and a later export names only the email.
    _ingest(loaded, tmp_path, "typo.csv", "contact_id,email\nC3,cat(at)acme.com\n")
    assert _row(loaded, "C3")["email_status"] == "invalid"
    _ingest(loaded, tmp_path, "title.csv", "contact_id,title\nC3,Director\n")
    assert _row(loaded, "C3")["email_status"] == "invalid"  # the address was not re-judged
    _ingest(loaded, tmp_path, "fixed.csv", "contact_id,email\nC3,cat@acme.com\n")
    cat = _row(loaded, "C3")
    assert (cat["email"], cat["email_status"]) == ("cat@acme.com", None)
    # A bounce is a fact about a sent email: an address-only file never lifts it.
    _ingest(loaded, tmp_path, "same.csv", "contact_id,email\nC1,ann@acme.com\n")
    assert _row(loaded, "C1")["email_status"] == "bounced"
