"""A scoring run is switched in whole: a process killed between its writes leaves the old run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from abmgraph.cli import cli
from abmgraph.graph.embedded import EmbeddedStore

# Runs the CLI with every file rename followed, once the contacts' score file is in
# place, by a long sleep: the test kills the process there, between two writes.
PAUSED_CLI = """
import os, sys, time
real = os.replace
def replace(src, dst, *args, **kwargs):
    real(src, dst, *args, **kwargs)
    if str(dst).endswith("contacts.parquet") and "scores" in str(dst):
        print("contacts written", flush=True)
        time.sleep(600)
os.replace = replace
from abmgraph.cli import main
sys.argv = ["abmgraph", *sys.argv[1:]]
main()
"""


@pytest.fixture
def scored(tmp_path) -> Path:
    workspace = tmp_path / "ws"
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(workspace), "demo", "--accounts", "30", "--anchor", "2026-11-01"],
    )
    assert result.exit_code == 0, result.output
    return workspace


def snapshot(workspace: Path) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    store = EmbeddedStore(workspace)
    return store.score_meta(), store.scores("contacts"), store.scores("accounts")


def kill_mid_score(workspace: Path, as_of: str) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            PAUSED_CLI,
            "--workspace",
            str(workspace),
            "score",
            "--as-of",
            as_of,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    assert line.strip() == "contacts written", process.communicate(timeout=60)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


def test_a_score_killed_between_its_writes_leaves_the_previous_run_whole(scored):
    meta, contacts, accounts = snapshot(scored)
    assert meta["as_of"].startswith("2026-11-01")
    kill_mid_score(scored, "2026-09-15")
    after_meta, after_contacts, after_accounts = snapshot(scored)
    assert after_meta == meta
    pd.testing.assert_frame_equal(after_contacts, contacts)
    pd.testing.assert_frame_equal(after_accounts, accounts)
    # What the listing commands read is the same whole run.
    listed = CliRunner().invoke(
        cli, ["--workspace", str(scored), "accounts", "--format", "json", "--limit", "3"]
    )
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("account_id") == 3


def test_the_next_score_removes_what_the_killed_run_left(scored):
    kill_mid_score(scored, "2026-09-15")
    runs = scored / "store" / "scores" / "runs"
    assert [p.name for p in runs.iterdir() if p.name.startswith(".")]  # the killed run's folder
    result = CliRunner().invoke(cli, ["--workspace", str(scored), "score", "--as-of", "2026-10-01"])
    assert result.exit_code == 0, result.output
    left = sorted(p.name for p in runs.iterdir())
    assert not [name for name in left if name.startswith(".")]
    assert len(left) == 2  # the new run and the one before it, for readers still on it
    current = (scored / "store" / "scores" / "CURRENT").read_text(encoding="utf-8").strip()
    assert current in left
    meta, contacts, accounts = snapshot(scored)
    assert meta["as_of"].startswith("2026-10-01")
    assert len(contacts) == meta["contacts"] and len(accounts) == meta["accounts"]


def test_a_reader_keeps_the_run_it_started_on(scored):
    reader = EmbeddedStore(scored)
    before = reader.scores("accounts")
    result = CliRunner().invoke(cli, ["--workspace", str(scored), "score", "--as-of", "2026-08-01"])
    assert result.exit_code == 0, result.output
    # Contacts read after the switch still come from the reader's run.
    assert reader.score_meta()["as_of"].startswith("2026-11-01")
    pd.testing.assert_frame_equal(reader.scores("accounts"), before)
    assert EmbeddedStore(scored).score_meta()["as_of"].startswith("2026-08-01")


def test_a_workspace_scored_in_the_single_folder_layout_is_read_then_replaced(scored):
    meta, contacts, _ = snapshot(scored)
    folder = scored / "store" / "scores"
    run = folder / "runs" / (folder / "CURRENT").read_text(encoding="utf-8").strip()
    for name in ("contacts.parquet", "accounts.parquet", "meta.json"):
        os.replace(run / name, folder / name)
    (folder / "CURRENT").unlink()
    legacy = EmbeddedStore(scored)
    assert legacy.score_meta() == meta
    pd.testing.assert_frame_equal(legacy.scores("contacts"), contacts)
    result = CliRunner().invoke(cli, ["--workspace", str(scored), "score", "--as-of", "2026-10-01"])
    assert result.exit_code == 0, result.output
    assert not (folder / "contacts.parquet").exists()
    assert EmbeddedStore(scored).score_meta()["as_of"].startswith("2026-10-01")


def test_the_next_write_removes_temp_files_a_killed_ingest_left(scored, tmp_path):
    store_folder = scored / "store"
    left = [
        store_folder / ".accounts.parquet.k3j9x1.tmp",
        store_folder / "events" / ".part-000007-1a2b3c4d.parquet.q8w2e5.tmp",
    ]
    for path in left:
        path.write_bytes(b"PAR1 half a file")
    accounts = tmp_path / "more.csv"
    accounts.write_text("account_id,name\nZ9,Zeta AG\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--workspace", str(scored), "ingest", "accounts", str(accounts)]
    )
    assert result.exit_code == 0, result.output
    assert not any(path.exists() for path in left)
    assert "Z9" in set(EmbeddedStore(scored).table("accounts")["account_id"])
