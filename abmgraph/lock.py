"""The workspace lock: one writer at a time.

Every command that writes the store or the workspace (ingest, score, demo,
calibrate, init, datasets convert --ingest) holds an exclusive lock on
``<workspace>/.write.lock`` for as long as it runs. A second writer waits for
it, saying so on stderr, and gives up with a one-line error after ``wait``
seconds. Readers take no lock: every file is switched into place whole (see
``abmgraph.safe_io``), so they see the state before a write or after it.

The lock is an OS advisory lock (``flock``), released by the kernel when its
process ends, however it ends: a killed writer never leaves the workspace
locked. It serialises the processes that share the workspace folder; with
the Neo4j backend that is every command run against that workspace, not
writers elsewhere that use the same database with another workspace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from abmgraph.errors import StoreError, WorkspaceBusyError

__all__ = ["DEFAULT_WAIT", "LOCK_NAME", "write_lock"]

LOCK_NAME = ".write.lock"
DEFAULT_WAIT = 300.0


@contextmanager
def write_lock(
    workspace: Path,
    *,
    wait: float = DEFAULT_WAIT,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the workspace's write lock for the ``with`` block.

    Parameters
    ----------
    workspace
        The workspace folder; created when missing.
    wait
        Seconds to wait for another writer to finish; 0 fails at once.
    on_wait
        Called once with a message when the lock is held by another process.

    Raises
    ------
    WorkspaceBusyError
        Another writer still held the lock after ``wait`` seconds.
    StoreError
        The lock file cannot be created (a read-only or missing parent folder).
    """
    workspace = Path(workspace)
    try:
        workspace.mkdir(parents=True, exist_ok=True)
        # is_singleton keeps one lock object per file in a process, so a nested
        # write_lock (a library call inside a CLI command) re-enters instead of
        # waiting on itself.
        lock = FileLock(workspace / LOCK_NAME, is_singleton=True)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if wait <= 0:
                raise _busy(workspace, wait) from None
            if on_wait is not None:
                on_wait(
                    f"Another abmgraph command is writing to {workspace}; "
                    f"waiting up to {wait:g} s for it to finish (--wait)."
                )
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise _busy(workspace, wait) from None
    except OSError as exc:
        raise StoreError(
            f"cannot lock the workspace {workspace} for writing ({exc.strerror or exc}); "
            "check that the folder is writable."
        ) from None
    try:
        yield
    finally:
        lock.release()


def _busy(workspace: Path, wait: float) -> WorkspaceBusyError:
    waited = f" after waiting {wait:g} s" if wait > 0 else ""
    return WorkspaceBusyError(
        f"Another abmgraph command is still writing to {workspace}{waited}; "
        "run this again when it has finished, or give a longer --wait."
    )
