"""The watcher reads an edited scoring.toml again, on both stores, without a restart."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from abmgraph.graph.store import GraphStore, open_store
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of
from abmgraph.watch import Watcher
from abmgraph.workspace import Workspace
from tests.conftest import AS_OF, GraphBuilder, score

NOW = parse_as_of(AS_OF)
EVENTS = "event_id,contact_id,type,occurred_at"
# A demo request on the scoring instant: not decayed, so it counts its full points.
DEMO = "2026-11-01T00:00:00Z"
ALERTS_ONLY = "[alerts]\nmin_points = 10\n"
# demo_request is worth 30 points (cap 40) by default; 35 here, still under the cap.
HEAVIER_DEMO = "[engagement.demo_request]\npoints = 35\ncap = 40\n"


def _fresh(store: GraphStore, tmp_path: Path) -> GraphStore:
    return open_store(store.backend, tmp_path / "ws", uri=os.environ.get("NEO4J_URI"))


def _edit(path: Path, text: str, mtime: int) -> None:
    """Write the config with a modification time of its own: each edit is seen as one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime, mtime))


def _drop(tmp_path: Path, name: str, *rows: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / name).write_text("\n".join([EVENTS, *rows]) + "\n", encoding="utf-8")


class Clock:
    """The scoring instant, moved on by the test between runs."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> pd.Timestamp:
        return self.now


def _watcher(store: GraphStore, tmp_path: Path, lines: list[str], **options) -> Watcher:
    """A watcher started as the command starts one: with the config the workspace holds."""
    workspace = Workspace(tmp_path / "ws")
    return Watcher(
        tmp_path / "inbox",
        lambda: _fresh(store, tmp_path),
        workspace,
        workspace.config(),
        report=lines.append,
        sleep=lambda seconds: None,
        clock=options.pop("clock", lambda: NOW),
        **options,
    )


@pytest.fixture
def watched(store: GraphStore, builder: GraphBuilder, tmp_path: Path) -> GraphStore:
    """Two accounts, A1 (C1, C2) and A2 (C3), scored at NOW with the workspace's config."""
    _edit(tmp_path / "ws" / "scoring.toml", ALERTS_ONLY, 1_000_000_000)
    builder.account("A1").contact("C1", "A1").contact("C2", "A1", seniority="vp")
    builder.account("A2").contact("C3", "A2")
    builder.load(store)
    score(store, Workspace(tmp_path / "ws").config())
    (tmp_path / "inbox").mkdir()
    return store


def _engagement(store: GraphStore, tmp_path: Path, contact_id: str) -> float:
    with _fresh(store, tmp_path) as after:
        contacts = after.scores("contacts").set_index("contact_id")
        return float(contacts.loc[contact_id, "engagement_score"])


def test_new_weights_make_the_next_rescore_full_and_score_with_them(
    watched: GraphStore, tmp_path: Path
):
    lines: list[str] = []
    watcher = _watcher(watched, tmp_path, lines)
    _edit(tmp_path / "ws" / "scoring.toml", ALERTS_ONLY + HEAVIER_DEMO, 2_000_000_000)
    _drop(tmp_path, "engagements-1.csv", f"E1,C1,demo_request,{DEMO}")

    summary = watcher.run(once=True)

    assert lines[0] == "scoring.toml changed: the next rescore is full (the scoring config changed)"
    # Full: both accounts, though the file touched A1 only.
    rescore = summary.rescores[0]
    assert (rescore.mode, rescore.reason, rescore.accounts_rescored) == (
        "full",
        "the scoring config changed",
        2,
    )
    assert lines[-1].startswith("rescore: full (the scoring config changed), 2 accounts rescored")
    assert _engagement(watched, tmp_path, "C1") == 35  # 35 points × decay 1, not 30
    assert watcher.config.engagement["demo_request"].points == 35

    # Nothing changed since: the next batch is incremental again, and nothing is said.
    _drop(tmp_path, "engagements-2.csv", f"E2,C3,demo_request,{DEMO}")
    again = watcher.run(once=True)
    assert [(r.mode, r.reason, r.accounts_rescored) for r in again.rescores] == [
        ("incremental", None, 1)
    ]
    assert not any(line.startswith("scoring.toml") for line in lines[1:])
    assert _engagement(watched, tmp_path, "C3") == 35


