"""A byte-counting progress bar for reading a file, shown on a terminal only."""

from __future__ import annotations

from pathlib import Path

__all__ = ["Progress"]


class Progress:
    """A byte-counting progress bar on stderr, or nothing."""

    def __init__(self, path: Path, total: int, *, enabled: bool) -> None:
        self._progress = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(f"Reading {path.name}", total=max(total, 1))

    def advance(self, n: int) -> None:
        if self._progress is not None and n:
            self._progress.advance(self._task, n)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
