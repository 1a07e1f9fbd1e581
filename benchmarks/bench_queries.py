"""Graph-question benchmark: every query on a 500,000-contact embedded workspace.

Reproduce with ``.venv/bin/python benchmarks/bench_queries.py`` (add
``--reuse`` to keep a workspace built before). It generates the synthetic
dataset (20,000 accounts, 500,000 contacts, 2,000,000 events, with intent,
opportunities and their contacts), ingests and scores it once, then times
each question through the library on a freshly opened store — so reading
the workspace's Parquet files is counted, as in a CLI call — and reports the
median of ``--repeat`` runs. It also times ``--repeat`` fresh ``abmgraph``
processes per question and reports their median wall time, which adds
interpreter start-up and imports. Results are printed as a table and written
to ``benchmarks/out/queries.json`` with the load average at the start, since
other work on the machine slows every figure. Nothing here is a test: numbers
vary by machine; the README records one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from abmgraph import queries
from abmgraph.demo import generate, write
from abmgraph.demo_run import INGEST_ORDER
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store

ROOT = Path(__file__).parent / "out"
ANCHOR = "2026-11-01"


def build(workspace: Path, data_dir: Path, accounts: int, contacts: int, events: int) -> None:
    """Generate, ingest and score the benchmark workspace from scratch."""
    started = time.perf_counter()
    data = generate(
        accounts=accounts,
        contacts=contacts,
        contacts_per_account=(15, 35),
        events=events,
        seed=1,
        anchor=ANCHOR,
    )
    paths = write(data, data_dir, fmt="parquet")
    del data
    shutil.rmtree(workspace, ignore_errors=True)
    store = EmbeddedStore(workspace)
    for kind in INGEST_ORDER:
        ingest_file(
            store, kind, paths[kind], rejects_path=data_dir / f"{kind}-rejects.csv", quiet=True
        )
    score_store(store, ScoringConfig(), parse_as_of(ANCHOR))
    print(f"built {workspace} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def pick_accounts(workspace: Path) -> dict[str, str]:
    """Representative accounts: the top priority, the top one missing roles, the largest
    committee and the largest family."""
    store = EmbeddedStore(workspace)
    scores = store.scores("accounts").sort_values(
        ["priority", "account_id"], ascending=[False, True]
    )
    gaps = scores[[len(m) > 0 for m in scores["missing_roles"]]]
    contacts = store.table("contacts")["account_id"].value_counts()
    parents = store.table("accounts")["parent_account_id"].value_counts()
    return {
        "top": str(scores.iloc[0]["account_id"]),
        "top with gaps": str(gaps.iloc[0]["account_id"]),
        "largest committee": str(contacts.index[0]),
        "largest family": str(parents.index[0]),
    }


def questions(picks: dict[str, str]) -> list[tuple[str, list[str], Callable[[Any], Any]]]:
    """(label, CLI arguments, library call) for every question."""
    top, big, family = picks["top"], picks["largest committee"], picks["largest family"]
    gap = picks["top with gaps"]
    return [
        (f"gaps {gap}", ["gaps", gap], lambda s: queries.account_gaps(s, gap)),
        ("gaps --all", ["gaps", "--all"], lambda s: queries.portfolio_gaps(s)),
        ("gaps --all --tier 1", ["gaps", "--all", "--tier", "1"], lambda s: queries.portfolio_gaps(s, tier=1)),
        (f"org {big}", ["org", big], lambda s: queries.org_chart(s, big)),
        (f"warm-paths {top}", ["warm-paths", top], lambda s: queries.warm_paths(s, top)),
        (f"hierarchy {family}", ["hierarchy", family], lambda s: queries.hierarchy(s, family)),
        ("surging --days 14", ["surging", "--days", "14"], lambda s: queries.surging(s, days=14)),
        (f"intent {top}", ["intent", top], lambda s: queries.intent_topics(s, top)),
        ("intent", ["intent"], lambda s: queries.intent_topics(s)),
        (f"similar {top}", ["similar", top], lambda s: queries.similar_accounts(s, top)),
        ("similar --to-customers", ["similar", "--to-customers"], lambda s: queries.similar_to_customers(s)),
        ("champions", ["champions"], lambda s: queries.champions(s)),
    ]  # fmt: skip


def time_library(workspace: Path, call: Callable[[Any], Any], repeat: int) -> tuple[float, int]:
    """Median seconds of ``call`` on a freshly opened store, and how many rows it answered."""
    seconds, rows = [], 0
    for _ in range(repeat):
        store = EmbeddedStore(workspace)
        started = time.perf_counter()
        answer = call(store)
        seconds.append(time.perf_counter() - started)
        rows = len(answer) if isinstance(answer, list) else len(next(iter(
            v for v in answer.values() if isinstance(v, list)
        )))  # fmt: skip
    return statistics.median(seconds), rows


def time_cli(args: list[str], repeat: int) -> float:
    """Median wall seconds of a fresh ``abmgraph`` process run with ``args``."""
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "abmgraph", *args], check=True, capture_output=True)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT)
    parser.add_argument(
        "--reuse", action="store_true", help="Keep a scored workspace built before."
    )
    parser.add_argument(
        "--only",
        default="",
        help="Time only the questions whose label starts with one of these (comma-separated).",
    )
    args = parser.parse_args()

    workspace = args.out / f"ws-queries-{args.contacts}"
    if not (args.reuse and EmbeddedStore(workspace).score_meta() is not None):
        build(workspace, args.out / "queries-data", args.accounts, args.contacts, args.events)
    picks = pick_accounts(workspace)
    store = EmbeddedStore(workspace)
    counts = store.counts()
    results: dict[str, Any] = {
        "workspace": str(workspace),
        "counts": counts,
        "accounts": picks,
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "runs": [],
    }
    print(f"{'question':<28} {'library s':>10} {'CLI s':>7} {'rows':>6}")
    for label, cli_args, call in questions(picks):
        if not label.startswith(tuple(args.only.split(","))):
            continue
        seconds, rows = time_library(workspace, call, args.repeat)
        wall = time_cli(["--workspace", str(workspace), *cli_args, "--format", "json"], args.repeat)
        results["runs"].append(
            {
                "question": label,
                "library_seconds": round(seconds, 3),
                "cli_seconds": round(wall, 2),
                "rows": rows,
            }
        )
        print(f"{label:<28} {seconds:>10.3f} {wall:>7.2f} {rows:>6}")
    results["cli_startup_seconds"] = round(time_cli(["--help"], args.repeat), 2)
    print(f"{'(abmgraph --help: start-up)':<28} {'':>10} {results['cli_startup_seconds']:>7.2f}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "queries.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