def test_an_alerts_and_watch_edit_keeps_rescores_incremental(watched: GraphStore, tmp_path: Path):
    lines: list[str] = []
    clock = Clock()
    watcher = _watcher(watched, tmp_path, lines, clock=clock)
    assert watcher.full_every == timedelta(days=1)
    edited = '[alerts]\nmin_points = 20\n\n[watch]\nfull_every = "12h"\n'
    _edit(tmp_path / "ws" / "scoring.toml", edited, 2_000_000_000)
    _drop(tmp_path, "engagements-1.csv", f"E1,C1,demo_request,{DEMO}")
    clock.now = NOW + pd.Timedelta(hours=1)

    summary = watcher.run(once=True)

    assert lines[0] == "scoring.toml changed: alerts/watch settings updated"
    assert [(r.mode, r.reason, r.accounts_rescored) for r in summary.rescores] == [
        ("incremental", None, 1)
    ]
    assert watcher.config.alerts.min_points == 20
    # The oldest score (A2's, taken at NOW) is 12 hours old at NOW + 12 h, not 24.
    assert watcher.full_every == timedelta(hours=12)
    clock.now = NOW + pd.Timedelta(hours=11, minutes=59)
    assert watcher.run(once=True).rescores == []
    clock.now = NOW + pd.Timedelta(hours=12)
    due = watcher.run(once=True).rescores
    assert [(r.mode, r.reason, r.accounts_rescored) for r in due] == [
        ("full", "full_every reached", 2)
    ]


def test_a_broken_edit_keeps_the_config_in_use_until_it_is_fixed(
    watched: GraphStore, tmp_path: Path
):
    config_path = tmp_path / "ws" / "scoring.toml"
    lines: list[str] = []
    watcher = _watcher(watched, tmp_path, lines)
    _edit(config_path, ALERTS_ONLY + "[engagement.demo_request]\npoints = 35\n", 2_000_000_000)
    _drop(tmp_path, "engagements-1.csv", f"E1,C1,demo_request,{DEMO}")

    summary = watcher.run(once=True)

    assert lines[0] == (
        "scoring.toml changed but is invalid; keeping the config in use: "
        f"{config_path} is invalid: engagement.demo_request.cap: Field required"
    )
    # Scored with the config it had: incremental, the default 30 points.
    assert [(r.mode, r.accounts_rescored) for r in summary.rescores] == [("incremental", 1)]
    assert _engagement(watched, tmp_path, "C1") == 30

    # Said once: polls that find the same file, or the same text saved again, say nothing.
    watcher.run(once=True)
    _edit(config_path, ALERTS_ONLY + "[engagement.demo_request]\npoints = 35\n", 3_000_000_000)
    watcher.run(once=True)
    assert len(lines) == 3  # the error, the file, the rescore

    _edit(config_path, ALERTS_ONLY + "[engagement.demo_request\n", 4_000_000_000)
    watcher.run(once=True)
    assert lines[-1] == (
        "scoring.toml changed but is invalid; keeping the config in use: "
        f"{config_path}: not valid TOML: Expected ']' at the end of a table declaration "
        "(at line 3, column 25)"
    )

    # Fixed: taken up, and the next rescore is full with the new points.
    _edit(config_path, ALERTS_ONLY + HEAVIER_DEMO, 5_000_000_000)
    _drop(tmp_path, "engagements-2.csv", f"E2,C3,demo_request,{DEMO}")
    fixed = watcher.run(once=True)
    assert lines[4] == "scoring.toml changed: the next rescore is full (the scoring config changed)"
    assert [(r.mode, r.accounts_rescored) for r in fixed.rescores] == [("full", 2)]
    assert (_engagement(watched, tmp_path, "C1"), _engagement(watched, tmp_path, "C3")) == (35, 35)


