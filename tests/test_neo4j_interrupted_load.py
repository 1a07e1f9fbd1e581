"""What the Neo4j store promises when a load dies: whole batches, and a re-run completes it.

The Neo4j store commits ``batch_size`` rows per transaction (events:
``event_batch_size``, by several writers), so a load killed part-way leaves
only whole batches — never half a row or a dangling relationship — and
ingesting the same file again ends in exactly the graph one clean load
builds, with nothing doubled. Here a real ``abmgraph ingest`` process is
killed with SIGKILL while its batches commit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import score

from abmgraph.errors import StoreError
from abmgraph.graph.neo4j_store import Neo4jStore
from abmgraph.graph.store import EventWindow
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store

pytestmark = pytest.mark.neo4j

ACCOUNTS = 40
# Enough batches (10,000 contacts or 20,000 events each) that the kill lands while they commit.
SIZES = {"contacts": (40_000, 0), "engagements": (400, 100_000)}
TYPES = ["email_open", "email_click", "pricing_page_view", "content_download", "webinar_attended"]


def write_files(folder: Path, contacts_n: int, events_n: int) -> dict[str, Path]:
    """Accounts, contacts and their events as a CRM export writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    accounts = pd.DataFrame(
        {
            "account_id": [f"A{i:03d}" for i in range(ACCOUNTS)],
            "name": [f"Company {i}" for i in range(ACCOUNTS)],
            "domain": [f"company{i}.com" for i in range(ACCOUNTS)],
        }
    )
    contacts = pd.DataFrame(
        {
            "contact_id": [f"C{i:04d}" for i in range(contacts_n)],
            "account_id": [f"A{i % ACCOUNTS:03d}" for i in range(contacts_n)],
            "email": [f"person{i}@company{i % ACCOUNTS}.com" for i in range(contacts_n)],
            "title": np.resize(["VP Engineering", "IT Manager", "CFO", "Analyst"], contacts_n),
            "buying_role": np.resize(["decision_maker", "champion", "", "user"], contacts_n),
        }
    )
    start = pd.Timestamp("2026-05-01T00:00:00Z")
    events = pd.DataFrame(
        {
            "event_id": [f"E{i:07d}" for i in range(events_n)],
            "contact_id": [f"C{c:04d}" for c in rng.integers(0, contacts_n, events_n)],
            "type": np.array(TYPES)[rng.integers(0, len(TYPES), events_n)],
            "occurred_at": (
                start + pd.to_timedelta(rng.integers(0, 180 * 86_400, events_n), unit="s")
            ).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    paths = {}
    for kind, frame in (("accounts", accounts), ("contacts", contacts), ("engagements", events)):
        paths[kind] = folder / f"{kind}.csv"
        frame.to_csv(paths[kind], index=False)
    return paths


def ingest(store: Neo4jStore, paths: dict[str, Path], kinds: list[str]) -> None:
    for kind in kinds:
        report = ingest_file(store, kind, paths[kind], quiet=True)
        assert report.rejected == 0


def graph(store: Neo4jStore) -> dict[str, Any]:
    """Everything a doubled or half-written row would change."""
    relationships, _, _ = store._driver.execute_query(
        "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type",
        database_=store.database,
    )
    keys, _, _ = store._driver.execute_query(
        "MATCH (e:Engagement) RETURN count(DISTINCT e.event_key) AS keys, count(e) AS events",
        database_=store.database,
    )
    window = EventWindow(pd.Timestamp("2026-11-01T00:00:00Z"), 365, 30, 14, 28)
    summary = store.engagement_summary(window).sort_values(["contact_id", "type"])
    return {
        "counts": store.counts(),
        "relationships": {r["type"]: r["n"] for r in relationships},
        "distinct_keys": keys[0]["keys"],
        "events": keys[0]["events"],
        "summary": summary.reset_index(drop=True),
        "contacts": store.table("contacts").sort_values("contact_id").reset_index(drop=True),
    }


def assert_same(a: dict[str, Any], b: dict[str, Any]) -> None:
    for key in ("counts", "relationships", "distinct_keys", "events"):
        assert a[key] == b[key], key
    pd.testing.assert_frame_equal(a["summary"], b["summary"])
    pd.testing.assert_frame_equal(
        a["contacts"].drop(columns=["ingested_at"], errors="ignore"),
        b["contacts"].drop(columns=["ingested_at"], errors="ignore"),
    )


def settle(store: Neo4jStore, label: str) -> None:
    """Wait until the server has finished what the killed client left in flight.

    A batch whose commit was on its way when the client died still commits on
    the server a moment later; counting before then would read a graph that is
    still changing, not the one the kill left.
    """
    last, steady_since = None, time.monotonic()
    deadline = steady_since + 60
    while time.monotonic() < deadline:
        now = (store._count(label), store._count("Engagement"))
        if now != last:
            last, steady_since = now, time.monotonic()
        elif time.monotonic() - steady_since >= 1.0:
            return
        time.sleep(0.1)
    pytest.fail("the graph was still changing a minute after the load was killed")


def kill_mid_load(store: Neo4jStore, command: list[str], label: str, total: int) -> int:
    """Start ``command``; SIGKILL it once some but not all ``label`` nodes are stored."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ}
    )
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            seen = store._count(label)
            if 0 < seen < total:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(30)
                settle(store, label)
                return seen
            if process.poll() is not None:
                pytest.fail(
                    f"the load ended ({process.returncode}) before it could be killed: "
                    f"{process.stderr.read().decode() if process.stderr else ''}"
                )
            time.sleep(0.02)
        pytest.fail("the load stored nothing within 10 minutes")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
        if process.stderr:
            process.stderr.close()


@pytest.mark.parametrize(
    ("kind", "label"), [("contacts", "Contact"), ("engagements", "Engagement")]
)
def test_a_load_killed_mid_batch_leaves_whole_batches_and_a_rerun_completes_it(
    neo4j_server: Neo4jStore, tmp_path: Path, kind: str, label: str
):
    store = neo4j_server
    contacts_n, events_n = SIZES[kind]
    total = contacts_n if kind == "contacts" else events_n
    paths = write_files(tmp_path / "crm", contacts_n, events_n)
    everything = ["accounts", "contacts"] + (["engagements"] if events_n else [])
    store.clear()
    ingest(store, paths, everything)
    clean = graph(store)
    assert clean["counts"]["contacts"] == contacts_n
    assert clean["events"] == clean["distinct_keys"] == events_n
    assert clean["relationships"].get("PERFORMED", 0) == events_n
    assert clean["relationships"]["WORKS_AT"] == contacts_n

    store.clear()
    ingest(store, paths, everything[: everything.index(kind)])
    command = [
        sys.executable,
        "-m",
        "abmgraph",
        "--workspace",
        str(tmp_path / "ws"),
        "--backend",
        "neo4j",
        "--neo4j-uri",
        store.uri,
        "--neo4j-database",
        store.database,
        "ingest",
        kind,
        str(paths[kind]),
        "--quiet",
    ]
    seen = kill_mid_load(store, command, label, total)
    killed = graph(store)
    # Only whole batches: no row twice, every stored contact at its account.
    assert 0 < seen <= store._count(label) < total
    assert killed["events"] == killed["distinct_keys"]
    assert killed["relationships"].get("PERFORMED", 0) == killed["events"]
    assert killed["relationships"].get("WORKS_AT", 0) == killed["counts"]["contacts"]

    ingest(store, paths, everything[everything.index(kind) :])
    assert_same(graph(store), clean)
    # Once more: a complete load run again changes nothing.
    ingest(store, paths, [kind])
    assert_same(graph(store), clean)


def test_a_scoring_run_stopped_part_way_is_reported_and_a_rerun_completes_it(
    neo4j_server: Neo4jStore, builder, monkeypatch: pytest.MonkeyPatch
):
    """Scores go onto the nodes batch by batch: a half-written run is never read as a ranking."""
    store = neo4j_server
    store.clear()
    for i in range(3):
        builder.account(f"A{i}")
    for i in range(6):
        builder.contact(f"C{i}", f"A{i % 3}", title=["CIO", "VP IT", "Analyst"][i % 3])
        builder.event(f"C{i}", "demo_request", days_ago=2 + i)
    builder.load(store)
    score(store)
    complete = {level: store.scores(level) for level in ("contacts", "accounts")}
    assert len(complete["contacts"]) == 6 and len(complete["accounts"]) == 3

    monkeypatch.setattr(store, "batch_size", 1)
    write_batch = Neo4jStore._write_batch
    calls = {"n": 0}

    def stops_after_one_batch(self: Neo4jStore, *args: Any) -> int:
        calls["n"] += 1
        if calls["n"] > 1:
            raise RuntimeError("killed")
        return write_batch(self, *args)

    with monkeypatch.context() as patch:
        patch.setattr(Neo4jStore, "_write_batch", stops_after_one_batch)
        with pytest.raises(RuntimeError, match="killed"):
            score_store(store, ScoringConfig(), parse_as_of("2026-11-20T00:00:00+00:00"), full=True)
    # The run stopped in the contacts: no level reads as a ranking until a run completes.
    for level in ("contacts", "accounts"):
        with pytest.raises(StoreError, match="The stored scores are incomplete"):
            store.scores(level)

    # Nothing changed since the complete run, but the stopped one left nodes behind.
    rerun = score(store)
    assert (rerun.mode, rerun.full_reason) == ("full", "the last score run stopped part-way")
    for level, frame in complete.items():
        pd.testing.assert_frame_equal(store.scores(level), frame)
