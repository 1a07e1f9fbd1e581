"""The last backtest's result, kept in the workspace so the report can show it."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from abmgraph.errors import StoreError

__all__ = ["BACKTEST_FILE", "load_backtest", "save_backtest"]

BACKTEST_FILE = "backtest.json"


def save_backtest(workspace: Path, metrics: dict[str, Any]) -> Path:
    """Write ``metrics`` (``backtest(...).metrics``) to the workspace, atomically."""
    target = workspace / BACKTEST_FILE
    try:
        workspace.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".backtest-", dir=workspace)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(metrics, out, default=str)
        os.replace(temp, target)
    except OSError as exc:
        raise StoreError(
            f"Cannot keep the backtest in {workspace}: {exc.strerror}. "
            "Check the workspace folder's permissions."
        ) from None
    return target


def load_backtest(workspace: Path) -> dict[str, Any] | None:
    """The last saved backtest, or None when none was run (or the file is unreadable)."""
    try:
        data = json.loads((workspace / BACKTEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("lift_by_decile") else None
