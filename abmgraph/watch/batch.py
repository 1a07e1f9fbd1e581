"""One batch of the watcher: ingest its files, rescore once, then move every file.

Each file is ingested on its own: one that fails (unreadable, a missing
column, a name that says no kind) is moved to ``failed/`` with its reason
at once and leaves the store as it was, and the others go on. When any file
loaded rows, one rescore (incremental unless a full one is due) and its
alerts follow; only then do the loaded files move to ``done/``. A watcher
stopped or killed before that leaves them in the folder, and the next run
ingests them again, which changes nothing already stored (re-ingest is
idempotent) and scores them: a file in ``done/`` has always been scored.

A stop request is honoured between files: the file being ingested
finishes, the rest wait in the folder for the next run. A store that cannot
be reached (a Neo4j server down) is no fault of the file: the batch stops
and every file of it stays in the folder for the next poll.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from abmgraph.errors import AbmgraphError, StoreUnavailableError
from abmgraph.graph.store import GraphStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import score_store
from abmgraph.watch.inbox import NAMING_RULE, Inbox, Signature, parse_name, rejects_path
from abmgraph.workspace import Workspace

__all__ = ["FULL_DUE", "BatchOutcome", "FileOutcome", "RescoreOutcome", "run_batch"]

# Why a rescore the watcher's schedule asked for is full.
FULL_DUE = "full_every reached"


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file: ``done`` (loaded, maybe with rejects), ``failed``, or
    ``changed`` (rewritten while it was loaded: left in the folder to load again)."""

    name: str
    kind: str | None
    status: str
    path: Path
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    seconds: float = 0.0
    reason: str | None = None
    rejects_file: Path | None = None

    def line(self) -> str:
        """One line for the log, e.g. ``engagements-1.csv: engagements, loaded 998, …``."""
        if self.status == "failed":
            return f"{self.name}: failed ({self.reason}) -> {self.path}"
        text = (
            f"{self.name}: {self.kind}, loaded {self.loaded:,}, rejected {self.rejected:,} "
            f"in {self.seconds:.2f} s"
        )
        if self.rejects_file is not None:
            text += f" (rejects: {self.rejects_file.name})"
        return text


@dataclass(frozen=True)
class RescoreOutcome:
    """One rescore after a batch: its mode (and why full), how many accounts, the alerts."""

    mode: str
    accounts_rescored: int
    alerts: int
    seconds: float
    as_of: pd.Timestamp
    error: str | None = None
    # Why the webhook did not take the alerts (they are in alerts.jsonl all the same).
    undelivered: str | None = None
    # Why a rescore ran in full: its time came, or scoring found it had to (a changed config).
    reason: str | None = None

    def line(self) -> str:
        if self.error is not None:
            return f"rescore failed: {self.error}"
        accounts = "account" if self.accounts_rescored == 1 else "accounts"
        alerts = "alert" if self.alerts == 1 else "alerts"
        mode = self.mode if self.reason is None else f"{self.mode} ({self.reason})"
        text = (
            f"rescore: {mode}, {self.accounts_rescored:,} {accounts} rescored, "
            f"{self.alerts} {alerts} written in {self.seconds:.2f} s"
        )
        if self.undelivered is not None:
            text += f"; not delivered: {self.undelivered}"
        return text


@dataclass(frozen=True)
class BatchOutcome:
    """Every file a batch handled, its rescore, and the names a stop request left waiting."""

    files: list[FileOutcome]
    rescore: RescoreOutcome | None
    left: list[str]


