"""Watch a folder: ingest the files dropped into it, rescore, alert, file them away.

``abmgraph watch FOLDER`` runs :class:`Watcher` on the workspace's store.
The parts: ``inbox`` (the naming rule, which files are stable, the order,
``done/`` and ``failed/``), ``batch`` (ingest a poll's files, one rescore,
the moves), ``loop`` (polling, the full-rescore schedule, stopping),
``config_file`` (``scoring.toml`` read again when it is edited) and
``summary`` (what a run did).
"""

from __future__ import annotations

from abmgraph.watch.batch import BatchOutcome, FileOutcome, RescoreOutcome, run_batch
from abmgraph.watch.inbox import KIND_ORDER, NAMING_RULE, Inbox, is_ignored, kind_of
from abmgraph.watch.loop import DEFAULT_POLL, Watcher
from abmgraph.watch.summary import WatchSummary

__all__ = [
    "DEFAULT_POLL",
    "KIND_ORDER",
    "NAMING_RULE",
    "BatchOutcome",
    "FileOutcome",
    "Inbox",
    "RescoreOutcome",
    "WatchSummary",
    "Watcher",
    "is_ignored",
    "kind_of",
    "run_batch",
]