def test_a_removed_config_brings_back_the_defaults(watched: GraphStore, tmp_path: Path):
    config_path = tmp_path / "ws" / "scoring.toml"
    _edit(config_path, HEAVIER_DEMO + '[watch]\nfull_every = "2h"\n', 2_000_000_000)
    score(watched, Workspace(tmp_path / "ws").config())  # scores taken with the 35 points
    lines: list[str] = []
    watcher = _watcher(watched, tmp_path, lines)
    assert watcher.full_every == timedelta(hours=2)
    config_path.unlink()
    _drop(tmp_path, "engagements-1.csv", f"E1,C1,demo_request,{DEMO}")

    summary = watcher.run(once=True)

    assert lines[0] == (
        "scoring.toml removed, back to the defaults: the next rescore is full "
        "(the scoring config changed); watch settings updated"
    )
    assert watcher.config == ScoringConfig() and watcher.full_every == timedelta(days=1)
    assert [(r.mode, r.accounts_rescored) for r in summary.rescores] == [("full", 2)]
    assert _engagement(watched, tmp_path, "C1") == 30
    # A config that comes back is read like any edit; a comment alone changes nothing.
    _edit(config_path, "# the defaults, on purpose\n", 3_000_000_000)
    watcher.run(once=True)
    assert lines[-1] == "scoring.toml changed: no setting changed"


def test_weights_set_back_before_any_rescore_stay_incremental(watched: GraphStore, tmp_path: Path):
    config_path = tmp_path / "ws" / "scoring.toml"
    lines: list[str] = []
    watcher = _watcher(watched, tmp_path, lines)
    _edit(config_path, ALERTS_ONLY + HEAVIER_DEMO, 2_000_000_000)
    watcher.run(once=True)  # no file: no rescore
    _edit(config_path, ALERTS_ONLY, 3_000_000_000)
    _drop(tmp_path, "engagements-1.csv", f"E1,C1,demo_request,{DEMO}")

    summary = watcher.run(once=True)

    assert lines[:2] == [
        "scoring.toml changed: the next rescore is full (the scoring config changed)",
        "scoring.toml changed: the scoring config is the stored scores' again (no full rescore)",
    ]
    assert [(r.mode, r.accounts_rescored) for r in summary.rescores] == [("incremental", 1)]
    assert _engagement(watched, tmp_path, "C1") == 30


