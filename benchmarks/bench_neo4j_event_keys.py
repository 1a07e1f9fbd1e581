"""What comparing event keys costs on Neo4j: a first load, and a re-ingest of the same events.

Before events are written, the Neo4j store asks the server which of them share
a stored event's key while being another event. On an empty store the check
is skipped; on a re-ingest every key matches and every event is compared.

Reproduce with ``NEO4J_URI=bolt://127.0.0.1:<port> .venv/bin/python
benchmarks/bench_neo4j_event_keys.py [EVENTS]`` against a throwaway server
(``scripts/neo4j-local start --reset``): the database is emptied first.
Nothing here is a test: numbers vary by machine.
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np
import pandas as pd

from abmgraph.graph.neo4j_store import Neo4jStore
from abmgraph.graph.tables import column_dtypes


def events(count: int) -> pd.DataFrame:
    """``count`` events of 1,000 contacts over a year, each with an id and a distinct key."""
    rng = np.random.default_rng(7)
    start = pd.Timestamp("2026-01-01", tz="UTC")
    seconds = rng.integers(0, 365 * 86_400, count)
    frame = pd.DataFrame(
        {
            "event_id": pd.Series([f"E{i}" for i in range(count)], dtype="str"),
            "contact_id": pd.Series([f"C{i % 1_000}" for i in range(count)], dtype="str"),
            "type": pd.Series(rng.choice(["page_view", "email_open"], count), dtype="str"),
            "occurred_at": start + pd.to_timedelta(seconds, unit="s"),
            "event_key": rng.permutation(np.arange(1, count + 1, dtype=np.uint64) * 7919),
        }
    )
    return frame.astype({c: d for c, d in column_dtypes("engagements").items() if c in frame})


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    store = Neo4jStore.connect(uri=os.environ.get("NEO4J_URI"))
    try:
        store.clear()
        rows = events(count)
        began = time.perf_counter()
        store.upsert("engagements", rows)
        first_load = time.perf_counter() - began
        began = time.perf_counter()
        store.existing_event_keys(rows["event_key"])
        lookup = time.perf_counter() - began
        began = time.perf_counter()
        store._refuse_collisions(rows)
        check = time.perf_counter() - began
        began = time.perf_counter()
        store.upsert("engagements", rows)
        reingest = time.perf_counter() - began
        store.clear()
    finally:
        store.close()
    print(
        json.dumps(
            {
                "events": count,
                "first_load_s": round(first_load, 2),
                "reingest_s": round(reingest, 2),
                "reingest_key_check_s": round(check, 2),
                "existing_event_keys_s": round(lookup, 2),
                "key_check_share_of_reingest": round(check / reingest, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
