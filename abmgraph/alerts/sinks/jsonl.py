"""``<workspace>/alerts.jsonl``: one JSON object per alert, appended run after run.

The lines of a run are appended in one write to a file opened for
appending, so a reader never sees one run's lines mixed with another's.
A line a crash cut short is left as it is: the next run starts on a new
line, and :func:`read_alerts` skips a line that is not JSON.

A watched folder appends alerts all day, so the file is rotated: once a
run's lines would take it past ``rotate_bytes``, it is renamed
``alerts-<UTC time>.jsonl`` (a rename: a reader holding it open keeps
reading it whole, and ``tail -F`` follows the new file) and the run's lines
start a new one. Only the newest ``keep`` renamed files are kept.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["append_alerts", "read_alerts", "rotated_alerts"]


def append_alerts(
    path: Path,
    alerts: list[dict[str, Any]],
    *,
    rotate_bytes: int | None = None,
    keep: int = 10,
) -> None:
    """Append ``alerts`` to ``path`` (created when missing), one JSON line each.

    With ``rotate_bytes``, a file the lines would take past that size is
    renamed first (see the module's description), keeping ``keep`` of those.
    """
    if not alerts:
        return
    text = "".join(json.dumps(alert, ensure_ascii=False) + "\n" for alert in alerts)
    path.parent.mkdir(parents=True, exist_ok=True)
    if rotate_bytes is not None:
        _rotate(path, rotate_bytes - len(text.encode("utf-8")), keep)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            text = "\n" + text  # a killed writer left half a line: start a new one
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def rotated_alerts(path: Path) -> list[Path]:
    """The renamed alert files beside ``path``, oldest first."""
    return sorted(path.parent.glob(f"{path.stem}-*{path.suffix}"))


def _rotate(path: Path, room: int, keep: int) -> None:
    """Rename ``path`` when it holds more than ``room`` bytes; drop the oldest renamed files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0 or size <= room:
        return
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    os.replace(path, path.with_name(f"{path.stem}-{stamp}{path.suffix}"))
    old = rotated_alerts(path)
    for stale in old[: max(0, len(old) - keep)]:
        stale.unlink(missing_ok=True)


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
