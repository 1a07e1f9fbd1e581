"""Embedded-store benchmark: ingest and score a workspace of 500,000 contacts and 10M events.

Reproduce with ``make bench`` (or ``.venv/bin/python benchmarks/bench_embedded.py``).
It generates the synthetic dataset as Parquet, ingests it, then runs
``abmgraph score`` end to end as a separate process (so start-up, reading the
workspace and writing the scores are all counted) on workspaces holding 1M,
3M and 10M events. Results are printed as a table and written to
``benchmarks/out/embedded.json``. Nothing here is a test: numbers vary by
machine; the README records what one 2-core machine measured.
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

import pyarrow.parquet as pq

from abmgraph.demo import generate, write
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file

ROOT = Path(__file__).parent / "out"


def _timed_ingest(store: EmbeddedStore, kind: str, path: Path, rejects: Path) -> dict:
    started = time.perf_counter()
    report = ingest_file(store, kind, path, rejects_path=rejects, quiet=True)
    seconds = time.perf_counter() - started
    return {
        "kind": kind,
        "rows": report.read,
        "loaded": report.loaded,
        "seconds": round(seconds, 2),
        "rows_per_s": round(report.read / seconds),
    }


def _score(workspace: Path, as_of: str) -> dict:
    """Run ``abmgraph score`` in a child process; wall time and the child's peak RSS."""
    command = [
        sys.executable,
        "-m",
        "abmgraph",
        "--workspace",
        str(workspace),
        "score",
        "--as-of",
        as_of,
        "--format",
        "json",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": round(seconds, 2),
        "peak_rss_gb": round(max(peak_kb, before) / 1024**2, 2),
        "inner": json.loads(out.stdout),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--contacts-per-account", type=int, nargs=2, default=(15, 35))
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--steps", type=int, nargs="*", default=[1_000_000, 3_000_000, 10_000_000])
    parser.add_argument("--out", type=Path, default=ROOT)
    args = parser.parse_args()

    data_dir = args.out / "data"
    anchor = "2026-11-01"
    started = time.perf_counter()
    data = generate(
        accounts=args.accounts,
        seed=1,
        anchor=anchor,
        contacts_per_account=tuple(args.contacts_per_account),
        events=args.events,
        contacts=args.contacts,
    )
    paths = write(data, data_dir, fmt="parquet")
    generated = time.perf_counter() - started
    print(
        f"generated {len(data.contacts):,} contacts and {len(data.engagements):,} events "
        f"in {generated:.1f} s",
        file=sys.stderr,
    )
    del data

    results = {"accounts": args.accounts, "generate_seconds": round(generated, 1), "runs": []}
    events = pq.read_table(paths["engagements"])
    for step in sorted(s for s in args.steps if s <= events.num_rows):
        workspace = args.out / f"ws-{step}"
        shutil.rmtree(workspace, ignore_errors=True)
        store = EmbeddedStore(workspace)
        rejects = args.out / "rejects"
        run = {"events": step, "ingest": []}
        for kind in ("accounts", "contacts"):
            run["ingest"].append(_timed_ingest(store, kind, paths[kind], rejects / f"{kind}.csv"))
        sliced = args.out / f"engagements-{step}.parquet"
        pq.write_table(events.slice(0, step), sliced)
        run["ingest"].append(
            _timed_ingest(store, "engagements", sliced, rejects / "engagements.csv")
        )
        run["score"] = _score(workspace, anchor)
        results["runs"].append(run)
        e = run["ingest"][-1]
        print(
            f"{step:>11,} events: ingest {e['rows_per_s']:>10,} rows/s  "
            f"score {run['score']['seconds']:>6.2f} s  peak {run['score']['peak_rss_gb']:.2f} GB",
            file=sys.stderr,
        )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "embedded.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
