"""What a watcher did until it returned, and the closing line that says so."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from abmgraph.watch.batch import BatchOutcome, FileOutcome, RescoreOutcome

__all__ = ["WatchSummary"]


@dataclass
class WatchSummary:
    """Everything a watcher did until it returned."""

    folder: Path
    files: list[FileOutcome] = field(default_factory=list)
    rescores: list[RescoreOutcome] = field(default_factory=list)
    # Names still in the folder when it returned: being written, or left by a stop.
    left: list[str] = field(default_factory=list)
    stopped: bool = False

    @property
    def done(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "done"]

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when no file failed, every rescore ran and every alert was delivered."""
        return not self.failed and all(
            r.error is None and r.undelivered is None for r in self.rescores
        )

    def add(self, batch: BatchOutcome) -> None:
        self.files += batch.files
        if batch.rescore is not None:
            self.rescores.append(batch.rescore)

    def line(self) -> str:
        """The closing line, e.g. ``Watched inbox: 2 files done, 1 failed …``."""
        parts = [f"{len(self.done)} file{_s(self.done)} done"]
        if self.failed:
            parts.append(f"{len(self.failed)} failed (reasons in {self.folder / 'failed'})")
        if self.left:
            parts.append(f"{len(self.left)} left in the folder for the next run")
        rows = sum(f.loaded for f in self.done)
        rejected = sum(f.rejected for f in self.done)
        alerts = sum(r.alerts for r in self.rescores)
        head = "Stopped watching" if self.stopped else "Watched"
        return (
            f"{head} {self.folder}: {', '.join(parts)}; {rows:,} row{'' if rows == 1 else 's'} loaded, "
            f"{rejected:,} rejected; {len(self.rescores)} rescore{_s(self.rescores)}, "
            f"{alerts} alert{'' if alerts == 1 else 's'}."
        )


def _s(items: list) -> str:
    return "" if len(items) == 1 else "s"
