"""What the graph components cost a full score: with them, and with every one turned off.

Builds (or, with ``--reuse``, keeps) the embedded benchmark's workspace —
20,000 accounts, 500,000 contacts, 10,000,000 events by default — then runs
``abmgraph score`` end to end in a child process, alternating
the default config with one whose graph points are all 0, ``--repeat`` times
each. Reports the medians, the added share, and the seconds the walks
themselves took inside the run (``timings.graph``). With ``--neo4j URI`` it
also scores the same graph in Neo4j (the graph must already be loaded there,
e.g. by ``bench_neo4j.py``).

Reproduce with ``.venv/bin/python benchmarks/bench_graph_components.py``
(``--reuse`` on later runs). Results go to ``benchmarks/out/graph.json``.
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

ROOT = Path(__file__).parent / "out"
ANCHOR = "2026-11-01"
OFF = """[account.graph]
access_to_power_points = 0
champions_moved_points = 0
family_points = 0
"""


def build(workspace: Path, data_dir: Path, args: argparse.Namespace) -> None:
    from abmgraph.demo import generate, write
    from abmgraph.demo_run import INGEST_ORDER
    from abmgraph.graph.embedded import EmbeddedStore
    from abmgraph.ingest.pipeline import ingest_file

    started = time.perf_counter()
    data = generate(
        accounts=args.accounts,
        seed=1,
        anchor=ANCHOR,
        contacts_per_account=(15, 35),
        events=args.events,
        contacts=args.contacts,
    )
    paths = write(data, data_dir, fmt="parquet")
    del data
    shutil.rmtree(workspace, ignore_errors=True)
    store = EmbeddedStore(workspace)
    for kind in INGEST_ORDER:
        if kind in paths:
            ingest_file(
                store, kind, paths[kind], rejects_path=data_dir / f"{kind}-rejects.csv", quiet=True
            )
    print(f"built {workspace} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def score(workspace: Path, config: Path | None, backend: str = "embedded") -> dict:
    command = [sys.executable, "-m", "abmgraph", "--workspace", str(workspace)]
    # --full: every run rescores every account, whatever the run before it did.
    command += ["--backend", backend, "score", "--full", "--as-of", ANCHOR, "--format", "json"]
    if config is not None:
        command += ["--config", str(config)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    inner = json.loads(out.stdout)
    return {"seconds": seconds, "cpu": cpu, "timings": inner.get("timings", {})}


def compare(workspace: Path, off: Path, repeat: int, backend: str) -> dict:
    runs: dict[str, list[dict]] = {"on": [], "off": []}
    for _ in range(repeat):  # alternating, so load on the machine hits both alike
        runs["off"].append(score(workspace, off, backend))
        runs["on"].append(score(workspace, None, backend))

    def median(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[kind])

    def listed(kind: str, key: str) -> list[float]:
        return [round(r[key], 2) for r in runs[kind]]

    walks = statistics.median(r["timings"].get("graph", 0.0) for r in runs["on"])
    return {
        "backend": backend,
        # Wall time moves with whatever else the machine runs; CPU time much less.
        "on_seconds": listed("on", "seconds"),
        "off_seconds": listed("off", "seconds"),
        "on_cpu_seconds": listed("on", "cpu"),
        "off_cpu_seconds": listed("off", "cpu"),
        "added_share_wall": round(median("on", "seconds") / median("off", "seconds") - 1, 3),
        "added_share_cpu": round(median("on", "cpu") / median("off", "cpu") - 1, 3),
        "graph_walk_seconds": [round(r["timings"].get("graph", 0.0), 2) for r in runs["on"]],
        "graph_share_of_median_off_wall": round(walks / median("off", "seconds"), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep a workspace built before")
    parser.add_argument("--neo4j", metavar="URI", help="also score the graph loaded in Neo4j")
    parser.add_argument("--no-embedded", action="store_true", help="only the Neo4j runs")
    parser.add_argument("--out", type=Path, default=ROOT)
    args = parser.parse_args()

    workspace = args.out / "ws-graph"
    if not (args.reuse and (workspace / "store").exists()):
        build(workspace, args.out / "data-graph", args)
    args.out.mkdir(parents=True, exist_ok=True)
    off = args.out / "graph-off.toml"
    off.write_text(OFF, encoding="utf-8")
    results = {
        "accounts": args.accounts,
        "contacts": args.contacts,
        "events": args.events,
        "runs": [] if args.no_embedded else [compare(workspace, off, args.repeat, "embedded")],
    }
    if args.neo4j:
        os.environ["NEO4J_URI"] = args.neo4j
        results["runs"].append(compare(workspace, off, args.repeat, "neo4j"))
    name = "graph-neo4j.json" if args.no_embedded else "graph.json"
    (args.out / name).write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
