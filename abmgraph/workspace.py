"""The workspace folder: the embedded store, the scoring config and rejects files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

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

    def init(self, *, force: bool = False) -> bool:
        """Create the folder and a commented default config; False when one already exists."""
        from abmgraph.scoring.config import render_default

        self.path.mkdir(parents=True, exist_ok=True)
        if self.config_path.exists() and not force:
            return False
        self.config_path.write_text(render_default(), encoding="utf-8")
        return True

    def config(self, override: Path | None = None) -> ScoringConfig:
        """The config to score with: ``override``, else the workspace's, else the defaults."""
        from abmgraph.scoring.config import load_config

        if override is not None:
            return load_config(override)
        return load_config(self.config_path if self.config_path.exists() else None)

    def rejects_path(self, kind: str) -> Path:
        """A fresh rejects file name for an ingest of ``kind``."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        return self.path / "rejects" / f"{kind}-{stamp}.csv"
