"""Export benchmark: audience files from a scored workspace of 500,000 contacts.

Reproduce with ``.venv/bin/python benchmarks/bench_export.py``. It generates
20,000 accounts and 500,000 contacts with a small event log, ingests and
scores them once (kept in ``benchmarks/out/export-ws``; ``--rebuild`` starts
over), then runs ``abmgraph export`` for every platform as a separate process,
so start-up, reading the workspace, selection, normalisation, hashing and
writing are all counted. Each run is timed end to end (wall) and the child's
peak RSS recorded. Results are printed and written to
``benchmarks/out/export.json``. Wall and CPU seconds are both given, since a
shared machine slows wall time. Nothing here is a test: numbers vary by
machine; the README records what one machine measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from abmgraph.demo import generate, write
from abmgraph.export.writer import manifest_path
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store

ROOT = Path(__file__).parent / "out"
ANCHOR = "2026-11-01"
RUNS = [
    ("linkedin-contacts", []),
    ("google-customer-match", []),
    ("meta-customer-list", []),
    ("csv", ["--level", "contacts"]),
    ("json", ["--level", "contacts"]),
    ("linkedin-contacts", ["--include-customers", "--no-require-consent", "--hash"]),
    ("linkedin-companies", []),
    ("6sense-accounts", []),
    ("demandbase-accounts", []),
]


def build(workspace: Path, accounts: int, contacts: int, events: int) -> dict:
    """Generate, ingest and score the workspace; seconds for each step."""
    shutil.rmtree(workspace, ignore_errors=True)
    started = time.perf_counter()
    data = generate(
        accounts=accounts,
        seed=1,
        anchor=ANCHOR,
        contacts_per_account=(15, 35),
        contacts=contacts,
        events=events,
    )
    paths = write(data, workspace.parent / "export-data", fmt="parquet")
    del data
    timings = {"generate": time.perf_counter() - started}
    store = EmbeddedStore(workspace)
    for kind in ("accounts", "contacts", "engagements"):
        started = time.perf_counter()
        ingest_file(store, kind, paths[kind], rejects_path=ROOT / "rejects" / kind, quiet=True)
        timings[f"ingest_{kind}"] = time.perf_counter() - started
    started = time.perf_counter()
    score_store(store, ScoringConfig(), parse_as_of(ANCHOR))
    timings["score"] = time.perf_counter() - started
    return {name: round(seconds, 2) for name, seconds in timings.items()}


def export(workspace: Path, platform: str, options: list[str], out: Path) -> dict:
    """``abmgraph export`` in a child process: wall seconds, peak RSS, the counts."""
    suffix = ".json" if platform == "json" else ".csv"
    tag = "-".join(option.strip("-") for option in options)
    target = out / f"{platform}-{tag}{suffix}" if tag else out / f"{platform}{suffix}"
    command = [sys.executable, "-m", "abmgraph", "--workspace", str(workspace), "export",
               platform, "--out", str(target), *options]  # fmt: skip
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own CPU time and peak RSS
        child.returncode = status
        seconds = time.perf_counter() - started
        if status:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{errors.read().decode()}")
    # CPU time is the steadier figure on a shared machine; wall time is what users see.
    cpu = usage.ru_utime + usage.ru_stime
    manifest = json.loads(manifest_path(target).read_text("utf-8"))
    return {
        "platform": platform,
        "options": " ".join(options),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_gb": round(usage.ru_maxrss / 1024**2, 2),
        "candidates": manifest["counts"]["candidates"],
        "included": manifest["counts"]["included"],
        "files": len(manifest["files"]),
        "megabytes": round(sum(f["bytes"] for f in manifest["files"]) / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=ROOT)
    parser.add_argument("--rebuild", action="store_true", help="Regenerate the workspace.")
    args = parser.parse_args()

    workspace = args.out / "export-ws"
    results: dict = {"accounts": args.accounts, "contacts": args.contacts, "events": args.events}
    if args.rebuild or EmbeddedStore(workspace).score_meta() is None:
        results["build_seconds"] = build(workspace, args.accounts, args.contacts, args.events)
        print(f"built the workspace: {results['build_seconds']}", file=sys.stderr)
    files = args.out / "export-files"
    shutil.rmtree(files, ignore_errors=True)
    files.mkdir(parents=True)
    results["runs"] = []
    results["load_before"] = [round(x, 2) for x in os.getloadavg()]
    results["cpus"] = os.cpu_count()
    for platform, options in RUNS:
        run = export(workspace, platform, options, files)
        results["runs"].append(run)
        print(
            f"{platform:<22} {run['options']:<48} {run['seconds']:>6.2f} s "
            f"(cpu {run['cpu_seconds']:>5.2f} s)  "
            f"{run['included']:>9,} of {run['candidates']:>9,} rows  {run['files']} file(s) "
            f"{run['megabytes']:>6.1f} MB  peak {run['peak_rss_gb']:.2f} GB",
            file=sys.stderr,
        )
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(f"load average {results['load_before']} -> {results['load_after']}", file=sys.stderr)
    (args.out / "export.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
