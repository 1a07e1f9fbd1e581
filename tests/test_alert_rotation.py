"""alerts.jsonl is renamed once it would pass its size, and only the newest renamed are kept."""

from __future__ import annotations

import json
from pathlib import Path

from abmgraph.alerts.sinks import append_alerts, read_alerts
from abmgraph.alerts.sinks.jsonl import rotated_alerts


def _alert(number: int) -> dict:
    # {"kind": "contact_mql", "n": 1} plus a newline: 32 bytes a line.
    return {"kind": "contact_mql", "n": number}


def test_a_file_the_next_lines_would_overfill_is_renamed_first(tmp_path: Path):
    path = tmp_path / "alerts.jsonl"
    line = len(json.dumps(_alert(1)) + "\n")
    assert line == 32
    append_alerts(path, [_alert(1), _alert(2)], rotate_bytes=100)  # 64 bytes: fits
    append_alerts(path, [_alert(3)], rotate_bytes=100)  # 96: still fits
    assert rotated_alerts(path) == []
    append_alerts(path, [_alert(4)], rotate_bytes=100)  # 128 would not: renamed first
    [renamed] = rotated_alerts(path)
    assert renamed.name.startswith("alerts-") and renamed.suffix == ".jsonl"
    assert [a["n"] for a in read_alerts(renamed)] == [1, 2, 3]
    assert [a["n"] for a in read_alerts(path)] == [4]


def test_one_run_larger_than_the_limit_is_written_whole_into_a_new_file(tmp_path: Path):
    path = tmp_path / "alerts.jsonl"
    append_alerts(path, [_alert(n) for n in range(10)], rotate_bytes=100)
    assert rotated_alerts(path) == [] and len(read_alerts(path)) == 10
    append_alerts(path, [_alert(n) for n in range(10, 20)], rotate_bytes=100)
    assert [len(read_alerts(p)) for p in rotated_alerts(path)] == [10]
    assert [a["n"] for a in read_alerts(path)] == list(range(10, 20))


def test_only_the_newest_renamed_files_are_kept(tmp_path: Path):
    path = tmp_path / "alerts.jsonl"
    for number in range(5):  # each run overfills the 40-byte file: four renames
        append_alerts(path, [_alert(number), _alert(number)], rotate_bytes=40, keep=2)
    kept = rotated_alerts(path)
    assert [read_alerts(p)[0]["n"] for p in kept] == [2, 3]
    assert [a["n"] for a in read_alerts(path)] == [4, 4]


def test_without_a_limit_the_file_only_grows(tmp_path: Path):
    path = tmp_path / "alerts.jsonl"
    for number in range(3):
        append_alerts(path, [_alert(number)])
    assert rotated_alerts(path) == [] and len(read_alerts(path)) == 3
