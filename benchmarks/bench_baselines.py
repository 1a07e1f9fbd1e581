"""What the naive baselines add to a backtest on the embedded store.

Reproduce with ``.venv/bin/python benchmarks/bench_baselines.py --accounts 3000``:
it generates the demo (about 8 contacts and 130 events per account), then
times the baseline counts alone, one scoring run and a whole account-level
backtest (which scores twice and counts the baselines once), twice each.
Nothing here is a test: numbers vary by machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from abmgraph.demo import generate, write
from abmgraph.demo_run import INGEST_ORDER
from abmgraph.evaluation.backtest import backtest
from abmgraph.evaluation.baselines import baseline_signals
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_graph

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--accounts", type=int, default=3000)
accounts = parser.parse_args().accounts
folder = Path(tempfile.mkdtemp())
paths = write(generate(accounts=accounts, seed=1, anchor="2026-11-01"), folder / "data")
store = EmbeddedStore(folder / "ws")
for kind in INGEST_ORDER:
    ingest_file(store, kind, paths[kind], rejects_path=folder / f"{kind}.rej.csv", quiet=True)
as_of = parse_as_of("2026-10-01")
print("events", store.event_count(), "contacts", len(store.table("contacts")))
ids = store.table("accounts")["account_id"]
for _ in range(2):
    t = time.perf_counter()
    baseline_signals(store, as_of, "account", ids)
    b = time.perf_counter() - t
    t = time.perf_counter()
    score_graph(store, ScoringConfig(), as_of)
    s = time.perf_counter() - t
    t = time.perf_counter()
    backtest(store, ScoringConfig(), as_of, window_days=30)
    bt = time.perf_counter() - t
    print(f"baselines {b:.2f}s  one scoring {s:.2f}s  whole backtest {bt:.2f}s")