def test_the_command_lines_full_every_and_webhook_keep_overriding_the_file(
    watched: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from abmgraph.alerts import after_score

    posted: list[str] = []
    monkeypatch.setattr(
        "abmgraph.alerts.run.post_alerts", lambda url, payload, key=None: posted.append(url)
    )
    config = Workspace(tmp_path / "ws").config()
    after_score(tmp_path / "ws", watched, score(watched, config), config)  # a run to alert on
    lines: list[str] = []
    watcher = _watcher(
        watched,
        tmp_path,
        lines,
        full_every=timedelta(hours=1),
        webhook="https://hooks.example.com/flag",
    )
    edited = '[alerts]\nwebhook = "https://hooks.example.com/file"\n\n[watch]\nfull_every = "12h"\n'
    _edit(tmp_path / "ws" / "scoring.toml", edited, 2_000_000_000)
    _drop(
        tmp_path,
        "engagements-1.csv",
        f"W1,C2,demo_request,{DEMO}",
        f"W2,C2,pricing_page_view,{DEMO}",
        f"W3,C2,meeting_held,{DEMO}",
    )

    summary = watcher.run(once=True)

    assert lines[0] == (
        "scoring.toml changed: alerts/watch settings updated; --full-every 1h still applies; "
        "--webhook still applies"
    )
    assert watcher.full_every == timedelta(hours=1)
    assert watcher.config.alerts.webhook == "https://hooks.example.com/file"
    assert summary.rescores[0].alerts > 0 and posted == ["https://hooks.example.com/flag"]


def test_without_flags_the_files_webhook_takes_the_alerts(
    watched: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from abmgraph.alerts import after_score

    posted: list[str] = []
    monkeypatch.setattr(
        "abmgraph.alerts.run.post_alerts", lambda url, payload, key=None: posted.append(url)
    )
    config = Workspace(tmp_path / "ws").config()
    after_score(tmp_path / "ws", watched, score(watched, config), config)
    lines: list[str] = []
    watcher = _watcher(watched, tmp_path, lines)
    _edit(
        tmp_path / "ws" / "scoring.toml",
        '[alerts]\nwebhook = "https://hooks.example.com/file"\n',
        2_000_000_000,
    )
    _drop(tmp_path, "engagements-1.csv", f"W1,C2,demo_request,{DEMO}", f"W3,C2,meeting_held,{DEMO}")

    summary = watcher.run(once=True)

    assert lines[0] == "scoring.toml changed: alerts settings updated"
    assert summary.rescores[0].alerts > 0 and posted == ["https://hooks.example.com/file"]


def test_a_config_that_cannot_be_read_or_decoded_is_reported_not_raised(tmp_path: Path):
    from abmgraph.watch.config_file import ConfigFile

    path = tmp_path / "scoring.toml"
    _edit(path, ALERTS_ONLY, 1_000_000_000)
    watched = ConfigFile(path, Workspace(tmp_path).config())
    # "[alerts]\n" is bytes 0-8, "min_points = 1" 9-22: the bad byte is the 24th.
    path.write_bytes(b"[alerts]\nmin_points = 1\xff\n")
    assert watched.check() == (
        "scoring.toml changed but is invalid; keeping the config in use: "
        f"{path}: not valid TOML: 'utf-8' codec can't decode byte 0xff in position 23: "
        "invalid start byte"
    )
    path.unlink()
    path.mkdir()  # a folder where the file was: the stat works, the read does not
    line = watched.check()
    assert line is not None and line.startswith(
        "scoring.toml changed but cannot be read; keeping the config in use: [Errno 21] "
    )
    assert watched.config.alerts.min_points == 10 and watched.check() is None


def test_the_running_command_takes_up_an_edit_and_keeps_its_flags(tmp_path: Path):
    import queue
    import signal
    import subprocess
    import sys
    import threading

    config_path = tmp_path / "ws" / "scoring.toml"
    _edit(config_path, ALERTS_ONLY, 1_000_000_000)
    (tmp_path / "inbox").mkdir()
    command = [sys.executable, "-m", "abmgraph", "--workspace", str(tmp_path / "ws"), "watch"]
    child = subprocess.Popen(
        [*command, str(tmp_path / "inbox"), "--poll", "0.1", "--full-every", "1h"],
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(x.rstrip("\n")) for x in child.stderr], daemon=True
    ).start()
    try:
        assert lines.get(timeout=60).startswith("Watching ")
        _edit(config_path, ALERTS_ONLY + HEAVIER_DEMO, 2_000_000_000)
        assert lines.get(timeout=30) == (
            "scoring.toml changed: the next rescore is full (the scoring config changed)"
        )
        _edit(config_path, ALERTS_ONLY + HEAVIER_DEMO + "[watch]\nfull_every = 5\n", 3_000_000_000)
        assert lines.get(timeout=30) == (
            "scoring.toml changed but is invalid; keeping the config in use: "
            f"{config_path} is invalid: watch.full_every: Input should be a valid string"
        )
        _edit(config_path, ALERTS_ONLY + '[watch]\nfull_every = "12h"\n', 4_000_000_000)
        assert lines.get(timeout=30) == (
            "scoring.toml changed: the next rescore is full (the scoring config changed); "
            "watch settings updated; --full-every 1h still applies"
        )
    finally:
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=60) == 0
