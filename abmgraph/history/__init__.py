"""Score history: a compact snapshot of every score run, and the handovers to sales.

Kept in ``<workspace>/history/`` whatever the backend::

    runs.json                       the run index, oldest first
    runs/<run_id>/accounts.parquet  the run's account table (compact), or the rows it rescored
    runs/<run_id>/contacts.parquet  the run's contact table (compact), or the rows it rescored
    runs/<run_id>/run.json          the run those rows patch, a digest of the stored scores
    handovers.parquet               first MQL / SQL per contact, first tier 1 per account

A snapshot is the stored score tables after the run (every account and
contact, whether or not this run rescored it), cut to what ``changes`` and
alerts compare: priority, tier, stage, the departments engaged, roles covered
and missing, the account's contributions (``fit.*``, ``committee.*`` …),
and each contact's score and stage. The index keeps the last ``keep_runs``
runs (``[history]`` in the config), and on disk the full snapshots those
patch: an incremental run stores only the rows rescored since the last full
snapshot (see ``chains``). Handovers are append-only and never
pruned: one row per (kind, contact) or (tier1, account), with the ``as_of``
of the first recorded run in which it crossed the threshold.

Every file is replaced atomically. A run is staged in a hidden folder and
renamed into place, its new handovers are written, then the index: a crash
before the index leaves a folder the next run removes, and since handovers
are found by comparing a run with those already recorded, none is lost or
written twice.

One module per part: ``index`` (the run index; reading and recording runs),
``snapshots`` (what a run keeps), ``chains`` (a run's files: a full
snapshot or a patch) and ``handover_log`` (handovers and owners).
"""

from __future__ import annotations

from abmgraph.history.handover_log import HANDOVER_COLUMNS, OwnerBook, handovers, owners
from abmgraph.history.index import (
    RUN_COLUMNS,
    RecordedRun,
    clear_history,
    find_run,
    history_path,
    record_run,
    run_table,
    runs,
)
from abmgraph.history.snapshots import (
    ACCOUNT_SNAPSHOT,
    CONTACT_SNAPSHOT,
    contributions,
    snapshot,
)

__all__ = [
    "ACCOUNT_SNAPSHOT",
    "CONTACT_SNAPSHOT",
    "HANDOVER_COLUMNS",
    "RUN_COLUMNS",
    "OwnerBook",
    "RecordedRun",
    "clear_history",
    "contributions",
    "find_run",
    "handovers",
    "history_path",
    "owners",
    "record_run",
    "run_table",
    "runs",
    "snapshot",
]
