"""What a store holds, for ``abmgraph status``."""

from __future__ import annotations

from typing import Any

from abmgraph.graph.store import GraphStore
from abmgraph.workspace import Workspace

__all__ = ["store_status"]


def store_status(store: GraphStore, workspace: Workspace) -> dict[str, Any]:
    """Row counts by kind, the backend, and the last scoring run (or None)."""
    meta = store.score_meta()
    return {
        "backend": store.backend,
        "workspace": str(workspace.path),
        "config": str(workspace.config_path) if workspace.config_path.exists() else "defaults",
        **store.counts(),
        "scored_as_of": meta["as_of"] if meta else None,
        "scored_at": meta["scored_at"] if meta else None,
        "config_hash": meta["config_hash"] if meta else None,
        # Rows not rescored by incremental runs keep the as-of they were scored at.
        "scored_oldest_as_of": (meta.get("oldest_as_of") or meta["as_of"]) if meta else None,
        "scored_mode": meta.get("mode", "full") if meta else None,
        "accounts_rescored": meta.get("accounts_rescored") if meta else None,
    }
