"""Preset benchmark: a Salesforce Event export against the same events in the native contract.

Reproduce with ``.venv/bin/python benchmarks/bench_presets.py [--events N]``.
It writes ``N`` events twice as CSV: once as Salesforce's Data Export writes
Event (every field quoted, CRLF, empty lookups as ``000000000000000AAA``,
most rows without ``Type``) and once in the native contract, then ingests
each into a fresh embedded workspace holding the same contacts, and prints
rows per second for both. The difference is what the preset costs (column
mapping, null ids, the ``meeting_held`` default). Nothing here is a test:
numbers vary by machine; results go to ``benchmarks/out/presets.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file

ROOT = Path(__file__).parent / "out"
NULL_ID = "000000000000000AAA"


def _frames(events: int, contacts: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    contact_ids = pd.Series([f"0035g00000{i:08d}" for i in range(contacts)])
    who = contact_ids.to_numpy()[rng.integers(0, contacts, events)]
    start = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(
        rng.integers(0, 300 * 24 * 60, events), unit="min"
    )
    ids = np.char.add("00U5g0000", np.char.zfill(np.arange(events).astype(str), 9))
    kind = np.where(rng.random(events) < 0.8, "", "Call")
    what = np.where(rng.random(events) < 0.7, NULL_ID, "0065g0000012345AAA")
    stamp = start.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    salesforce = pd.DataFrame(
        {
            "Id": ids,
            "WhoId": who,
            "WhatId": what,
            "AccountId": NULL_ID,
            "Subject": "Meeting",
            "Type": kind,
            "EventSubtype": "Event",
            "StartDateTime": stamp,
            "DurationInMinutes": "60",
            "IsAllDayEvent": "0",
            "OwnerId": "0055g00000Ow001AAA",
        }
    )
    native = pd.DataFrame(
        {
            "event_id": ids,
            "contact_id": who,
            "type": "meeting_held",
            "occurred_at": stamp,
            "asset": "Meeting",
        }
    )
    return salesforce, native


def _workspace(folder: Path, contacts: int) -> EmbeddedStore:
    shutil.rmtree(folder, ignore_errors=True)
    store = EmbeddedStore(folder)
    accounts = folder.parent / "accounts.csv"
    people = folder.parent / "contacts.csv"
    pd.DataFrame({"account_id": ["A"], "name": ["Acme"]}).to_csv(accounts, index=False)
    pd.DataFrame(
        {"contact_id": [f"0035g00000{i:08d}" for i in range(contacts)], "account_id": "A"}
    ).to_csv(people, index=False)
    ingest_file(store, "accounts", accounts, quiet=True)
    ingest_file(store, "contacts", people, quiet=True)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    salesforce, native = _frames(args.events, args.contacts, args.seed)
    files = {
        "salesforce": args.out / "Event.csv",
        "native": args.out / "engagements.csv",
    }
    salesforce.to_csv(
        files["salesforce"], index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n"
    )
    native.to_csv(files["native"], index=False)
    results = []
    for preset, path in files.items():
        store = _workspace(args.out / f"ws-{preset}", args.contacts)
        started = time.perf_counter()
        report = ingest_file(store, "engagements", path, preset=preset, quiet=True)
        seconds = time.perf_counter() - started
        results.append(
            {
                "preset": preset,
                "rows": report.read,
                "loaded": report.loaded,
                "seconds": round(seconds, 2),
                "rows_per_second": round(report.read / seconds),
                "megabytes": round(path.stat().st_size / 1e6, 1),
            }
        )
        shutil.rmtree(args.out / f"ws-{preset}", ignore_errors=True)
    for row in results:
        print(
            f"{row['preset']:>10}: {row['rows']:,} rows ({row['megabytes']} MB) loaded "
            f"{row['loaded']:,} in {row['seconds']} s = {row['rows_per_second']:,} rows/s"
        )
    (args.out / "presets.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
