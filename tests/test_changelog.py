"""The embedded change log: numbered entries of touched ids, never renumbered."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abmgraph.graph.changelog import Changes, EmbeddedChangeLog


def _changes(accounts: list[str], contacts: list[str]) -> Changes:
    return Changes(
        accounts=pd.Series(accounts, dtype="str"), contacts=pd.Series(contacts, dtype="str")
    )


def test_entries_are_numbered_read_after_a_number_and_forgotten(tmp_path: Path) -> None:
    log = EmbeddedChangeLog(tmp_path / "changes")
    assert (log.last(), log.since(0).empty) == (0, True)
    log.append(_changes(["A1"], []))
    log.append(_changes(["A2", "A1"], ["C9"]))
    log.append(Changes())  # nothing touched: no entry
    assert log.last() == 2
    after_none = log.since(0)
    assert (after_none.seq, sorted(after_none.accounts), list(after_none.contacts)) == (
        2,
        ["A1", "A2"],
        ["C9"],
    )
    assert list(log.since(1).accounts) == ["A2", "A1"]
    log.forget(2)
    assert (log.last(), log.since(0).empty) == (2, True)
    # Numbers go on from the last one consumed, even with every entry gone.
    log.append(_changes([], ["C1"]))
    assert log.last() == 3
    assert list(log.since(2).contacts) == ["C1"]
    assert log.since(3).empty
