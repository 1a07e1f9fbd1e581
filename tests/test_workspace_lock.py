"""One writer at a time: real CLI processes run at once against one workspace."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from abmgraph.errors import WorkspaceBusyError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.lock import write_lock


def start(workspace: Path, *args: str, wait: str = "120") -> subprocess.Popen:
    env = {**os.environ, "ABMGRAPH_WORKSPACE": str(workspace), "ABMGRAPH_WAIT": wait}
    return subprocess.Popen(
        [sys.executable, "-m", "abmgraph", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> tuple[int, str]:
    _, err = process.communicate(timeout=300)
    return process.returncode, err


def write_accounts(path: Path, first: int, count: int) -> None:
    ids = [f"A{i:06d}" for i in range(first, first + count)]
    pd.DataFrame(
        {
            "account_id": ids,
            "name": [f"Firma {i} GmbH" for i in ids],
            "domain": [f"{i.lower()}.de" for i in ids],
            "industry": "Manufacturing",
            "employees": 250,
            "country": "DE",
        }
    ).to_csv(path, index=False)


def test_two_ingests_of_different_account_files_at_once_keep_every_row(tmp_path):
    workspace = tmp_path / "ws"
    write_accounts(tmp_path / "north.csv", 0, 4000)
    write_accounts(tmp_path / "south.csv", 4000, 4000)
    runs = [
        start(workspace, "ingest", "accounts", str(tmp_path / name), "--quiet")
        for name in ("north.csv", "south.csv")
    ]
    results = [finish(p) for p in runs]
    assert [code for code, _ in results] == [0, 0], results
    accounts = EmbeddedStore(workspace).table("accounts")
    assert len(accounts) == 8000
    assert accounts["account_id"].is_unique


def test_two_ingests_of_the_same_events_at_once_store_each_event_once(tmp_path):
    workspace = tmp_path / "ws"
    write_accounts(tmp_path / "accounts.csv", 0, 10)
    contacts = pd.DataFrame(
        {
            "contact_id": [f"C{i:04d}" for i in range(100)],
            "account_id": [f"A{i % 10:06d}" for i in range(100)],
            "email": [f"person{i}@a{i % 10:06d}.de" for i in range(100)],
        }
    )
    contacts.to_csv(tmp_path / "contacts.csv", index=False)
    for kind in ("accounts", "contacts"):
        code, err = finish(start(workspace, "ingest", kind, str(tmp_path / f"{kind}.csv")))
        assert code == 0, err
    n = 200_000
    events = pd.DataFrame(
        {
            "event_id": [f"E{i:07d}" for i in range(n)],
            "contact_id": [f"C{i % 100:04d}" for i in range(n)],
            "type": "email_open",
            "occurred_at": pd.Timestamp("2026-10-01", tz="UTC")
            + pd.to_timedelta(pd.RangeIndex(n) % 86_400, unit="s"),
        }
    )
    events.to_csv(tmp_path / "events.csv", index=False)
    runs = [
        start(workspace, "ingest", "engagements", str(tmp_path / "events.csv"), "--quiet")
        for _ in range(2)
    ]
    results = [finish(p) for p in runs]
    assert [code for code, _ in results] == [0, 0], results
    assert EmbeddedStore(workspace).event_count() == n


def test_a_second_writer_fails_at_once_with_wait_zero(tmp_path):
    workspace = tmp_path / "ws"
    write_accounts(tmp_path / "accounts.csv", 0, 3)
    with write_lock(workspace):
        code, err = finish(
            start(workspace, "ingest", "accounts", str(tmp_path / "accounts.csv"), wait="0")
        )
    assert code == 1
    assert err.strip().splitlines() == [
        f"Error: Another abmgraph command is still writing to {workspace}; "
        "run this again when it has finished, or give a longer --wait."
    ]
    assert EmbeddedStore(workspace).table("accounts").empty


def test_a_second_writer_waits_saying_so_and_then_writes(tmp_path):
    workspace = tmp_path / "ws"
    write_accounts(tmp_path / "accounts.csv", 0, 3)
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with write_lock(workspace):
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    process = start(workspace, "ingest", "accounts", str(tmp_path / "accounts.csv"), "--quiet")
    # Its first words on stderr: it found the lock taken and waits.
    said = process.stderr.readline()
    assert said.strip() == (
        f"Another abmgraph command is writing to {workspace}; "
        "waiting up to 120 s for it to finish (--wait)."
    )
    assert process.poll() is None
    assert EmbeddedStore(workspace).table("accounts").empty
    release.set()
    holder.join()
    code, err = finish(process)
    assert code == 0, err
    assert len(EmbeddedStore(workspace).table("accounts")) == 3


def test_a_writer_that_times_out_says_how_long_it_waited(tmp_path):
    workspace = tmp_path / "ws"
    with write_lock(workspace):
        code, err = finish(start(workspace, "score", wait="0.5"))
    assert code == 1
    assert "after waiting 0.5 s" in err.splitlines()[-1]


def test_readers_take_no_lock(tmp_path):
    workspace = tmp_path / "ws"
    with write_lock(workspace):
        code, err = finish(start(workspace, "status", "--format", "json", wait="0"))
    assert code == 0, err


def test_the_lock_is_reentrant_within_a_process_and_exclusive_across(tmp_path):
    workspace = tmp_path / "ws"
    with write_lock(workspace), write_lock(workspace, wait=0):
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from abmgraph.lock import write_lock\n"
                "with write_lock(sys.argv[1], wait=0): pass",
                str(workspace),
            ],
            capture_output=True,
            text=True,
        )
    assert probe.returncode == 1
    assert "WorkspaceBusyError" in probe.stderr
    with write_lock(workspace, wait=0):  # released: free again
        pass


def test_a_killed_writer_leaves_the_workspace_unlocked(tmp_path):
    workspace = tmp_path / "ws"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from abmgraph.lock import write_lock\n"
            "with write_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(600)",
            str(workspace),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(WorkspaceBusyError), write_lock(workspace, wait=0):
        pass
    holder.kill()
    holder.wait()
    with write_lock(workspace, wait=5):
        pass
