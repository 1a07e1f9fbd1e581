"""`ingest --dry-run`: the same counts and rejects file as a real ingest, and the store untouched."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from abmgraph.cli import cli
from abmgraph.graph.store import GraphStore
from abmgraph.ingest.pipeline import ingest_file


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_dry_run_reports_like_a_real_ingest_and_stores_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    ingest_file(
        store, "accounts", write(tmp_path, "a.csv", "account_id,name\nA1,Acme\nA2,Globex\n")
    )
    # A1 renamed, A3 new, line 4 lacks its required name.
    update = write(tmp_path, "b.csv", "account_id,name\nA1,Acme Corp\nA3,Initech\nA4,\n")
    dry = ingest_file(
        store, "accounts", update, rejects_path=tmp_path / "dry.csv", dry_run=True, quiet=True
    )
    assert (dry.read, dry.loaded, dry.rejected, dry.new, dry.dry_run) == (3, 2, 1, 1, True)
    assert dry.summary_line() == (
        "accounts (dry run, nothing stored): read 3, would load 2 (1 new), rejected 1 "
        f"(see {tmp_path / 'dry.csv'}); encoding utf-8."
    )
    stored = store.table("accounts").set_index("account_id")["name"].sort_index()
    assert stored.to_dict() == {"A1": "Acme", "A2": "Globex"}

    real = ingest_file(store, "accounts", update, rejects_path=tmp_path / "real.csv", quiet=True)
    assert dataclasses.replace(dry, dry_run=False, rejects_file=real.rejects_file) == real
    assert (tmp_path / "dry.csv").read_text() == (tmp_path / "real.csv").read_text()
    stored = store.table("accounts").set_index("account_id")["name"].sort_index()
    assert stored.to_dict() == {"A1": "Acme Corp", "A2": "Globex", "A3": "Initech"}


def test_dry_run_counts_new_events_and_links_as_the_store_would(
    store: GraphStore, tmp_path: Path
) -> None:
    ingest_file(store, "accounts", write(tmp_path, "a.csv", "account_id,name\nA1,Acme\n"))
    contacts = "contact_id,account_id,email\nC1,A1,c1@acme.com\nC2,A1,c2@acme.com\n"
    ingest_file(store, "contacts", write(tmp_path, "c.csv", contacts))
    events = "event_id,contact_id,type,occurred_at\nE1,C1,email_open,2026-10-01\n"
    ingest_file(store, "engagements", write(tmp_path, "e1.csv", events))
    ingest_file(
        store, "opportunities", write(tmp_path, "o.csv", "opportunity_id,account_id\nO1,A1\n")
    )
    links = "opportunity_id,contact_id,role\nO1,C1,Economic Buyer\n"
    ingest_file(store, "opportunity-contacts", write(tmp_path, "l1.csv", links))
    before = store.event_count()

    # E1 is held already; E2 is new.
    more_events = events + "E2,C2,pricing_page_view,2026-10-02\n"
    dry = ingest_file(
        store, "engagements", write(tmp_path, "e2.csv", more_events), dry_run=True, quiet=True
    )
    assert (dry.read, dry.loaded, dry.new) == (2, 2, 1)
    assert store.event_count() == before == 1
    # (O1, C1) is held; (O1, C2) is new.
    more_links = links + "O1,C2,Champion\n"
    path = write(tmp_path, "l2.csv", more_links)
    dry = ingest_file(store, "opportunity-contacts", path, dry_run=True, quiet=True)
    assert (dry.read, dry.loaded, dry.new) == (2, 2, 1)
    assert len(store.table("opportunity_contacts")) == 1
    real = ingest_file(store, "opportunity-contacts", path, quiet=True)
    assert real.new == 1


def test_dry_run_of_an_empty_store_creates_no_store_files(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    path = write(tmp_path, "accounts.csv", "account_id,name\nA1,Acme\n")
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(workspace), "ingest", "accounts", str(path), "--dry-run", "--quiet"],
    )
    assert result.exit_code == 0, result.output
    assert "accounts (dry run, nothing stored): read 1, would load 1 (1 new)" in result.output
    assert not (workspace / "store").exists() or not any((workspace / "store").iterdir())


def test_cli_names_the_encoding_and_takes_one(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    path = write(tmp_path, "accounts.csv", "account_id,name\nA1,Müller €\n", encoding="cp1252")
    args = ["--workspace", str(workspace), "ingest", "accounts", str(path), "--quiet"]
    result = CliRunner().invoke(cli, [*args, "--format", "json", "--dry-run"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["encoding"], report["dry_run"], report["loaded"]) == ("cp1252", True, 1)
    assert report["nul_bytes_removed"] == 0

    result = CliRunner().invoke(cli, [*args, "--encoding", "latin-1"])
    assert result.exit_code == 0, result.output
    assert "encoding iso8859-1." in result.output
    stored = pd.read_parquet(workspace / "store" / "accounts.parquet")
    assert stored["name"].tolist() == ["Müller \x80"]

    result = CliRunner().invoke(cli, [*args, "--encoding", "klingon"])
    assert result.exit_code == 1
    assert "unknown encoding 'klingon'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_cli_refuses_a_fifo_in_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "accounts.csv"
    os.mkfifo(fifo)
    result = CliRunner().invoke(
        cli, ["--workspace", str(tmp_path / "ws"), "ingest", "accounts", str(fifo), "--quiet"]
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "is a named pipe (FIFO), not a regular file" in lines[0]


def test_strict_dry_run_fails_as_the_real_ingest_would(tmp_path: Path) -> None:
    from abmgraph.errors import RejectedRowsError
    from abmgraph.graph.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "ws")
    path = write(tmp_path, "a.csv", "account_id,name\nA1,Acme\nA2,\n")
    rejects = tmp_path / "rejects.csv"
    with pytest.raises(RejectedRowsError, match=r"^1 of 2 rows of .* were rejected"):
        ingest_file(store, "accounts", path, rejects_path=rejects, strict=True, dry_run=True)
    assert rejects.exists()
    assert store.table("accounts").empty
