"""Report benchmark: ``abmgraph report`` for the top 200 accounts of a 500,000-contact workspace.

Reproduce with ``.venv/bin/python benchmarks/bench_report.py`` (add
``--reuse`` to keep a workspace built before; it is the one
``bench_queries.py`` builds: 20,000 accounts, 500,000 contacts, 2,000,000
events). It times ``abmgraph report --out DIR --top 200`` as a fresh process
(start-up, reading the workspace and writing every page counted), then opens
``DIR/index.html`` in headless Chromium ``--repeat`` times and reports the
median time to the page's load event. Results are printed and written to
``benchmarks/out/report.json`` with the load average at the start. Nothing
here is a test: numbers vary by machine; the README records one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_queries import ROOT, build

from abmgraph.graph.embedded import EmbeddedStore


def time_report(workspace: Path, out: Path, top: int) -> tuple[float, float]:
    """Wall seconds of ``abmgraph report`` in a fresh process, and the CPU seconds it used
    (which other work on a shared machine inflates far less than the wall time)."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "abmgraph", "--workspace", str(workspace), "report"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*command, "--out", str(out), "--top", str(top)], check=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def time_index(index: Path, repeat: int) -> list[float]:
    """Seconds from navigation to the load event, in a fresh page each time."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("ABMGRAPH_CHROMIUM") or shutil.which("chromium")
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for _ in range(repeat):
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(index.resolve().as_uri(), wait_until="load")
            times.append(time.perf_counter() - started)
            page.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--top", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT)
    parser.add_argument("--reuse", action="store_true", help="Keep a workspace built before.")
    parser.add_argument("--workspace", type=Path, help="Use this scored workspace as it is.")
    args = parser.parse_args()
    workspace, data_dir = args.out / f"ws-queries-{args.contacts}", args.out / "queries-data"
    if args.workspace is not None:
        workspace = args.workspace
    elif not (args.reuse and EmbeddedStore(workspace).score_meta() is not None):
        build(workspace, data_dir, args.accounts, args.contacts, args.events)
    load = os.getloadavg()[0]
    site = args.out / "report-site"
    seconds, cpu = time_report(workspace, site, args.top)
    opens = time_index(site / "index.html", args.repeat)
    result = {
        "contacts": args.contacts,
        "events": args.events,
        "top": args.top,
        "report_seconds": round(seconds, 2),
        "report_cpu_seconds": round(cpu, 2),
        "index_open_seconds_median": round(statistics.median(opens), 3),
        "index_open_seconds": [round(t, 3) for t in opens],
        "index_bytes": (site / "index.html").stat().st_size,
        "load_average": round(load, 2),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
