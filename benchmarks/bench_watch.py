"""Real-time benchmark: from an engagements file landing in a watched folder to its alert line.

Reproduce with ``.venv/bin/python benchmarks/bench_watch.py`` (add ``--reuse``
to keep a workspace built before). It builds the embedded benchmark workspace
(20,000 accounts, 500,000 contacts, 10,000,000 events, the shape of
``bench_embedded.py``; the data's "today" is the real one and it is scored as
of now, as a watched store is), then starts ``abmgraph watch INBOX`` as a
separate process with its defaults (a half-second poll, and on Linux the
kernel's notice of a file renamed into the folder). Each of ``--drops``
times it writes 1,000 new events for 100 accounts (ten contacts each, ten
strong events such as demo requests and meetings, a few minutes old) under
a dotfile name and renames it into the folder: that rename is the moment
the file lands. It then clocks, from the landing:

- ``rescored``: the watcher's rescore line on its stderr;
- ``alert``: the first new line in ``<workspace>/alerts.jsonl``;
- ``filed``: the file in ``INBOX/done/``.

Each drop picks 100 accounts not picked before, just below tier 1, so each
drop moves new accounts. ``--backend neo4j`` does the same against a
throwaway local Neo4j (``scripts/neo4j-local`` on ``--port``, 7713 by
default, with the memory ``bench_neo4j.py`` gives it) at the same full
shape, loaded in bulk as ``bench_neo4j.py`` does (an embedded workspace,
scored, written as import files for Neo4j's offline importer: a few
minutes, where the driver takes over ten), then scored as of now and
recorded through the store. Results are printed as a table and written to
``benchmarks/out/watch-<backend>.json`` with the watcher's own lines and the load
average at the start: other work on the machine slows every figure. Nothing
here is a test: numbers vary by machine; the README records one run.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from bench_neo4j import SCRIPT, import_files, ingest_workspace, server_env

from abmgraph.alerts import after_score
from abmgraph.demo import generate, write
from abmgraph.demo_run import INGEST_ORDER
from abmgraph.graph.neo4j_import import write_import_files
from abmgraph.graph.store import GraphStore, open_store
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store

ROOT = Path(__file__).parent / "out"
# Strong, varied signals: ten per account, one per contact.
EVENT_TYPES = [
    "demo_request",
    "pricing_page_view",
    "meeting_held",
    "webinar_attended",
    "trial_signup",
    "case_study_download",
    "form_submit",
    "email_reply",
    "product_page_view",
    "content_download",
]
TIMEOUT = 300.0  # seconds a drop may take before the benchmark gives up


def generate_files(data_dir: Path, accounts: int, contacts: int, events: int) -> dict[str, Path]:
    """The benchmark dataset as Parquet files, today as the data's now."""
    data = generate(
        accounts=accounts, contacts=contacts, contacts_per_account=(15, 35), events=events, seed=1
    )
    return write(data, data_dir, fmt="parquet")


def build(store: GraphStore, paths: dict[str, Path], data_dir: Path) -> None:
    """Every input file through the ingest pipeline into ``store``."""
    for kind in INGEST_ORDER:
        ingest_file(
            store, kind, paths[kind], rejects_path=data_dir / f"{kind}-rejects.csv", quiet=True
        )


def build_neo4j(paths: dict[str, Path], data_dir: Path, out: Path, port: int) -> None:
    """The input files loaded in bulk into the local server on ``port``.

    Through the driver the full shape takes over ten minutes; this is the
    path of ``bench_neo4j.py``: an embedded workspace, written out as
    import files for Neo4j's offline importer. The workspace is scored
    first, so the scores arrive with the graph and the baseline score on
    Neo4j rewrites them rather than adding every property.
    """
    source, folder = out / "ws-watch-neo4j-source", out / "watch-neo4j-import"
    shutil.rmtree(source, ignore_errors=True)
    steps = {"ingest": time.perf_counter()}
    embedded, _ = ingest_workspace(paths, source, data_dir)
    steps["score"] = time.perf_counter()
    score_store(embedded, ScoringConfig(), parse_as_of(None))
    steps["write_files"] = time.perf_counter()
    write_import_files(embedded, folder, overwrite=True)
    embedded.close()
    steps["import"] = time.perf_counter()
    import_files(folder, port)
    shutil.rmtree(folder)  # about 2 GB at the full shape, read once by the importer
    steps["end"] = time.perf_counter()
    names, marks = list(steps), list(steps.values())
    parts = ", ".join(f"{names[i]} {marks[i + 1] - marks[i]:.0f} s" for i in range(len(names) - 1))
    print(f"bulk load: {parts}", file=sys.stderr)


