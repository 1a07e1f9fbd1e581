"""Neo4j benchmark: load 500,000 contacts and 10M events through the driver, then score.

Reproduce with ``.venv/bin/python benchmarks/bench_neo4j.py`` (or ``make
bench-neo4j``). It generates the synthetic dataset of the embedded benchmark
as Parquet, starts a throwaway local server with ``scripts/neo4j-local`` on
port 7699 from an empty database (or uses ``--uri``, whose database it
clears first), ingests every file through ``abmgraph``'s ingest pipeline and
the Bolt driver, and times each load: input rows per second, and the nodes
and relationships the graph gained per second. Then it runs ``abmgraph
--backend neo4j score`` twice as a separate process, where the engagement
summary is computed in Cypher on the server. Results are printed as a table and
written to ``benchmarks/out/neo4j.json``. Nothing here is a test: numbers
vary by machine; the README records what one 2-core machine measured.

The local server's memory comes from ``NEO4J_HEAP`` and ``NEO4J_PAGECACHE``
(defaults here: 4g each, as a server holding this graph would be given).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from abmgraph.demo import generate, write
from abmgraph.demo_run import INGEST_ORDER
from abmgraph.graph.neo4j_store import Neo4jStore
from abmgraph.ingest.pipeline import ingest_file

ROOT = Path(__file__).parent / "out"
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "neo4j-local"
ANCHOR = "2026-11-01"


def start_server(port: int) -> str:
    env = {
        **os.environ,
        "NEO4J_HEAP": os.environ.get("NEO4J_HEAP", "4g"),
        "NEO4J_PAGECACHE": os.environ.get("NEO4J_PAGECACHE", "4g"),
    }
    done = subprocess.run(
        [str(SCRIPT), "start", "--reset", "--port", str(port)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def stop_server(port: int) -> None:
    subprocess.run([str(SCRIPT), "stop", "--port", str(port)], check=False, capture_output=True)


def graph_size(store: Neo4jStore) -> tuple[int, int]:
    """Nodes and relationships in the database (both read from Neo4j's count store)."""
    nodes = store.read_query("MATCH (n) RETURN count(n) AS n")[0]["n"]
    relationships = store.read_query("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
    return int(nodes), int(relationships)


def timed_ingest(store: Neo4jStore, kind: str, path: Path, rejects: Path) -> dict:
    nodes, relationships = graph_size(store)
    started = time.perf_counter()
    report = ingest_file(store, kind, path, rejects_path=rejects, quiet=True)
    seconds = time.perf_counter() - started
    new_nodes, new_relationships = (
        a - b for a, b in zip(graph_size(store), (nodes, relationships), strict=True)
    )
    return {
        "kind": kind,
        "rows": report.read,
        "loaded": report.loaded,
        "seconds": round(seconds, 1),
        "rows_per_s": round(report.read / seconds),
        "nodes": new_nodes,
        "nodes_per_s": round(new_nodes / seconds),
        "relationships": new_relationships,
        "relationships_per_s": round(new_relationships / seconds),
    }


def timed_score(uri: str) -> dict:
    command = [
        sys.executable, "-m", "abmgraph", "--backend", "neo4j",
        "score", "--as-of", ANCHOR, "--format", "json",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(
        command, env={**os.environ, "NEO4J_URI": uri}, check=True, capture_output=True, text=True
    )
    return {"seconds": round(time.perf_counter() - started, 1), "inner": json.loads(done.stdout)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--uri", help="An existing Neo4j 5 server (its database is cleared).")
    parser.add_argument("--port", type=int, default=7699, help="Port of the throwaway server.")
    parser.add_argument("--out", type=Path, default=ROOT)
    parser.add_argument(
        "--score-only",
        action="store_true",
        help="Only time the score, on the graph already loaded at --uri.",
    )
    args = parser.parse_args()
    if args.score_only:
        if not args.uri:
            parser.error("--score-only needs --uri")
        print(json.dumps(timed_score(args.uri), indent=2))
        return

    data_dir = args.out / "neo4j-data"
    started = time.perf_counter()
    data = generate(
        accounts=args.accounts,
        contacts=args.contacts,
        contacts_per_account=(15, 35),
        events=args.events,
        seed=1,
        anchor=ANCHOR,
    )
    paths = write(data, data_dir, fmt="parquet")
    del data
    print(f"generated the dataset in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    uri = args.uri or start_server(args.port)
    store = Neo4jStore.connect(uri=uri)
    try:
        if args.uri:
            store.clear()
        results: dict = {"uri": uri, "loads": []}
        for kind in INGEST_ORDER:
            load = timed_ingest(store, kind, paths[kind], data_dir / f"{kind}-rejects.csv")
            results["loads"].append(load)
            print(
                f"{kind:>21}: {load['rows']:>10,} rows in {load['seconds']:>7.1f} s  "
                f"{load['rows_per_s']:>7,} rows/s  {load['nodes_per_s']:>7,} nodes/s  "
                f"{load['relationships_per_s']:>7,} relationships/s",
                file=sys.stderr,
            )
        rows = sum(load["rows"] for load in results["loads"])
        seconds = sum(load["seconds"] for load in results["loads"])
        results["load_rows_per_s"] = round(rows / seconds)
        print(f"{'all':>21}: {rows:>10,} rows in {seconds:>7.1f} s  {rows / seconds:>7,.0f} rows/s",
              file=sys.stderr)  # fmt: skip
        # The first score reads the graph into the page cache; a second shows a warm server.
        results["score"] = timed_score(uri)
        results["score_again"] = timed_score(uri)
        print(
            f"score: {results['score']['seconds']} s, again: {results['score_again']['seconds']} s",
            file=sys.stderr,
        )
    finally:
        store.close()
        if not args.uri:
            stop_server(args.port)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "neo4j.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
