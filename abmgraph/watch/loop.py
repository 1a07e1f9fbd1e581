"""The watcher's loop: look at the folder every poll, run a batch of the stable files.

Polling, not file-system events: a look is one directory listing (about a
millisecond for a few hundred names), it works the same on network shares
and container mounts where inotify sees nothing, and a file must be looked
at twice anyway to know it is no longer being written. Each poll takes the
files that were stable since the last look and runs them as one batch (see
``abmgraph.watch.batch``) under the workspace lock, released between
batches so other commands can write in between.

A full rescore is due when the oldest stored score was taken ``full_every``
ago or longer (the store's ``oldest_as_of``, so the schedule survives
restarts): the next batch rescores in full, or, with no files, a batch of
none runs just the rescore.

The workspace's ``scoring.toml`` is looked at every poll and read again
when it changed (see ``abmgraph.watch.config_file``): the next batch scores,
alerts and schedules with the new config, while ``--webhook`` and
``--full-every`` given to the watcher keep overriding what the file says.

With ``notify`` (the command line's default), the operating system's
notices that a file is complete (see ``abmgraph.watch.notices``) wake the
loop at once, and the files they name are taken at that look; the others
still need two looks a poll apart.

``once`` looks twice, ``poll`` seconds apart, runs what was stable and
returns; files still being written are left for the next run. A stop
request (``request_stop``, which the command line wires to Ctrl-C and
SIGTERM) ends the loop at the next file boundary.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pandas as pd

from abmgraph.errors import InputError, StoreUnavailableError
from abmgraph.graph.store import GraphStore
from abmgraph.lock import DEFAULT_WAIT, write_lock
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.watch_settings import format_duration
from abmgraph.watch.batch import BatchOutcome, run_batch
from abmgraph.watch.config_file import ConfigFile
from abmgraph.watch.inbox import Inbox, Signature
from abmgraph.watch.notices import start_notices
from abmgraph.watch.summary import WatchSummary
from abmgraph.workspace import Workspace

__all__ = ["DEFAULT_POLL", "Watcher"]

DEFAULT_POLL = 0.5  # seconds between looks: without a notice, a file waits 0.5–1 s to be read
# A full rescore that failed (an emptied store, say) is tried again after this long,
# not at every poll.
RETRY_FULL = pd.Timedelta(minutes=1)


class Watcher:
    """Watches one folder for one workspace's store.

    ``open_store`` opens the store: a fresh one for every batch, under the
    workspace lock, since the embedded store keeps what it read and another
    command may have written between two batches. ``report`` gets each
    progress line (a file, a rescore, a wait for the lock). ``clock`` gives
    the scoring instant; ``sleep`` waits between looks and returns early on a
    stop request or a notice (tests replace both). ``notify`` takes the
    operating system's notices of complete files where it gives them.

    ``config`` is what was read from the workspace's ``scoring.toml`` (the
    defaults without one); edits of the file replace it as they come.
    ``full_every`` and ``webhook``, when given, override the file's.
    """

    def __init__(
        self,
        folder: Path,
        open_store: Callable[[], GraphStore],
        workspace: Workspace,
        config: ScoringConfig,
        *,
        full_every: timedelta | None = None,
        webhook: str | None = None,
        poll: float = DEFAULT_POLL,
        wait: float = DEFAULT_WAIT,
        report: Callable[[str], None] = lambda line: None,
        clock: Callable[[], pd.Timestamp] = lambda: pd.Timestamp.now(tz="UTC"),
        sleep: Callable[[float], object] | None = None,
        notify: bool = False,
    ) -> None:
        where, home = Path(folder).resolve(), workspace.path.resolve()
        if where == home or home in where.parents:
            raise InputError(
                f"{folder} is inside the workspace {home}: its files would be taken for "
                "input and moved. Watch a folder of its own, such as ./inbox."
            )
        self.inbox = Inbox(Path(folder))
        self.open_store = open_store
        self.workspace = workspace
        self.config_file = ConfigFile(workspace.config_path, config)
        self._full_every_override = full_every
        self.full_every = full_every or config.watch.full_interval
        self.webhook = webhook
        self.poll = poll
        self.wait = wait
        self.report = report
        self.clock = clock
        self.notify = notify
        self._stop = threading.Event()
        # Set by a stop request and by every notice: the default sleep returns at once.
        self._wake = threading.Event()
        self.sleep = sleep or self._nap
        # The oldest stored score, as the last store opened said (None: never scored):
        # polls compare the clock with it plus full_every and touch no store.
        self._oldest: pd.Timestamp | None = None
        # The config hash the stored scores were taken with, as the last store opened said.
        self._scored_hash: str | None = None
        # After a full rescore failed: not tried again before this instant.
        self._retry_full: pd.Timestamp | None = None

    @property
    def config(self) -> ScoringConfig:
        """The config the next batch scores with: the last valid one read."""
        return self.config_file.config

    def check_config(self) -> None:
        """Take up an edit of ``scoring.toml`` since the last look, and say what it did."""
        old = self.config
        line = self.config_file.check(self._scored_hash)
        if line is None:
            return
        new = self.config
        self.full_every = self._full_every_override or new.watch.full_interval
        if self._full_every_override and old.watch != new.watch:
            line += f"; --full-every {format_duration(self.full_every)} still applies"
        if self.webhook is not None and old.alerts.webhook != new.alerts.webhook:
            line += "; --webhook still applies"
        self.report(line)

    def request_stop(self) -> None:
        """Stop at the next file boundary (safe to call from a signal handler)."""
        self._stop.set()
        self._wake.set()

    def _nap(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, once: bool = False) -> WatchSummary:
        """Watch until a stop request (or, with ``once``, after one batch); what was done."""
        summary = WatchSummary(self.inbox.folder)
        with self.open_store() as store:  # also says at once when the store cannot be reached
            self._remember(store)
        notices = None if once or not self.notify else start_notices(self.inbox.folder, self._wake)
        before, looked = self.inbox.look(), time.monotonic()
        try:
            while not self.stopping:
                self.sleep(self.poll)
                if self.stopping:
                    break
                self.check_config()
                now = self.inbox.look()
                announced = notices.take() if notices else set()
                # Stability is judged only between looks a poll apart: a notice's early look
                # takes the files it names and leaves the rest to the next poll's look.
                polled = not announced or time.monotonic() - looked >= self.poll
                announced &= now.keys()
                stable = Inbox.stable(before, now) if polled else []
                ready = Inbox.ordered({*stable, *announced}, now)
                if ready or self._full_may_be_due():
                    try:
                        batch = self._batch(ready)
                    except StoreUnavailableError as exc:
                        if once:
                            raise
                        # The files stay where they are: nothing was read. Try again next poll.
                        self.report(f"store unavailable, trying again at the next poll: {exc}")
                        continue
                    summary.add(batch)
                    now = _unhandled(now, ready, batch.left)
                    before = _unhandled(before, ready, batch.left)
                if polled:
                    before, looked = now, time.monotonic()
                if once:
                    break
        finally:
            if notices is not None:
                notices.stop()
        summary.stopped = self.stopping
        summary.left = sorted(self.inbox.look())
        return summary

    def _remember(self, store: GraphStore) -> None:
        """Note when the oldest stored score was taken, and with which config."""
        meta = store.score_meta() or {}
        oldest = meta.get("oldest_as_of") or meta.get("as_of")
        self._oldest = None if oldest is None else pd.Timestamp(oldest)
        self._scored_hash = meta.get("config_hash")

    def _full_may_be_due(self) -> bool:
        due = self._full_time(self._oldest)
        if due is not None and self._retry_full is not None:
            due = max(due, self._retry_full)
        return due is not None and self.clock() >= due

    def _full_time(self, oldest: pd.Timestamp | None) -> pd.Timestamp | None:
        """When a full rescore is due: ``full_every`` after the oldest stored score."""
        return None if oldest is None else oldest + pd.Timedelta(self.full_every)

    def _batch(self, names: list[str]) -> BatchOutcome:
        with (
            write_lock(self.workspace.path, wait=self.wait, on_wait=self.report),
            self.open_store() as store,
        ):
            self._remember(store)  # read again: another command may have scored
            due = self._full_time(self._oldest)
            full = due is not None and self.clock() >= due
            batch = run_batch(
                self.inbox,
                names,
                store,
                self.workspace,
                self.config,
                full=full,
                webhook=self.webhook,
                as_of=self.clock,
                stop=lambda: self.stopping,
                report=self.report,
            )
            self._remember(store)
        failed = full and batch.rescore is not None and batch.rescore.error is not None
        self._retry_full = self.clock() + RETRY_FULL if failed else None  # not at every poll
        return batch


def _unhandled(
    look: dict[str, Signature], ready: list[str], left: list[str]
) -> dict[str, Signature]:
    """A look without the files a batch handled (those a stop left are still to do)."""
    return {n: sig for n, sig in look.items() if n not in ready or n in left}
