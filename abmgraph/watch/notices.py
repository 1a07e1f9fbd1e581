"""Notices from the operating system that a file in the watched folder is complete.

Polling judges a file whole when two looks a poll apart find it unchanged,
so a dropped file waits one to two polls. Where the kernel says when a file
is complete, nothing need wait: a file renamed into the folder (the usual
way to drop one: write ``.name.csv`` beside it, rename it to ``name.csv``)
arrived whole, and a file closed after writing was written whole. A file
renamed in from another folder is announced only as created, which says
nothing of its being whole: it waits for the two looks. On Linux,
inotify reports both (``IN_MOVED_TO``, ``IN_CLOSE_WRITE``), through
``watchdog``; each notice wakes the watcher at once.

Notices only add to polling, never replace it: network shares and some
container mounts deliver none, and a notice missed (the kernel's queue
overflowed) leaves the file to the two looks as before. Where inotify is
not available, :func:`start_notices` returns None and the watcher polls.
"""

from __future__ import annotations

import threading
from pathlib import Path

from abmgraph.watch.inbox import is_ignored

__all__ = ["Notices", "start_notices"]


class Notices:
    """Names announced complete since the last :meth:`take`, and a wake-up for each."""

    def __init__(self, wake: threading.Event) -> None:
        self._wake = wake
        self._names: set[str] = set()
        self._lock = threading.Lock()
        self._observer = None

    def announce(self, name: str) -> None:
        """Called from the observer's thread: ``name`` is complete."""
        if is_ignored(name):
            return
        with self._lock:
            self._names.add(name)
        self._wake.set()

    def take(self) -> set[str]:
        """The names announced since the last call."""
        with self._lock:
            names, self._names = self._names, set()
        return names

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None


def start_notices(folder: Path, wake: threading.Event) -> Notices | None:
    """Start receiving completion notices for the files of ``folder`` (not of its subfolders).

    None where the platform has no inotify or the folder cannot be watched
    (the inotify watch limit reached, say): the watcher then polls alone.
    """
    try:
        from watchdog.events import FileClosedEvent, FileMovedEvent, FileSystemEventHandler
        from watchdog.observers.inotify import InotifyObserver
    except (ImportError, OSError):  # not Linux
        return None
    folder = Path(folder).resolve()
    notices = Notices(wake)

    class Handler(FileSystemEventHandler):
        def on_moved(self, event: FileMovedEvent) -> None:
            target = Path(str(event.dest_path))
            if not event.is_directory and target.parent == folder:
                notices.announce(target.name)

        def on_closed(self, event: FileClosedEvent) -> None:
            source = Path(str(event.src_path))
            if not event.is_directory and source.parent == folder:
                notices.announce(source.name)

    observer = InotifyObserver()
    # Recursive, though only the folder's own files are announced: the watcher's moves into
    # done/ and failed/ then pair up at once. A move out to an unwatched folder is held back
    # half a second in case its other half comes, and every notice queued behind it waits.
    observer.schedule(
        Handler(), str(folder), recursive=True, event_filter=[FileMovedEvent, FileClosedEvent]
    )
    try:
        observer.start()
    except OSError:
        return None
    notices._observer = observer
    return notices