def record_baseline(store: GraphStore, workspace: Path) -> None:
    """Score as of now and record the run, so the watcher's first rescore has one to alert against."""
    result = score_store(store, ScoringConfig(), parse_as_of(None))
    after_score(workspace, store, result, ScoringConfig())


def drops(store: GraphStore, count: int, per_drop: int) -> list[pd.DataFrame]:
    """``count`` files of events: ``per_drop`` accounts each, just below tier 1, ten each."""
    scores = store.scores("accounts")
    candidates = (
        scores[scores["tier"] > 1]
        .sort_values(["priority", "account_id"], ascending=[False, True])["account_id"]
        .head(count * per_drop)
        .reset_index(drop=True)
    )
    contacts = store.table("contacts", columns=["contact_id", "account_id"])
    now = pd.Timestamp.now(tz="UTC").floor("s")
    files = []
    for number in range(count):
        chosen = candidates.iloc[number * per_drop : (number + 1) * per_drop]
        people = (
            contacts[contacts["account_id"].isin(chosen)]
            .sort_values(["account_id", "contact_id"])
            .groupby("account_id")
            .head(len(EVENT_TYPES))
            .reset_index(drop=True)
        )
        rank = people.groupby("account_id").cumcount().to_numpy()
        files.append(
            pd.DataFrame(
                {
                    # Unique per invocation: a reused workspace would take repeats as re-sent.
                    "event_id": [f"BW{now:%Y%m%d%H%M%S}-{number}-{i}" for i in range(len(people))],
                    "contact_id": people["contact_id"],
                    "type": [EVENT_TYPES[r] for r in rank],
                    "occurred_at": (now - pd.to_timedelta(rank + 1, unit="min")).strftime(
                        "%Y-%m-%dT%H:%M:%SZ"
                    ),
                }
            )
        )
    return files


def start_watcher(
    workspace: Path, inbox: Path, backend: str, uri: str | None
) -> tuple[subprocess.Popen, queue.Queue]:
    """``abmgraph watch INBOX`` in a child process; its stderr lines, timed, in a queue."""
    command = [
        sys.executable,
        "-m",
        "abmgraph",
        "--workspace",
        str(workspace),
        "--backend",
        backend,
        "watch",
        str(inbox),
    ]
    env = {**os.environ, **({"NEO4J_URI": uri} if uri else {})}
    child = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, bufsize=1, env=env)
    lines: queue.Queue[tuple[float, str]] = queue.Queue()

    def pump() -> None:
        for line in child.stderr:
            lines.put((time.perf_counter(), line.rstrip("\n")))

    threading.Thread(target=pump, daemon=True).start()
    _, line = lines.get(timeout=60)
    if not line.startswith("Watching"):
        raise SystemExit(f"the watcher did not start: {line}")
    return child, lines


