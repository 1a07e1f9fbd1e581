"""``<workspace>/alerts.jsonl``: one JSON object per alert, appended run after run.

The lines of a run are appended in one write to a file opened for
appending, so a reader never sees one run's lines mixed with another's.
A line a crash cut short is left as it is: the next run starts on a new
line, and :func:`read_alerts` skips a line that is not JSON.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["append_alerts", "read_alerts"]


def append_alerts(path: Path, alerts: list[dict[str, Any]]) -> None:
    """Append ``alerts`` to ``path`` (created when missing), one JSON line each."""
    if not alerts:
        return
    text = "".join(json.dumps(alert, ensure_ascii=False) + "\n" for alert in alerts)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            text = "\n" + text  # a killed writer left half a line: start a new one
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_alerts(path: Path) -> list[dict[str, Any]]:
    """Every alert in ``path``, oldest first (none when it does not exist)."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line a crash cut short
    return out
