"""What one export wrote and left out: the counts both audience and CRM files report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from abmgraph.export.writer import FilePart

__all__ = ["WriteSummary"]


@dataclass(kw_only=True)
class WriteSummary:
    """The rows an export took, those it left out by reason, and the files it wrote."""

    platform: str
    level: str
    dry_run: bool
    as_of: str | None
    config_hash: str | None
    candidates: int
    included: int
    excluded: dict[str, int]
    parts: list[FilePart]
    warnings: list[str] = field(default_factory=list)
    manifest: Path | None = None

    def counts(self) -> dict[str, Any]:
        """Candidates, included and excluded by reason (the ``--dry-run`` output)."""
        return {
            "platform": self.platform,
            "level": self.level,
            **self.count_block(),
            "files": [part.as_dict() for part in self.parts],
        }

    def count_block(self) -> dict[str, Any]:
        """The manifest's ``counts``."""
        return {
            "candidates": self.candidates,
            "included": self.included,
            "excluded": dict(self.excluded),
        }

    def summary_line(self) -> str:
        """``Wrote N LEVEL for PLATFORM to FILES; left out M of C (reasons). Manifest: …``."""
        left_out = sum(self.excluded.values())
        reasons = ", ".join(f"{name} {count:,}" for name, count in self.excluded.items() if count)
        files = ", ".join(part.path.name for part in self.parts)
        verb = "Would write" if self.dry_run else "Wrote"
        level = self.level.removesuffix("s") if self.included == 1 else self.level
        line = (
            f"{verb} {self.included:,} {level} for {self.platform} to {files}; "
            f"left out {left_out:,} of {self.candidates:,}"
        )
        line += f" ({reasons})." if reasons else "."
        if self.manifest is not None:
            line += f" Manifest: {self.manifest.name}."
        return line
