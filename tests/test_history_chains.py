"""Score history chains: a full snapshot, patches on it, pruning and reading them back."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.feather as feather
import pytest

from abmgraph import history
from abmgraph.alerts.changes import changes
from abmgraph.errors import NotFoundError
from abmgraph.graph.store import GraphStore
from abmgraph.history import chains
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store
from tests.conftest import AS_OF, GraphBuilder
from tests.test_history import CONFIG, DAY_BEFORE, _people, run


@pytest.fixture(autouse=True)
def patches_of_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """These stores have two accounts: any patch holds half of them or all."""
    from abmgraph.history import index

    monkeypatch.setattr(index, "LARGEST_PATCH", 1.0)


def _more(store: GraphStore, folder: Path, first_event: int, *events: tuple[str, str]) -> None:
    """Load events (contact, type) at AS_OF; event ids from ``first_event`` (never re-sent)."""
    more = GraphBuilder(folder)
    more._events = first_event
    for contact, kind in events:
        more.event(contact, kind, 0)
    more.load(store)


def chain_runs(
    ws: Path, store: GraphStore, builder: GraphBuilder, config: ScoringConfig = CONFIG
) -> list:
    """Run 1 (full) the day before AS_OF; runs 2, 3 and 4 at AS_OF after new events.

    Fit is 25 for every contact (see ``_people``). Run 1: C1's two demo requests
    make it 65, an MQL; C2 and C3 25. Run 2 rescores A2: C3's two demo requests
    make it 65, an MQL. Run 3 rescores A1: C1's two meetings add min(2 × 25, 40)
    to its 40 demo points, capped at 60: 85, an SQL. Run 4 rescores A2: C3's
    meeting adds 25 to its 40, capped at 60: 85, an SQL.
    """
    _people(builder).event("C1", "demo_request", 1).event("C1", "demo_request", 1)
    builder.load(store)
    runs = [run(ws, store, DAY_BEFORE, config)]
    for number, events in enumerate(
        [
            [("C3", "demo_request"), ("C3", "demo_request")],
            [("C1", "meeting_held"), ("C1", "meeting_held")],
            [("C3", "meeting_held")],
        ]
    ):
        _more(store, ws / f"more{number}", 10 * (number + 1), *events)
        runs.append(run(ws, store, AS_OF, config))
    return runs


def _about(ws: Path, run_id: str) -> dict:
    return json.loads((ws / "history" / "runs" / run_id / "run.json").read_text())


def _ids(ws: Path, run_id: str, level: str) -> list[str]:
    table = feather.read_table(ws / "history" / "runs" / run_id / f"{level}.arrow")
    return sorted(table.column(chains.KEY[level]).to_pylist())


def _scores(ws: Path, run_id: str) -> dict[str, tuple[float, str]]:
    table = history.run_table(ws, run_id, "contacts").set_index("contact_id")
    return {c: (row["score"], row["stage"]) for c, row in table.iterrows()}


def _folders(ws: Path) -> list[str]:
    return sorted(p.name for p in (ws / "history" / "runs").iterdir())


def test_a_full_snapshot_then_two_patches_read_back_as_worked_out(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    first, second, third, fourth = chain_runs(ws, store, builder)
    table = history.runs(ws)
    assert table["mode"].tolist() == ["full", "incremental", "incremental", "incremental"]
    assert table["accounts_rescored"].tolist() == [2, 1, 1, 1]

    # Run 1, a full run, keeps its snapshot in Parquet. Run 2 writes every row again, in
    # Arrow; runs 3 and 4 patch it, each with every row rescored since: run 3's A1 (C1,
    # C2), run 4's A2 (C3) and run 3's rows again.
    files = sorted(p.name for p in (ws / "history" / "runs" / first.run_id).iterdir())
    assert files == ["accounts.parquet", "contacts.parquet", "run.json"]
    assert [(_about(ws, r.run_id)["base"], _about(ws, r.run_id)["patches"]) for r in (
        first, second, third, fourth
    )] == [(None, 0), (None, 0), (second.run_id, 1), (second.run_id, 2)]  # fmt: skip
    assert _ids(ws, second.run_id, "contacts") == ["C1", "C2", "C3"]
    assert _ids(ws, third.run_id, "accounts") == ["A1"]
    assert _ids(ws, third.run_id, "contacts") == ["C1", "C2"]
    assert _ids(ws, fourth.run_id, "accounts") == ["A1", "A2"]
    assert _ids(ws, fourth.run_id, "contacts") == ["C1", "C2", "C3"]

    # Read back whole, each run is the full table of its time.
    assert _scores(ws, first.run_id) == {
        "C1": (65.0, "mql"), "C2": (25.0, "lead"), "C3": (25.0, "lead")
    }  # fmt: skip
    assert _scores(ws, second.run_id) == {
        "C1": (65.0, "mql"), "C2": (25.0, "lead"), "C3": (65.0, "mql")
    }  # fmt: skip
    assert _scores(ws, third.run_id) == {
        "C1": (85.0, "sql"), "C2": (25.0, "lead"), "C3": (65.0, "mql")
    }  # fmt: skip
    assert _scores(ws, fourth.run_id) == {
        "C1": (85.0, "sql"), "C2": (25.0, "lead"), "C3": (85.0, "sql")
    }  # fmt: skip
    accounts = history.run_table(ws, fourth.run_id, "accounts")
    assert accounts["account_id"].tolist() == ["A1", "A2"]
    assert accounts["tier"].tolist() == [1, 1]
    assert accounts["departments"].tolist() == ["it", "it"]
    # Same columns and dtypes as the full run's snapshot.
    full = history.run_table(ws, first.run_id, "accounts")
    assert accounts.dtypes.to_dict() == full.dtypes.to_dict()

    # Run 3's alerts: only C1 moved (A1 was tier 1, in decision and surging already).
    assert [(a["kind"], a["contact_id"]) for a in third.alerts] == [("contact_sql", "C1")]
    assert (second.alerts[0]["kind"], second.alerts[0]["account_id"]) == ("account_tier_up", "A2")
    assert [a["contact_id"] for a in fourth.alerts if a["kind"] == "contact_sql"] == ["C3"]
    got = history.handovers(ws)
    keys = got["contact_id"].fillna(got["account_id"])
    assert list(zip(got["kind"], keys, got["run_id"], strict=True)) == [
        ("mql", "C1", first.run_id),
        ("tier1", "A1", first.run_id),
        ("mql", "C3", second.run_id),
        ("tier1", "A2", second.run_id),
        ("sql", "C1", third.run_id),
        ("sql", "C3", fourth.run_id),
    ]


def test_changes_since_the_middle_run_of_a_chain(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    first, _, third, fourth = chain_runs(ws, store, builder)
    # Run 3 → run 4 (two patches on one base): C3 65 → 85 became an SQL.
    found = changes(ws, since=third.run_id, min_points=100)
    assert (found.baseline, found.latest) == (third.run_id, fourth.run_id)
    rows = [(r["level"], r["contact_id"], r["what"], r["before"], r["after"]) for r in found.rows]
    assert rows == [("contact", "C3", ["sql"], 65.0, 85.0)]
    # Run 1 → run 4: A2 gained tier, stage, IT and its decision maker; C1 and C3 became
    # SQLs (85 each; C1 first by id), C3 straight from a lead.
    found = changes(ws, since=first.run_id, min_points=100)
    assert [(r["level"], r["account_id"], r["contact_id"], r["what"]) for r in found.rows] == [
        ("account", "A2", None, ["tier_up", "stage", "new_department", "new_required_role"]),
        ("contact", "A1", "C1", ["sql"]),
        ("contact", "A2", "C3", ["sql"]),
    ]


def test_pruning_keeps_the_base_of_every_kept_run(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    config = CONFIG.model_copy(
        update={"history": CONFIG.history.model_copy(update={"keep_runs": 2})}
    )
    first, second, third, fourth = chain_runs(ws, store, builder, config)
    # Runs 1 and 2 left the index, but runs 3 and 4 patch run 2: its folder stays.
    assert history.runs(ws)["run_id"].tolist() == [third.run_id, fourth.run_id]
    assert _folders(ws) == sorted(r.run_id for r in (second, third, fourth))
    with pytest.raises(NotFoundError, match="No score run"):
        history.run_table(ws, second.run_id, "contacts")
    assert _scores(ws, third.run_id)["C1"] == (85.0, "sql")
    # Run 5 (full) is a snapshot of its own; run 4, still kept, reads run 2; run 3 goes.
    fifth = run(ws, store, AS_OF, config, full=True)
    assert _about(ws, fifth.run_id)["base"] is None
    assert _folders(ws) == sorted(r.run_id for r in (second, fourth, fifth))
    assert _scores(ws, fourth.run_id)["C3"] == (85.0, "sql")
    # Run 6 rescores nothing; nothing kept reads run 2 or 4 any more.
    sixth = run(ws, store, AS_OF, config)
    assert _folders(ws) == sorted(r.run_id for r in (fifth, sixth))
    pd.testing.assert_frame_equal(
        history.run_table(ws, sixth.run_id, "contacts"),
        history.run_table(ws, fifth.run_id, "contacts"),
    )
    assert first.run_id not in _folders(ws)


def test_a_long_chain_starts_again_from_a_full_snapshot(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from abmgraph.history import index

    monkeypatch.setattr(index, "LONGEST_CHAIN", 1)
    ws = tmp_path / "ws"
    _, second, third, fourth = chain_runs(ws, store, builder)
    # Run 3 is the one patch run 2 may take; run 4 writes every row again.
    assert _about(ws, third.run_id)["base"] == second.run_id
    assert (_about(ws, fourth.run_id)["base"], _about(ws, fourth.run_id)["patches"]) == (
        None,
        0,
    )
    assert _ids(ws, fourth.run_id, "contacts") == ["C1", "C2", "C3"]
    _more(store, ws / "more4", 40, ("C2", "demo_request"))
    fifth = run(ws, store, AS_OF)
    assert _about(ws, fifth.run_id)["base"] == fourth.run_id
    assert _ids(ws, fifth.run_id, "contacts") == ["C1", "C2"]  # A1's contacts
    # C2's one demo request: 25 + 30 = 55, an MQL.
    assert _scores(ws, fifth.run_id) == {
        "C1": (85.0, "sql"), "C2": (55.0, "mql"), "C3": (85.0, "sql")
    }  # fmt: skip


def test_a_patch_holding_too_many_accounts_is_written_whole(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from abmgraph.history import index

    monkeypatch.setattr(index, "LARGEST_PATCH", 0.5)
    ws = tmp_path / "ws"
    _, second, third, fourth = chain_runs(ws, store, builder)
    # Run 3's patch holds A1, half the accounts: a patch. Run 4's would hold both.
    assert _about(ws, third.run_id)["base"] == second.run_id
    assert _about(ws, fourth.run_id)["base"] is None
    assert _ids(ws, fourth.run_id, "accounts") == ["A1", "A2"]
    assert _scores(ws, fourth.run_id)["C3"] == (85.0, "sql")


def test_a_run_scored_unrecorded_makes_the_next_record_a_full_snapshot(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    _people(builder).event("C1", "demo_request", 1).event("C1", "demo_request", 1)
    builder.load(store)
    first = run(ws, store, DAY_BEFORE)
    _more(store, ws / "more2", 10, ("C3", "demo_request"), ("C3", "demo_request"))
    score_store(store, CONFIG, parse_as_of(AS_OF))  # rescores A2, never recorded
    _more(store, ws / "more3", 20, ("C1", "meeting_held"), ("C1", "meeting_held"))
    latest = run(ws, store, AS_OF)  # rescores A1 only
    # A2's stored scores are not run 1's: the digest says so, and the run is recorded whole.
    assert history.runs(ws)["mode"].tolist() == ["full", "incremental"]
    assert _about(ws, latest.run_id)["base"] is None
    assert _scores(ws, latest.run_id) == {
        "C1": (85.0, "sql"), "C2": (25.0, "lead"), "C3": (65.0, "mql")
    }  # fmt: skip
    # Compared in full with run 1: C3's MQL, scored unrecorded, is alerted now.
    kinds = [(a["kind"], a["contact_id"]) for a in latest.alerts if a["contact_id"]]
    assert kinds == [("contact_mql", "C3"), ("contact_sql", "C1")]
    assert first.run_id in history.runs(ws)["run_id"].tolist()


def test_a_snapshot_recorded_before_patches_is_read_and_patched(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    _people(builder).event("C1", "demo_request", 1).event("C1", "demo_request", 1)
    builder.load(store)
    first = run(ws, store, DAY_BEFORE)
    # An older workspace's run folder: the two Parquet tables and nothing else.
    (ws / "history" / "runs" / first.run_id / "run.json").unlink()
    _more(store, ws / "more2", 10, ("C3", "demo_request"), ("C3", "demo_request"))
    second = run(ws, store, AS_OF)
    assert _about(ws, second.run_id)["base"] is None
    assert _scores(ws, second.run_id) == {
        "C1": (65.0, "mql"), "C2": (25.0, "lead"), "C3": (65.0, "mql")
    }  # fmt: skip
    assert [a["contact_id"] for a in second.alerts if a["contact_id"]] == ["C3"]
    _more(store, ws / "more3", 20, ("C1", "meeting_held"), ("C1", "meeting_held"))
    third = run(ws, store, AS_OF)
    assert _about(ws, third.run_id)["base"] == second.run_id
    assert _scores(ws, third.run_id)["C1"] == (85.0, "sql")


def test_a_filtered_read_takes_the_newest_row_of_a_contact_that_moved(tmp_path: Path) -> None:
    """C1 was at A1 in the base and at A2 in the patch: it is no longer one of A1's rows."""
    folder = tmp_path / "runs"
    base = pd.DataFrame(
        {
            "contact_id": ["C1", "C2"],
            "account_id": ["A1", "A1"],
            "score": [10.0, 20.0],
            "stage": ["lead", "lead"],
            "engaged": [False, False],
        }
    )
    patch = base.iloc[[0]].assign(account_id="A2", score=30.0)
    digest = (0, 0)
    chains.write_run(folder / "R1", base, base, base=None, compact=True, stored=digest)
    chains.write_run(
        folder / "R2", patch, patch, base="R1", compact=False, stored=digest, patches=1
    )
    lineage = chains.chain(folder, "R2")
    assert lineage == ["R2", "R1"]
    a1 = chains.read_level(folder, lineage, "contacts", {"account_id": pd.Series(["A1"])})
    assert a1["contact_id"].tolist() == ["C2"]
    c1 = chains.read_level(folder, lineage, "contacts", {"contact_id": pd.Series(["C1"])})
    assert c1[["account_id", "score"]].values.tolist() == [["A2", 30.0]]
    whole = chains.read_level(folder, lineage, "contacts")
    assert whole[["contact_id", "account_id", "score"]].values.tolist() == [
        ["C1", "A2", 30.0],
        ["C2", "A1", 20.0],
    ]
