"""Merge benchmark: writing contacts into a stored table of 500,000 (the embedded upsert).

Reproduce with ``.venv/bin/python benchmarks/bench_merge.py [--contacts N]``.
It times, best of three, the merge of a full re-ingest and of a two-column
title refresh into a stored contacts table, against the plain replace
(concatenate, keep the last of each key) the store did before columns were
merged. Nothing here is a test: numbers vary by machine and load.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from abmgraph.graph.merge import merge_rows
from abmgraph.graph.tables import empty_table


def stored_contacts(n: int) -> pd.DataFrame:
    layout = empty_table("contacts")
    frame = layout.reindex(range(n)).astype(layout.dtypes.to_dict())
    frame["contact_id"] = pd.Series([f"C{i:07d}" for i in range(n)], dtype="str")
    frame["title"] = pd.Series(["Analyst"] * n, dtype="str")
    frame["opted_out"] = pd.Series(np.arange(n) % 7 == 0, dtype="boolean")
    return frame


def replace(stored: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    merged = pd.concat([stored, rows], ignore_index=True)
    return merged.drop_duplicates(["contact_id"], keep="last").reset_index(drop=True)


def best(function: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=500_000)
    args = parser.parse_args()
    stored = stored_contacts(args.contacts)
    full = stored.assign(title=pd.Series(["CTO"] * len(stored), dtype="str"))
    refresh = full[["contact_id", "title"]]
    cases = {
        "replace, full rows (before)": lambda: replace(stored, full),
        "merge, full rows": lambda: merge_rows("contacts", stored, full),
        "merge, title refresh": lambda: merge_rows("contacts", stored, refresh),
    }
    for name, function in cases.items():
        print(f"{name:<30} {best(function):6.2f} s")


if __name__ == "__main__":
    main()
