"""History and alerts benchmark: what recording a run and alerting add to a 500,000-contact score.

Reproduce with ``.venv/bin/python benchmarks/bench_history.py`` (add
``--reuse`` to keep the workspace ``bench_queries.py`` builds: 20,000
accounts, 500,000 contacts, 2,000,000 events). Each round ingests a batch of
new events for a few thousand contacts, scores the store (incrementally:
the accounts the events touched), then times ``after_score`` (snapshot,
handovers, the comparison with the run before, alerts appended to
``alerts.jsonl``) and ``changes``. Then ``--small-rounds`` rounds do the same
with events for ``--small-touched`` contacts, the size of one file a
watched folder takes in, and report what recording such an incremental run
costs: its snapshot is a patch (the rows rescored since the last full
snapshot), so the figure follows the rows rescored, not the store. It
reports medians, the size of each run's files on disk, and the alerts a
round made; results go to ``benchmarks/out/history.json``. Nothing here is a
test: numbers vary by machine; the README records one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from bench_queries import ANCHOR, ROOT, build

from abmgraph.alerts import after_score
from abmgraph.alerts.changes import changes
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.history import clear_history, history_path, runs
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store


def new_events(store: EmbeddedStore, folder: Path, round_: int, contacts: int) -> Path:
    """A Parquet file of demo requests and meetings for ``contacts`` random contacts."""
    rng = np.random.default_rng(round_)
    ids = store.ids("contacts").to_numpy()
    chosen = rng.choice(ids, size=contacts, replace=False)
    at = parse_as_of(ANCHOR) + pd.Timedelta(days=round_)
    frame = pd.DataFrame(
        {
            "event_id": [f"bench-{round_}-{i}" for i in range(2 * contacts)],
            "contact_id": np.repeat(chosen, 2),
            "type": np.tile(["demo_request", "meeting_held"], contacts),
            "occurred_at": at - pd.Timedelta(hours=1),
        }
    )
    path = folder / f"events-{round_}.parquet"
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--touched", type=int, default=5_000, help="Contacts given new events.")
    parser.add_argument("--small-rounds", type=int, default=5)
    parser.add_argument(
        "--small-touched", type=int, default=100, help="Contacts given new events, small rounds."
    )
    parser.add_argument("--out", type=Path, default=ROOT)
    parser.add_argument("--reuse", action="store_true", help="Keep a workspace built before.")
    args = parser.parse_args()

    workspace = args.out / f"ws-queries-{args.contacts}"
    if not (args.reuse and EmbeddedStore(workspace).score_meta() is not None):
        build(workspace, args.out / "queries-data", args.accounts, args.contacts, args.events)
    clear_history(workspace)
    (workspace / "alerts.jsonl").unlink(missing_ok=True)
    config = ScoringConfig()
    store = EmbeddedStore(workspace)
    baseline = score_store(store, config, parse_as_of(ANCHOR))
    started = time.perf_counter()
    after_score(workspace, store, baseline, config)
    first_record = time.perf_counter() - started

    def one_round(round_: int, touched: int) -> dict[str, object]:
        path = new_events(store, args.out / "history-data", round_, touched)
        ingest_file(
            store, "engagements", path, rejects_path=path.with_suffix(".rejects.csv"), quiet=True
        )
        as_of = parse_as_of(ANCHOR) + pd.Timedelta(days=round_)
        started = time.perf_counter()
        result = score_store(store, config, as_of)
        scored = time.perf_counter() - started
        started = time.perf_counter()
        outcome = after_score(workspace, store, result, config)
        recorded = time.perf_counter() - started
        started = time.perf_counter()
        listed = changes(workspace)
        compared = time.perf_counter() - started
        run_dir = history_path(workspace) / "runs" / outcome.run_id
        return {
            "mode": result.mode,
            "accounts_rescored": result.accounts_rescored,
            "contacts_rescored": len(result.contacts),
            "score_seconds": round(scored, 3),
            "after_score_seconds": round(recorded, 3),
            "changes_seconds": round(compared, 3),
            "alerts": len(outcome.alerts),
            "changes_rows": len(listed.rows),
            "handovers_added": len(outcome.handovers),
            "snapshot_mb": round(sum(p.stat().st_size for p in run_dir.iterdir()) / 1e6, 2),
        }

    rounds = []
    for round_ in range(1, args.rounds + 1):
        rounds.append(one_round(round_, args.touched))
        print(json.dumps(rounds[-1]))
    small = []
    for round_ in range(args.rounds + 1, args.rounds + args.small_rounds + 1):
        small.append(one_round(round_, args.small_touched))
        print(json.dumps(small[-1]))

    def median(rows: list[dict[str, object]], key: str) -> float:
        return round(statistics.median(float(r[key]) for r in rows), 3)  # type: ignore[arg-type]

    numbers = [k for k, v in rounds[0].items() if not isinstance(v, str)]
    results = {
        "counts": store.counts(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "first_record_seconds": round(first_record, 2),
        "median": {k: median(rounds, k) for k in numbers},
        "rounds": rounds,
        # A watched folder's file: what recording an incremental run of that size costs.
        "incremental_median": {k: median(small, k) for k in numbers} if small else {},
        "incremental_rounds": small,
        "runs_kept": len(runs(workspace)),
    }
    print(json.dumps({"median": results["median"], "incremental": results["incremental_median"]}))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "history.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