def drop(frame: pd.DataFrame, inbox: Path, name: str, alerts: Path, lines: queue.Queue) -> dict:
    """Land one file and clock its rescore line, first alert line and move to done/."""
    hidden = inbox / f".{name}"
    frame.to_csv(hidden, index=False)
    alerts_before = alerts.stat().st_size if alerts.exists() else 0
    landed = time.perf_counter()
    os.replace(hidden, inbox / name)
    marks: dict[str, float] = {}
    said: list[str] = []
    while len(marks) < 3 and time.perf_counter() - landed < TIMEOUT:
        try:
            when, line = lines.get(timeout=0.005)
            said.append(line)
            if line.startswith("rescore"):
                marks.setdefault("rescored", when - landed)
        except queue.Empty:
            pass
        if "alert" not in marks and alerts.exists() and alerts.stat().st_size > alerts_before:
            marks["alert"] = time.perf_counter() - landed
        if "filed" not in marks and (inbox / "done" / name).exists():
            marks["filed"] = time.perf_counter() - landed
        if "filed" in marks and "rescored" in marks and time.perf_counter() - landed > 10:
            break  # a drop that wrote no alert: stop waiting for one
    new_alerts = 0
    if alerts.exists():
        with alerts.open("rb") as handle:
            handle.seek(alerts_before)
            new_alerts = sum(1 for _ in handle)
    return {
        "file": name,
        "events": len(frame),
        **{k: round(v, 3) for k, v in marks.items()},
        "alerts": new_alerts,
        "watcher": said,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--drops", type=int, default=5)
    parser.add_argument("--drop-accounts", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help="Keep a workspace built before.")
    parser.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded")
    parser.add_argument("--port", type=int, default=7713, help="The local Neo4j's port.")
    parser.add_argument("--out", type=Path, default=ROOT)
    args = parser.parse_args()

    workspace = args.out / f"ws-watch-{args.backend}-{args.events}"
    data_dir = args.out / "watch-data"
    uri = f"bolt://127.0.0.1:{args.port}" if args.backend == "neo4j" else None
    if not args.reuse:
        shutil.rmtree(workspace, ignore_errors=True)
    meta = None
    if args.reuse:
        if uri is not None:
            subprocess.run(
                [str(SCRIPT), "start", "--port", str(args.port)],
                env=server_env(),
                check=True,
                capture_output=True,
            )
        store = open_store(args.backend, workspace, uri=uri)
        meta = store.score_meta()
        store.close()
    started = time.perf_counter()
    if meta is None:
        paths = generate_files(data_dir, args.accounts, args.contacts, args.events)
        if uri is not None:
            build_neo4j(paths, data_dir, args.out, args.port)
    store = open_store(args.backend, workspace, uri=uri)
    if meta is None:
        if uri is None:
            build(store, paths, data_dir)
        record_baseline(store, workspace)
        seconds = time.perf_counter() - started
        print(f"built the {store.backend} store in {seconds:.0f} s", file=sys.stderr)
    elif pd.Timestamp.now(tz="UTC") - pd.Timestamp(meta["as_of"]) > pd.Timedelta(hours=12):
        score_store(store, ScoringConfig(), parse_as_of(None))  # so no full rescore is due
    inbox = args.out / "watch-inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir(parents=True)
    files = drops(store, args.drops, args.drop_accounts)
    store.close()
    load = os.getloadavg()[0]
    child, lines = start_watcher(workspace, inbox, args.backend, uri)
    runs = []
    try:
        for number, frame in enumerate(files):
            run = drop(
                frame, inbox, f"engagements-bench-{number}.csv", workspace / "alerts.jsonl", lines
            )
            runs.append(run)
            print(
                f"drop {number}: {run['events']:,} events  rescored {run.get('rescored', '-')} s  "
                f"alert {run.get('alert', '-')} s ({run['alerts']} lines)  "
                f"filed {run.get('filed', '-')} s",
                file=sys.stderr,
            )
    finally:
        child.terminate()
        child.wait(timeout=60)
        if uri:
            subprocess.run([str(SCRIPT), "stop", "--port", str(args.port)], check=False)
    warm = runs[1:] or runs
    result = {
        "backend": args.backend,
        "shape": {"accounts": args.accounts, "contacts": args.contacts, "events": args.events},
        "workspace": str(workspace),
        "load_average_at_start": round(load, 2),
        "median_after_first": {
            mark: statistics.median(r[mark] for r in warm if mark in r)
            for mark in ("rescored", "alert", "filed")
            if any(mark in r for r in warm)
        },
        "runs": runs,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"watch-{args.backend}.json").write_text(
        json.dumps(result, indent=2), encoding="utf-8"
    )
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=2))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
