"""``after_score``: record a score run, then alert on what moved since the run before."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from abmgraph.history import record_run

if TYPE_CHECKING:
    from abmgraph.graph.store import GraphStore
    from abmgraph.scoring.config import ScoringConfig
    from abmgraph.scoring.engine import ScoreResult

__all__ = ["AlertOutcome", "after_score"]


@dataclass(frozen=True)
class AlertOutcome:
    """A recorded run: its id, the run it was compared with, and what it added."""

    run_id: str
    previous: str | None
    handovers: pd.DataFrame

    def as_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "previous_run_id": self.previous,
            "handovers": len(self.handovers),
        }


def after_score(
    workspace: Path,
    store: GraphStore,
    result: ScoreResult,
    config: ScoringConfig,
    *,
    webhook: str | None = None,
) -> AlertOutcome:
    """Record ``result`` in the workspace's history."""
    recorded = record_run(Path(workspace), store, result, config)
    return AlertOutcome(recorded.run_id, recorded.previous, recorded.handovers)
