"""Ids on both stores: over-long ids are row errors, never a failed file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abmgraph.graph.store import GraphStore
from abmgraph.ingest.ids import MAX_ID_LENGTH
from abmgraph.ingest.pipeline import ingest_file


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.csv"
    path.write_text(body, encoding="utf-8")
    return path


def test_an_over_long_id_rejects_only_its_row(store: GraphStore, tmp_path: Path) -> None:
    huge = "X" * 10_000
    edge = "Y" * MAX_ID_LENGTH
    accounts = f"account_id,name\nA1,Acme\n{huge},Huge\n{edge},Edge\nA4,Delta\n"
    report = ingest_file(
        store, "accounts", write(tmp_path, "a", accounts), rejects_path=tmp_path / "r.csv"
    )
    assert (report.read, report.loaded, report.rejected) == (4, 3, 1)
    assert sorted(store.table("accounts")["account_id"]) == ["A1", "A4", edge]
    table = pd.read_csv(tmp_path / "r.csv", dtype=str)
    assert table[["source_line", "field", "reason", "severity"]].values.tolist() == [
        ["3", "account_id", "id is 10,000 characters long; ids are at most 255", "rejected"]
    ]
    assert table.loc[0, "account_id"] == huge  # the raw row, to fix and reload


def test_an_over_long_reference_is_blanked_with_a_warning(
    store: GraphStore, tmp_path: Path
) -> None:
    ingest_file(store, "accounts", write(tmp_path, "a", "account_id,name\nA1,Acme\n"))
    contacts = f"contact_id,account_id,manager_id\nC1,A1,\nC2,A1,{'M' * 300}\n"
    report = ingest_file(
        store, "contacts", write(tmp_path, "c", contacts), rejects_path=tmp_path / "r.csv"
    )
    assert (report.loaded, report.rejected, report.warnings) == (2, 0, 1)
    stored = store.table("contacts").set_index("contact_id")
    assert pd.isna(stored.loc["C2", "manager_id"])
    assert stored.loc["C2", "manager_id_invalid"] == "M" * 300
    table = pd.read_csv(tmp_path / "r.csv", dtype=str)
    assert table[["field", "reason", "severity"]].values.tolist() == [
        ["manager_id", "id is 300 characters long; ids are at most 255", "warning"]
    ]
