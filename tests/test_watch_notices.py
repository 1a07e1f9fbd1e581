"""The watcher takes a file at once when the system says it is complete (Linux inotify).

The poll here is a minute: without the notice, a file would wait two minutes
for its two looks, so a file taken within the tests' guard timeouts was taken
on its notice. The guard timeouts only stop a broken run; nothing is timed.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from abmgraph.graph.store import open_store
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of
from abmgraph.watch import Watcher
from abmgraph.watch.notices import Notices
from abmgraph.workspace import Workspace
from tests.conftest import AS_OF, GraphBuilder, score

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="inotify notices exist on Linux only"
)
MINUTE = 60.0
GUARD = 30.0  # seconds a test waits for something before it fails
NOW = parse_as_of(AS_OF)
EVENTS = "event_id,contact_id,type,occurred_at\n{id},C1,demo_request,2026-10-30\n"


@pytest.fixture
def running(tmp_path: Path, builder: GraphBuilder):
    """A watcher with a one-minute poll and notices on, running on a thread."""
    builder.account("A1").contact("C1", "A1")
    with open_store("embedded", tmp_path / "ws") as store:
        builder.load(store)
        score(store)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    lines: list[str] = []
    watcher = Watcher(
        inbox,
        lambda: open_store("embedded", tmp_path / "ws"),
        Workspace(tmp_path / "ws"),
        ScoringConfig(),
        poll=MINUTE,
        report=lines.append,
        notify=True,
        clock=lambda: NOW,
    )
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    time.sleep(0.5)  # the observer is watching before the first file lands
    yield inbox, lines
    watcher.request_stop()
    thread.join(timeout=GUARD)
    assert not thread.is_alive()


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + GUARD
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {GUARD:g} s: {what}")
        time.sleep(0.05)


def test_a_file_renamed_into_the_folder_is_taken_at_once(running):
    inbox, lines = running
    hidden = inbox / ".engagements-1.csv"
    hidden.write_text(EVENTS.format(id="N1"), encoding="utf-8")
    os.replace(hidden, inbox / "engagements-1.csv")
    _until(lambda: (inbox / "done" / "engagements-1.csv").exists(), "the file was filed")
    assert lines[0].startswith("engagements-1.csv: engagements, loaded 1, rejected 0 in ")
    assert lines[1].startswith("rescore: incremental, 1 account rescored")


def test_a_file_still_open_waits_while_a_closed_one_is_taken(running):
    inbox, lines = running
    with (inbox / "engagements-open.csv").open("w", encoding="utf-8") as writing:
        writing.write("event_id,contact_id,type,occurred_at\n")
        writing.flush()
        # Written and closed: its notice takes it; the open one has had no notice.
        (inbox / "engagements-closed.csv").write_text(EVENTS.format(id="N2"), encoding="utf-8")
        _until(lambda: (inbox / "done" / "engagements-closed.csv").exists(), "closed filed")
        assert (inbox / "engagements-open.csv").exists()
        writing.write("N3,C1,demo_request,2026-10-31\n")
    # Closed now: taken whole, both rows of it.
    _until(lambda: (inbox / "done" / "engagements-open.csv").exists(), "the open one filed")
    assert [line.split(" in ")[0] for line in lines if "loaded" in line] == [
        "engagements-closed.csv: engagements, loaded 1, rejected 0",
        "engagements-open.csv: engagements, loaded 1, rejected 0",
    ]


def test_notices_of_dotfiles_and_temporary_names_are_ignored():
    wake = threading.Event()
    notices = Notices(wake)
    notices.announce(".engagements-1.csv")
    notices.announce("engagements-1.csv.part")
    assert not wake.is_set() and notices.take() == set()
    notices.announce("engagements-1.csv")
    assert wake.is_set()
    assert notices.take() == {"engagements-1.csv"}
    assert notices.take() == set()