def run_batch(
    inbox: Inbox,
    names: list[str],
    store: GraphStore,
    workspace: Workspace,
    config: ScoringConfig,
    *,
    full: bool = False,
    webhook: str | None = None,
    as_of: Callable[[], pd.Timestamp] = lambda: pd.Timestamp.now(tz="UTC"),
    stop: Callable[[], bool] = lambda: False,
    report: Callable[[str], None] = lambda line: None,
) -> BatchOutcome:
    """Ingest ``names`` (in order) from ``inbox``, rescore once, move every file.

    The caller holds the workspace lock. ``full`` asks for a full rescore
    (also when no file loaded anything); ``stop`` is asked before each file.
    ``report`` gets one line per file and per rescore as they happen.
    """
    files: list[FileOutcome] = []
    loaded: list[FileOutcome] = []
    left: list[str] = []
    signatures: dict[str, Signature | None] = {}
    for position, name in enumerate(names):
        if stop():
            left = names[position:]
            break
        # Reserved: two files of the batch must never be given one name in done/.
        target = inbox.done_target(name, taken={f.path.name for f in loaded})
        signatures[name] = inbox.signature(name)
        outcome = _ingest(inbox, name, target, store, workspace, config)
        if outcome.status == "done":
            loaded.append(outcome)
        files.append(outcome)
        report(outcome.line())

    rescore = None
    if full or any(outcome.loaded for outcome in loaded):
        rescore = _rescore(store, workspace, config, as_of(), full=full, webhook=webhook)
        report(rescore.line())
    for outcome in loaded:
        if inbox.signature(outcome.name) != signatures[outcome.name]:
            # Rewritten while it was loaded: what was read may be neither version. It
            # stays, and the next poll loads it whole (a re-ingest adds nothing twice).
            files[files.index(outcome)] = replace(outcome, status="changed")
            report(f"{outcome.name}: changed while it was loaded; left to load again")
            continue
        inbox.move_done(outcome.name, outcome.path)
    return BatchOutcome(files, rescore, left)


def _ingest(
    inbox: Inbox,
    name: str,
    target: Path,
    store: GraphStore,
    workspace: Workspace,
    config: ScoringConfig,
) -> FileOutcome:
    """Ingest one file; a failure moves it to ``failed/`` with its one-line reason."""
    parsed = parse_name(name)
    if parsed is None:
        reason = f"{name}: the name does not say what the file holds; {NAMING_RULE}."
        return _failed(inbox, name, None, reason)
    kind, preset = parsed
    started = time.perf_counter()
    rejects = rejects_path(target)
    try:
        result = ingest_file(
            store,
            kind,
            inbox.folder / name,
            preset=preset,
            rejects_path=rejects,
            quiet=True,
            engagement_types=config.engagement_types,
        )
    except StoreUnavailableError:
        raise  # the server, not the file: it stays in the folder for the next poll
    except (AbmgraphError, OSError) as exc:
        outcome = _failed(inbox, name, kind, _one_line(exc))
        if rejects.exists():  # written before the store refused the rows
            os.replace(rejects, rejects_path(outcome.path))
        return outcome
    workspace.forget_demo()  # the store now holds the user's data: demo --reset keeps off
    return FileOutcome(
        name,
        kind,
        "done",
        target,
        read=result.read,
        loaded=result.loaded,
        rejected=result.rejected,
        seconds=time.perf_counter() - started,
        rejects_file=rejects if result.rejects_file else None,
    )


def _failed(inbox: Inbox, name: str, kind: str | None, reason: str) -> FileOutcome:
    path = inbox.move_failed(name, reason)
    return FileOutcome(name, kind, "failed", path, reason=reason)


def _rescore(
    store: GraphStore,
    workspace: Workspace,
    config: ScoringConfig,
    as_of: pd.Timestamp,
    *,
    full: bool,
    webhook: str | None,
) -> RescoreOutcome:
    """Rescore as of ``as_of``, record the run and write its alerts.

    A failure is reported, never raised: the files stay loaded, and the next
    rescore takes them in. A webhook that refuses the alerts is noted on the
    outcome; they are in ``alerts.jsonl`` all the same.
    """
    from abmgraph.alerts import AlertsNotDelivered, after_score

    started = time.perf_counter()
    try:
        result = score_store(store, config, as_of, full=full)
        try:
            outcome = after_score(workspace.path, store, result, config, webhook=webhook)
            undelivered = None
        except AlertsNotDelivered as exc:
            outcome, undelivered = exc.outcome, _one_line(exc)
    except AbmgraphError as exc:
        return RescoreOutcome("full" if full else "incremental", 0, 0, 0.0, as_of, _one_line(exc))
    return RescoreOutcome(
        result.mode,
        result.accounts_rescored,
        len(outcome.alerts),
        time.perf_counter() - started,
        as_of,
        undelivered=undelivered,
        # A full one asked for here is the schedule's, whatever scoring calls it.
        reason=FULL_DUE if full else result.full_reason,
    )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
