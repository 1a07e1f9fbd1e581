"""Feedback benchmark: the feedback report over many handovers, and loading reps' activities.

Reproduce with ``.venv/bin/python benchmarks/bench_feedback.py`` (``--handovers``,
``--activities``, ``--contacts`` to change the sizes). It times, in this process:

1. ``handover_outcomes`` + ``feedback_report`` over generated frames: handovers
   (one in twenty a tier-1 account), their verdicts and the reps' activities;
2. ``ingest_file`` of a native ``sales-activities`` CSV into an embedded
   workspace holding the contacts and accounts the activities name.

Wall and CPU seconds are both kept: on a shared machine the CPU time is
inflated far less. Results are printed and written to ``benchmarks/out/feedback.json`` with the
load average at the start. Nothing here is a test: numbers vary by machine;
the README records one run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from abmgraph.feedback import feedback_report, handover_outcomes
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file

OUT = Path(__file__).parent / "out"
START = pd.Timestamp("2026-06-01", tz="UTC")


def frames(
    rng: np.random.Generator, handovers: int, activities: int, contacts: int
) -> dict[str, pd.DataFrame]:
    accounts = max(contacts // 25, 1)
    contact = rng.integers(0, contacts, handovers)
    tier1 = rng.random(handovers) < 0.05
    account = contact // 25
    at = START + pd.to_timedelta(rng.uniform(0, 150, handovers), unit="D")
    frame = pd.DataFrame(
        {
            "kind": np.where(tier1, "tier1", "mql"),
            "contact_id": pd.Series([f"C{c:07d}" for c in contact]).where(~tier1),
            "account_id": [f"A{a:06d}" for a in account],
            "at": at,
            "run_id": "r",
            "owner": [f"rep{a % 40}" for a in account],
        }
    )
    judged = rng.random(handovers) < 0.85
    feedback = pd.DataFrame(
        {
            "contact_id": frame["contact_id"][judged].to_numpy(),
            "account_id": frame["account_id"][judged].to_numpy(),
            "verdict": rng.choice(
                ["accepted", "rejected", "recycled"], judged.sum(), p=[0.7, 0.2, 0.1]
            ),
            "reason": rng.choice(
                ["No fit - too small", "Bad timing", "No response", None], judged.sum()
            ),
            "by": frame["owner"][judged].to_numpy(),
            "at": (at[judged] + pd.to_timedelta(rng.exponential(1.0, judged.sum()), unit="D")),
        }
    )
    who = rng.integers(0, contacts, activities)
    touches = pd.DataFrame(
        {
            "activity_id": [f"T{i:08d}" for i in range(activities)],
            "contact_id": [f"C{c:07d}" for c in who],
            "account_id": [f"A{c // 25:06d}" for c in who],
            "type": rng.choice(["call", "email", "meeting"], activities, p=[0.5, 0.45, 0.05]),
            "at": START + pd.to_timedelta(rng.uniform(0, 160, activities), unit="D"),
            "owner": [f"rep{(c // 25) % 40}" for c in who],
            "outcome": rng.choice(["connected", "left voicemail", "sent"], activities),
        }
    )
    people = pd.DataFrame(
        {
            "contact_id": [f"C{c:07d}" for c in range(contacts)],
            "account_id": [f"A{c // 25:06d}" for c in range(contacts)],
        }
    )
    names = pd.DataFrame({"account_id": [f"A{a:06d}" for a in range(accounts)], "name": "Account"})
    return {
        "handovers": frame,
        "feedback": feedback,
        "activities": touches,
        "contacts": people,
        "accounts": names,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--handovers", type=int, default=200_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=200_000)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    data = frames(np.random.default_rng(0), args.handovers, args.activities, args.contacts)

    started, cpu = time.perf_counter(), time.process_time()
    outcomes = handover_outcomes(data["handovers"], data["feedback"], data["activities"])
    report = feedback_report(outcomes)
    analysis, analysis_cpu = time.perf_counter() - started, time.process_time() - cpu

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = EmbeddedStore(root / "ws")
        for kind in ("accounts", "contacts"):
            data[kind].to_csv(root / f"{kind}.csv", index=False)
            ingest_file(store, kind, root / f"{kind}.csv", quiet=True)
        path = root / "activities.csv"
        data["activities"].assign(
            at=data["activities"]["at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        ).to_csv(path, index=False)
        started, cpu = time.perf_counter(), time.process_time()
        loaded = ingest_file(store, "sales-activities", path, quiet=True)
        ingest, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu

    result = {
        "load_average": round(load, 2),
        "handovers": args.handovers,
        "verdicts": len(data["feedback"]),
        "activities": args.activities,
        "report_seconds": round(analysis, 2),
        "report_cpu_seconds": round(analysis_cpu, 2),
        "ingest_seconds": round(ingest, 2),
        "ingest_cpu_seconds": round(ingest_cpu, 2),
        "ingest_rows_per_second": round(loaded.loaded / ingest),
        "median_minutes": report.speed["median_minutes"],
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "feedback.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
