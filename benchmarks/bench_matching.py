"""Lead matching and role lists benchmark: ingest contacts that are matched by email domain.

Reproduce with ``.venv/bin/python benchmarks/bench_matching.py`` (``--contacts N``,
``--accounts N``). It writes 100,000 accounts (one in ten a subsidiary on its
parent's domain, one in fifty sharing a domain with an unrelated account) and
contacts with no ``account_id`` and a corporate email, each with a HubSpot-style
multi-select ``buying_role``, then times ``ingest_file`` on the embedded store.
``--roles single`` gives every contact one role,
to compare with code that reads one role only. Results are printed and written to ``benchmarks/out/matching.json``. Nothing here
is a test: numbers vary by machine.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.pipeline import ingest_file

ROOT = Path(__file__).parent / "out"
ROLES = {
    "multi": np.array(
        ["Decision Maker", "Champion;End User", "INFLUENCER;END_USER", "", "Blocker"]
    ),
    "single": np.array(["Decision Maker", "Champion", "INFLUENCER", "", "Blocker"]),
}


def write_inputs(
    folder: Path, n_accounts: int, n_contacts: int, roles: str, seed: int = 7
) -> dict[str, Path]:
    rng = np.random.default_rng(seed)
    ids = np.char.add("A", np.arange(n_accounts).astype(str))
    domains = np.char.add(np.char.add("co", np.arange(n_accounts).astype(str)), ".com")
    parent = np.full(n_accounts, "", dtype=object)
    sub = np.arange(n_accounts) % 10 == 1  # a subsidiary of the account before it
    parent[sub] = ids[np.flatnonzero(sub) - 1]
    domains[sub] = domains[np.flatnonzero(sub) - 1]
    clash = np.arange(n_accounts) % 50 == 3  # shares a domain with an unrelated account
    domains[clash] = domains[np.flatnonzero(clash) - 1]
    accounts = pd.DataFrame(
        {"account_id": ids, "name": ids, "domain": domains, "parent_account_id": parent}
    )
    at = rng.integers(0, n_accounts, n_contacts)
    contacts = pd.DataFrame(
        {
            "contact_id": np.char.add("C", np.arange(n_contacts).astype(str)),
            "email": np.char.add(np.char.add("p", np.arange(n_contacts).astype(str)), "@")
            + domains[at].astype(object),
            "buying_role": ROLES[roles][rng.integers(0, len(ROLES[roles]), n_contacts)],
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"accounts": folder / "accounts.csv", "contacts": folder / "contacts.csv"}
    accounts.to_csv(paths["accounts"], index=False)
    contacts.to_csv(paths["contacts"], index=False)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--roles", choices=sorted(ROLES), default="multi")
    args = parser.parse_args()
    work = ROOT / "matching"
    paths = write_inputs(work / "input", args.accounts, args.contacts, args.roles)
    store = EmbeddedStore(work / "ws")
    store.clear()
    store = EmbeddedStore(work / "ws")
    ingest_file(store, "accounts", paths["accounts"], rejects_path=work / "a.csv", quiet=True)
    started = time.perf_counter()
    report = ingest_file(
        store, "contacts", paths["contacts"], rejects_path=work / "c.csv", quiet=True
    )
    seconds = time.perf_counter() - started
    result = {
        "contacts": report.read,
        "loaded": report.loaded,
        "unmatched": report.unmatched,
        "warnings": getattr(report, "warnings", 0),
        "seconds": round(seconds, 2),
        "rows_per_s": round(report.read / seconds),
    }
    print(json.dumps(result))
    (ROOT / "matching.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
