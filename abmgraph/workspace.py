"""The workspace folder: the embedded store, the scoring config and rejects files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from abmgraph.safe_io import atomic_write_text, unique_name

# The scoring config (pydantic, and the graph package with pandas behind it) is imported
# only by the methods that read or write it: every CLI command creates a Workspace.
if TYPE_CHECKING:
    from abmgraph.scoring.config import ScoringConfig

__all__ = ["Workspace"]


@dataclass(frozen=True)
class Workspace:
    """Where abmgraph keeps its files; nothing else is written outside it unless asked."""

    path: Path

    @property
    def config_path(self) -> Path:
        return self.path / "scoring.toml"

    @property
    def store_path(self) -> Path:
        """The embedded store's folder: no output file is ever written inside it."""
        return self.path / "store"

    @property
    def demo_record_path(self) -> Path:
        return self.path / "demo.json"

    def init(self, *, force: bool = False) -> bool:
        """Create the folder and a commented default config; False when one already exists."""
        from abmgraph.scoring.config import render_default

        self.path.mkdir(parents=True, exist_ok=True)
        if self.config_path.exists() and not force:
            return False
        atomic_write_text(self.config_path, render_default())
        return True

    def config(self, override: Path | None = None) -> ScoringConfig:
        """The config to score with: ``override``, else the workspace's, else the defaults."""
        from abmgraph.scoring.config import load_config

        if override is not None:
            return load_config(override)
        return load_config(self.config_path if self.config_path.exists() else None)

    def rejects_path(self, kind: str) -> Path:
        """A rejects file name for an ingest of ``kind`` that no other ingest gets."""
        return unique_name(self.path / "rejects", kind, ".csv")

    # -- what the store holds ------------------------------------------------------
    def record_demo(self, backend: str, counts: dict[str, int]) -> None:
        """Note that the store holds the demo's data alone, and how much of it."""
        record = {"backend": backend, "counts": counts}
        atomic_write_text(self.demo_record_path, json.dumps(record, indent=2) + "\n")

    def forget_demo(self) -> None:
        """The store now holds data of the user's: the demo may no longer reset it."""
        self.demo_record_path.unlink(missing_ok=True)

    def holds_only_demo(self, backend: str, counts: dict[str, int]) -> bool:
        """True when the store is as the demo left it: same backend, same row counts."""
        try:
            record: dict[str, Any] = json.loads(self.demo_record_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return False
        return record.get("backend") == backend and record.get("counts") == counts
