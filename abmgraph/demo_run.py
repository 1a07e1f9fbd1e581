"""``abmgraph demo``: generate the synthetic dataset, ingest every file, score as of its anchor."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from abmgraph.alerts import after_score
from abmgraph.demo import generate, write
from abmgraph.demo.feedback import account_reps, draw_sales_response, write_sales_files
from abmgraph.errors import StoreError
from abmgraph.graph.store import GraphStore
from abmgraph.history import clear_history, handovers
from abmgraph.ingest.pipeline import IngestReport, ingest_file
from abmgraph.scoring.engine import parse_as_of, score_store
from abmgraph.workspace import Workspace

__all__ = ["DemoRun", "run_demo"]

# Parents before children: accounts, then the people, then what refers to them.
INGEST_ORDER = (
    "accounts",
    "contacts",
    "engagements",
    "intent",
    "opportunities",
    "opportunity_contacts",
)


# Weekly score runs before the anchor build the history whose handovers the demo's reps answer.
HISTORY_WEEKS = 6


@dataclass(frozen=True)
class DemoRun:
    reports: list[IngestReport]
    as_of: pd.Timestamp
    contacts: int
    accounts: int
    in_market: int


def run_demo(
    store: GraphStore,
    workspace: Workspace,
    accounts: int,
    seed: int,
    anchor: str | None,
    out: Path,
    *,
    reset: bool = False,
) -> DemoRun:
    """Write the demo files to ``out``, load them into ``store`` and score them.

    The demo's dates are relative to its anchor, so mixing it into a store
    that already holds data would blur both: that needs ``reset``, which
    empties only a store that holds the demo's data alone (recorded in the
    workspace after each demo run), never one with data of the user's.
    """
    counts = store.counts()
    if any(counts.values()):
        if not reset:
            raise StoreError(
                "The store already holds data; run the demo with --reset to replace it, "
                "or use another --workspace."
            )
        if not workspace.holds_only_demo(store.backend, counts):
            raise StoreError(
                f"The store of {workspace.path} holds data that the demo did not load, so "
                "demo --reset will not empty it; run the demo in another workspace "
                "(abmgraph --workspace demo-workspace demo), or delete the store yourself "
                "if its data can go."
            )
    if reset:
        store.clear()
        clear_history(workspace.path)  # the runs it kept describe the data just removed
    workspace.forget_demo()  # from here until the demo is done, the store is not the demo's
    workspace.init()
    data = generate(accounts=accounts, seed=seed, anchor=anchor)
    # Every account has a rep: its handovers and alerts are theirs.
    data = replace(
        data, accounts=data.accounts.assign(owner=account_reps(data.accounts["account_id"]))
    )
    paths = write(data, out, fmt="csv")
    config = workspace.config()
    reports = [
        ingest_file(
            store,
            kind,
            paths[kind],
            rejects_path=workspace.rejects_path(kind),
            quiet=True,
            engagement_types=config.engagement_types,
        )
        for kind in INGEST_ORDER
    ]
    # Every run replays the whole graph as of its week: full, as nothing was ingested between.
    for weeks in range(HISTORY_WEEKS, 0, -1):
        earlier = parse_as_of(data.anchor - pd.Timedelta(weeks=weeks))
        after_score(workspace.path, store, score_store(store, config, earlier, full=True), config)
    result = score_store(store, config, parse_as_of(data.anchor), full=True)
    after_score(workspace.path, store, result, config)  # the baseline later runs compare with
    # The sales team answers the handovers by its own process, on a random stream of its own.
    feedback, activities = draw_sales_response(
        np.random.default_rng([seed, 1]),
        handovers(workspace.path),
        data.accounts,
        data.contacts,
        data.truth,
        data.anchor,
    )
    for kind, path in write_sales_files(feedback, activities, out).items():
        reports.append(
            ingest_file(store, kind, path, rejects_path=workspace.rejects_path(kind), quiet=True)
        )
    workspace.record_demo(store.backend, store.counts())
    return DemoRun(
        reports=reports,
        as_of=result.as_of,
        contacts=len(result.contacts),
        accounts=len(result.accounts),
        in_market=int(data.truth["in_market"].sum()),
    )
