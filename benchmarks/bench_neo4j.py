"""Neo4j benchmark: load 500,000 contacts and 10M events, through the driver and in bulk, then score.

Reproduce with ``.venv/bin/python benchmarks/bench_neo4j.py`` (or ``make
bench-neo4j``). It generates the synthetic dataset of the embedded benchmark
as Parquet and times two ways into an empty database of a throwaway local
server (``scripts/neo4j-local`` on port 7699):

- **driver**: every file through ``abmgraph``'s ingest pipeline and the Bolt
  driver (input rows per second, and the nodes and relationships the graph
  gained per second);
- **bulk**: the files ingested into an embedded workspace, written out with
  ``abmgraph neo4j-import`` and loaded by ``scripts/neo4j-local import``
  (Neo4j's offline importer, the server start, and the constraints and
  indexes built afterwards), timed end to end from the input files. The
  workspace is scored before its files are written (timed apart, not part
  of the load), so the scores arrive with the graph; ``--unscored`` leaves
  that out and the first Neo4j score then adds every score property.

After each load it runs ``abmgraph --backend neo4j score`` twice as a
separate process, where the engagement summary is computed in Cypher on the
server. ``--load driver|bulk`` runs one of them; ``--uri`` uses an existing
server for the driver load (its database is cleared first). Results are
printed and written to ``benchmarks/out/neo4j.json``. Nothing here is a test:
numbers vary by machine; the README records what one 2-core machine measured.

The local server's memory comes from ``NEO4J_HEAP`` and ``NEO4J_PAGECACHE``
(defaults here: 4g each, as a server holding this graph would be given).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from abmgraph.demo import generate, write
from abmgraph.demo_run import INGEST_ORDER
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.neo4j_import import write_import_files
from abmgraph.graph.neo4j_store import Neo4jStore
from abmgraph.ingest.pipeline import ingest_file

ROOT = Path(__file__).parent / "out"
SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "neo4j-local"
ANCHOR = "2026-11-01"


def server_env() -> dict[str, str]:
    return {
        **os.environ,
        "NEO4J_HEAP": os.environ.get("NEO4J_HEAP", "4g"),
        "NEO4J_PAGECACHE": os.environ.get("NEO4J_PAGECACHE", "4g"),
    }


def start_server(port: int) -> str:
    done = subprocess.run(
        [str(SCRIPT), "start", "--reset", "--port", str(port)],
        env=server_env(),
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


def timed_score(*where: str) -> dict:
    """``abmgraph <where> score`` as a separate process, timed end to end."""
    command = [
        sys.executable, "-m", "abmgraph", *where,
        "score", "--as-of", ANCHOR, "--format", "json",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return {"seconds": round(time.perf_counter() - started, 1), "inner": json.loads(done.stdout)}


def neo4j_score(uri: str) -> dict:
    return timed_score("--backend", "neo4j", "--neo4j-uri", uri)


def driver_load(uri: str, paths: dict[str, Path], data_dir: Path) -> dict:
    """Every file through the ingest pipeline and the driver, into an empty database."""
    store = Neo4jStore.connect(uri=uri)
    try:
        store.clear()
        results: dict = {"loads": []}
        for kind in INGEST_ORDER:
            load = timed_ingest(store, kind, paths[kind], data_dir / f"{kind}-rejects.csv")
            results["loads"].append(load)
            print(
                f"{kind:>21}: {load['rows']:>10,} rows in {load['seconds']:>7.1f} s  "
                f"{load['rows_per_s']:>7,} rows/s  {load['nodes_per_s']:>7,} nodes/s  "
                f"{load['relationships_per_s']:>7,} relationships/s",
                file=sys.stderr,
            )
    finally:
        store.close()
    rows = sum(load["rows"] for load in results["loads"])
    seconds = sum(load["seconds"] for load in results["loads"])
    results.update(rows=rows, seconds=round(seconds, 1), rows_per_s=round(rows / seconds))
    rate = results["rows_per_s"]
    print(
        f"{'driver, all':>21}: {rows:>10,} rows in {seconds:>7.1f} s  {rate:>7,} rows/s",
        file=sys.stderr,
    )
    return results


def ingest_workspace(
    paths: dict[str, Path], workspace: Path, rejects: Path
) -> tuple[EmbeddedStore, int]:
    """Every input file, in ingest order, into the embedded workspace; the store and rows read."""
    embedded = EmbeddedStore(workspace)
    rows = 0
    for kind in INGEST_ORDER:
        rows += ingest_file(
            embedded, kind, paths[kind], rejects_path=rejects / f"{kind}-rejects.csv", quiet=True
        ).read
    return embedded, rows


def import_files(folder: Path, port: int) -> str:
    """The local server on ``port`` given the database in the import files of ``folder``.

    ``scripts/neo4j-local import`` stops the server, runs Neo4j's offline
    importer, starts it again and creates the constraints and indexes.
    Returns its progress (stderr), which names the importer's and the
    schema's seconds.
    """
    done = subprocess.run(
        [str(SCRIPT), "import", str(folder), "--port", str(port)],
        env=server_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stderr


def bulk_load(port: int, paths: dict[str, Path], out: Path, score_workspace: bool) -> dict:
    """Input files → embedded workspace → neo4j-admin import files → the local server.

    With ``score_workspace`` the workspace is scored before the files are
    written, so the scores go into Neo4j with the graph; that score is timed
    on its own and is not part of the load.
    """
    workspace, folder = out / "neo4j-bulk-ws", out / "neo4j-bulk-files"
    shutil.rmtree(workspace, ignore_errors=True)
    # Into an empty database: the server of the driver load is stopped and emptied before
    # the clock starts (its shutdown flushes gigabytes, which is not part of this load).
    subprocess.run([str(SCRIPT), "reset", "--port", str(port)], check=True, capture_output=True)
    steps: dict[str, float] = {}
    started = time.perf_counter()
    embedded, rows = ingest_workspace(paths, workspace, out)
    steps["ingest"] = time.perf_counter() - started
    workspace_score = None
    if score_workspace:
        workspace_score = timed_score("--workspace", str(workspace))
        print(f"{'workspace score':>21}: {workspace_score['seconds']} s", file=sys.stderr)
        started += workspace_score["seconds"]  # not part of the load
    mark = time.perf_counter()
    files = write_import_files(embedded, folder, overwrite=True)
    steps["write_files"] = time.perf_counter() - mark
    progress = import_files(folder, port)
    seconds = time.perf_counter() - started
    steps["import_start_and_schema"] = seconds - steps["ingest"] - steps["write_files"]
    # The script reports its own steps: the importer, and the constraints and indexes.
    reported = {"importer": r"imported in (\d+)s", "schema": r"indexes ready after (\d+)s"}
    for name, pattern in reported.items():
        found = re.search(pattern, progress)
        if found:
            steps[name] = float(found.group(1))
    results = {
        "rows": rows,
        "nodes": files.node_count,
        "relationships": files.relationship_count,
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "nodes_per_s": round(files.node_count / seconds),
        "relationships_per_s": round(files.relationship_count / seconds),
        "steps": {name: round(value, 1) for name, value in steps.items()},
        "workspace_score": workspace_score,
    }
    parts = ", ".join(f"{name} {value:.0f} s" for name, value in steps.items())
    rate = results["rows_per_s"]
    print(
        f"{'bulk, all':>21}: {rows:>10,} rows in {seconds:>7.1f} s  {rate:>7,} rows/s",
        file=sys.stderr,
    )
    print(f"{'':>21}  ({parts})", file=sys.stderr)
    return results


def scores(uri: str) -> dict:
    # The first score reads the graph into the page cache; a second shows a warm server.
    first, again = neo4j_score(uri), neo4j_score(uri)
    for name, run in (("score", first), ("again", again)):
        phases = ", ".join(f"{k} {v:.1f} s" for k, v in run["inner"]["timings"].items())
        print(f"{name}: {run['seconds']} s ({phases})", file=sys.stderr)
    return {"score": first, "score_again": again}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument(
        "--load", choices=["driver", "bulk", "both"], default="both", help="Which loads to time."
    )
    parser.add_argument("--uri", help="An existing Neo4j 5 server for the driver load (cleared).")
    parser.add_argument("--port", type=int, default=7699, help="Port of the throwaway server.")
    parser.add_argument("--out", type=Path, default=ROOT)
    parser.add_argument(
        "--unscored",
        action="store_true",
        help="Import the workspace unscored, so the first Neo4j score adds every property.",
    )
    parser.add_argument(
        "--score-only",
        action="store_true",
        help="Only time the score, on the graph already loaded at --uri.",
    )
    args = parser.parse_args()
    if args.score_only:
        if not args.uri:
            parser.error("--score-only needs --uri")
        print(json.dumps(neo4j_score(args.uri), indent=2))
        return
    if args.uri and args.load != "driver":
        parser.error(
            "--uri is for the driver load (--load driver); bulk loads need the local server"
        )

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

    results: dict = {}
    try:
        if args.load in ("driver", "both"):
            uri = args.uri or start_server(args.port)
            results["driver"] = driver_load(uri, paths, data_dir)
            results["driver"].update(scores(uri))
        if args.load in ("bulk", "both"):
            uri = f"bolt://127.0.0.1:{args.port}"
            results["bulk"] = bulk_load(args.port, paths, args.out, not args.unscored)
            results["bulk"].update(scores(uri))
    finally:
        if not args.uri:
            stop_server(args.port)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "neo4j.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
