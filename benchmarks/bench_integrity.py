"""What the reliability guarantees cost: the event-key collision check, the write lock.

Reproduce with ``.venv/bin/python benchmarks/bench_integrity.py [--events N]``.
It ingests N synthetic events (default 1,000,000) into a fresh embedded
workspace, then ingests the same file again: every key of the second ingest
matches a stored one, the worst case of the collision check, which is timed
with the check and, for comparison, without it. It also times taking and
releasing the workspace write lock. Results are printed and written to
``benchmarks/out/integrity.json``; nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.lock import write_lock

ROOT = Path(__file__).parent / "out"


def _files(folder: Path, events: int) -> dict[str, Path]:
    rng = np.random.default_rng(7)
    contacts = 50_000
    folder.mkdir(parents=True, exist_ok=True)
    paths = {kind: folder / f"{kind}.parquet" for kind in ("accounts", "contacts", "engagements")}
    ids = [f"A{i:05d}" for i in range(1000)]
    pd.DataFrame({"account_id": ids, "name": ids}).to_parquet(paths["accounts"])
    pd.DataFrame(
        {
            "contact_id": [f"C{i:06d}" for i in range(contacts)],
            "account_id": [f"A{i % 1000:05d}" for i in range(contacts)],
        }
    ).to_parquet(paths["contacts"])
    pd.DataFrame(
        {
            "event_id": [f"E{i:09d}" for i in range(events)],
            "contact_id": [f"C{i:06d}" for i in rng.integers(0, contacts, events)],
            "type": "email_open",
            "occurred_at": pd.Timestamp("2026-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 300 * 86_400, events), unit="s"),
        }
    ).to_parquet(paths["engagements"])
    return paths


def _ingest(store: EmbeddedStore, path: Path, rejects: Path) -> float:
    started = time.perf_counter()
    ingest_file(store, "engagements", path, rejects_path=rejects, quiet=True)
    return round(time.perf_counter() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    work = ROOT / "integrity"
    shutil.rmtree(work, ignore_errors=True)
    paths = _files(work / "data", args.events)
    store = EmbeddedStore(work / "ws")
    rejects = work / "rejects.csv"
    for kind in ("accounts", "contacts"):
        ingest_file(store, kind, paths[kind], rejects_path=rejects, quiet=True)
    result = {
        "events": args.events,
        "first_ingest_s": _ingest(store, paths["engagements"], rejects),
    }
    result["reingest_checked_s"] = _ingest(store, paths["engagements"], rejects)
    checked = EmbeddedStore._refuse_collisions
    EmbeddedStore._refuse_collisions = lambda self, matched: None  # type: ignore[method-assign]
    try:
        result["reingest_unchecked_s"] = _ingest(
            EmbeddedStore(work / "ws"), paths["engagements"], rejects
        )
    finally:
        EmbeddedStore._refuse_collisions = checked  # type: ignore[method-assign]
    started = time.perf_counter()
    for _ in range(100):
        with write_lock(work / "ws"):
            pass
    result["lock_ms"] = round((time.perf_counter() - started) * 10, 3)
    print(json.dumps(result, indent=2))
    (ROOT / "integrity.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
