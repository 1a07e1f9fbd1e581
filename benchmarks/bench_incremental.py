"""Incremental scoring benchmark: 1,000 new events for 100 accounts, then ``abmgraph score``.

Reproduce with ``.venv/bin/python benchmarks/bench_incremental.py``. The first
run builds the workspace of ``bench_embedded`` (20,000 accounts, 500,000
contacts, 10M events; ``--events`` and friends make a smaller one of the same
shape), ingests it and scores it in full, and keeps it in
``benchmarks/out/incremental/ws-<events>`` for later runs (``--rebuild`` starts
over). Each run then ingests a file of 1,000 new events spread over the
contacts of 100 random accounts and runs ``abmgraph score --format json`` as a
separate process, so start-up, reading the workspace and writing the scores
are all counted; the score's own timings break the work down (finding the
changed accounts, reading, aggregating, scoring, writing), and the child's
CPU seconds are set against those of a last run with nothing to rescore
(start-up and bookkeeping alone). Results are printed
and written to ``benchmarks/out/incremental/incremental.json``. Nothing here is
a test: numbers vary by machine; the README records what one 2-core machine
measured.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from abmgraph.demo import generate, write
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file

ROOT = Path(__file__).parent / "out" / "incremental"
ANCHOR = "2026-11-01"


def build(workspace: Path, args: argparse.Namespace) -> dict:
    """Generate, ingest and fully score the workspace; how long each step took."""
    shutil.rmtree(workspace, ignore_errors=True)
    data_dir = workspace.parent / f"data-{args.events}"
    started = time.perf_counter()
    data = generate(
        accounts=args.accounts,
        seed=1,
        anchor=ANCHOR,
        contacts_per_account=tuple(args.contacts_per_account),
        events=args.events,
        contacts=args.contacts,
    )
    paths = write(data, data_dir, fmt="parquet")
    del data
    built = {"generate_seconds": round(time.perf_counter() - started, 1)}
    store = EmbeddedStore(workspace)
    started = time.perf_counter()
    for kind in ("accounts", "contacts", "engagements"):
        ingest_file(store, kind, paths[kind], rejects_path=data_dir / f"{kind}-rejects.csv")
    built["ingest_seconds"] = round(time.perf_counter() - started, 1)
    built["full_score"] = score(workspace, "--full")
    shutil.rmtree(data_dir, ignore_errors=True)
    return built


def new_events(workspace: Path, out: Path, seed: int, accounts: int, events: int) -> Path:
    """A CSV of ``events`` new events on the contacts of ``accounts`` random accounts."""
    contacts = pd.read_parquet(
        workspace / "store" / "contacts.parquet", columns=["contact_id", "account_id"]
    )
    rng = np.random.default_rng(seed)
    chosen = rng.choice(contacts["account_id"].dropna().unique(), accounts, replace=False)
    pool = contacts.loc[contacts["account_id"].isin(chosen), "contact_id"].to_numpy()
    minutes = rng.integers(0, 14 * 24 * 60, events)
    frame = pd.DataFrame(
        {
            "event_id": [f"bench-{seed}-{i}" for i in range(events)],
            "contact_id": rng.choice(pool, events),
            "type": rng.choice(["page_view", "email_click", "webinar_attended"], events),
            "occurred_at": pd.Timestamp(ANCHOR, tz="UTC") - pd.to_timedelta(minutes, unit="min"),
        }
    )
    path = out / f"events-{seed}.csv"
    frame.to_csv(path, index=False)
    return path


def score(workspace: Path, *extra: str) -> dict:
    """``abmgraph score`` in a child process: wall and CPU time, the load, and its own report.

    On a shared machine the wall time of each phase grows with the load; the
    child's CPU seconds (start-up included) say what the work itself costs.
    """
    command = [sys.executable, "-m", "abmgraph", "--workspace", str(workspace), "score"]
    command += ["--as-of", ANCHOR, "--format", "json", *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "load_average": round(os.getloadavg()[0], 1),
        **json.loads(out.stdout),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--contacts-per-account", type=int, nargs=2, default=(15, 35))
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3, help="incremental runs to time")
    parser.add_argument("--rebuild", action="store_true", help="build the workspace anew")
    parser.add_argument("--out", type=Path, default=ROOT)
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    workspace = args.out / f"ws-{args.events}"
    results: dict = {"accounts": args.accounts, "contacts": args.contacts, "events": args.events}
    if args.rebuild or not (workspace / "store" / "scores" / "CURRENT").exists():
        results["build"] = build(workspace, args)
        print(f"built {workspace}: {results['build']}", file=sys.stderr)
    results["runs"] = []
    seed = int(time.time())
    for run in range(args.runs):
        path = new_events(workspace, args.out, seed + run, accounts=100, events=1_000)
        started = time.perf_counter()
        report = ingest_file(EmbeddedStore(workspace), "engagements", path, quiet=True)
        ingest_seconds = round(time.perf_counter() - started, 2)
        scored = score(workspace)
        results["runs"].append(
            {"ingest_seconds": ingest_seconds, "loaded": report.loaded, **scored}
        )
        print(
            f"run {run + 1}: {scored['mode']} rescored {scored['accounts_rescored']} accounts "
            f"({scored['contacts_rescored']} contacts) in {scored['seconds']:.2f} s of scoring "
            f"{scored['timings']}, {scored['wall_seconds']:.2f} s wall, "
            f"{scored['cpu_seconds']:.2f} s CPU, load {scored['load_average']}",
            file=sys.stderr,
        )
        path.unlink()
    # Nothing changed since: what start-up, finding no change and linking the stored
    # scores into a new run cost, to set against the runs above.
    results["idle_run"] = score(workspace)
    idle = results["idle_run"]
    print(
        f"idle run: {idle['wall_seconds']:.2f} s wall, {idle['cpu_seconds']:.2f} s CPU",
        file=sys.stderr,
    )
    (args.out / "incremental.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
