"""``abmgraph changes``: who moved between two runs, against hand-worked runs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from abmgraph.alerts.changes import CHANGE_KEYS, changes
from abmgraph.alerts.diff import contribution_moves
from abmgraph.cli.app import cli
from abmgraph.errors import NotFoundError, StoreError
from abmgraph.graph.store import GraphStore
from abmgraph.history import run_table
from abmgraph.scoring.config import ScoringConfig
from tests.conftest import GraphBuilder
from tests.test_history import run, two_runs


def test_two_runs_list_exactly_who_moved(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    first, second = two_runs(ws, store, builder, tmp_path)
    # Points moves of any size are left out here (they depend on the committee's
    # saturation curves); what is left is worked out in two_runs' docstring.
    found = changes(ws, min_points=100)
    assert (found.baseline, found.latest) == (first.run_id, second.run_id)
    assert found.summary_line() == (
        f"1 account and 2 contacts moved from run {first.run_id} (as of 2026-10-31 00:00) "
        f"to run {second.run_id} (as of 2026-11-01 00:00)."
    )
    assert [list(r) for r in found.rows] == [CHANGE_KEYS] * 3
    a2, c1, c3 = found.rows
    priority = float(
        run_table(ws, second.run_id, "accounts").set_index("account_id").loc["A2", "priority"]
    )
    assert {k: v for k, v in a2.items() if k != "movers"} == {
        "level": "account", "account_id": "A2", "contact_id": None, "name": "Account A2",
        "what": ["tier_up", "stage", "new_department", "new_required_role"],
        "before": 0.0, "after": priority, "delta": priority,
        "tier_before": 3, "tier_after": 1, "stage_before": "target", "stage_after": "decision",
        "departments_gained": ["it"], "roles_gained": ["decision_maker"],
    }  # fmt: skip
    # Contacts by their score now: C1 (85, an SQL), then C3 (65, an MQL).
    assert c1 == {
        "level": "contact", "account_id": "A1", "contact_id": "C1", "name": "Account A1",
        "what": ["sql"], "before": 65.0, "after": 85.0, "delta": 20.0,
        "tier_before": None, "tier_after": None, "stage_before": "mql", "stage_after": "sql",
        "departments_gained": [], "roles_gained": [], "movers": [],
    }  # fmt: skip
    assert (c3["contact_id"], c3["what"], c3["before"], c3["after"], c3["delta"]) == (
        "C3",
        ["mql"],
        25.0,
        65.0,
        40.0,
    )
    # With every move listed, A1 (still tier 1, C1's meetings added) joins on points alone.
    rows = changes(ws, min_points=0.01).rows
    assert [(r["account_id"], r["what"]) for r in rows if r["level"] == "account"][1:] == [
        ("A1", ["points"])
    ]


def test_since_a_run_or_a_date_and_the_errors(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    with pytest.raises(StoreError, match=r"^No score history yet: run 'abmgraph score'"):
        changes(ws)
    builder.account("A1").contact("C1", "A1").load(store)
    run(ws, store, "2026-10-01")
    with pytest.raises(StoreError, match=r"^Only one score run is recorded: score again"):
        changes(ws)
    first = run(ws, store, "2026-10-01").run_id
    latest = run(ws, store, "2026-11-01").run_id
    assert changes(ws, since=first).baseline == first
    assert changes(ws, since="2026-10-15").baseline == first  # the last as of that day or before
    assert changes(ws, since=latest).rows == []  # the latest against itself: nothing moved
    assert not changes(ws).config_changed
    # A run with another config (the defaults, not the test's): the summary says so.
    newest = run(ws, store, "2026-11-01", ScoringConfig())
    found = changes(ws)
    assert (found.baseline, found.latest, found.config_changed) == (latest, newest.run_id, True)
    assert found.summary_line().endswith("The scoring config changed between them.")
    with pytest.raises(NotFoundError, match="is neither a run id nor a date"):
        changes(ws, since="nope")


def test_contribution_moves_rank_by_size() -> None:
    before = pd.DataFrame(
        {"account_id": ["A1", "A2"], "fit.x": [10.0, 5.0], "committee.y": [1.0, 0.0]}
    )
    after = pd.DataFrame(
        {
            "account_id": ["A1", "A2", "A3"],
            "fit.x": [4.0, 5.0, 2.0],
            "committee.y": [9.0, 0.0, 0.0],
            "committee.z": [0.5, 0.0, 0.0],  # a component the earlier run did not have
        }
    )
    moves = contribution_moves(before, after, top=2)
    assert moves.to_dict() == {
        "A1": [
            {"name": "committee.y", "before": 1.0, "after": 9.0, "delta": 8.0},
            {"name": "fit.x", "before": 10.0, "after": 4.0, "delta": -6.0},
        ],
        "A2": [],
        "A3": [{"name": "fit.x", "before": 0.0, "after": 2.0, "delta": 2.0}],
    }


# -- the command ---------------------------------------------------------------------------
def _cli(ws: Path, *args: str):
    return CliRunner().invoke(cli, ["--workspace", str(ws), "changes", *args])


def test_changes_command_formats_and_errors(builder: GraphBuilder, tmp_path: Path) -> None:
    from abmgraph.graph.store import open_store

    ws = tmp_path / "ws"
    result = _cli(ws)
    assert result.exit_code == 1
    assert result.output == (
        "Error: No score history yet: run 'abmgraph score' (twice to compare).\n"
    )
    with open_store("embedded", ws) as store:
        first, second = two_runs(ws, store, builder, tmp_path)
    as_json = _cli(ws, "--format", "json", "--min-points", "100")
    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)
    assert [(r["level"], r["account_id"], r["contact_id"]) for r in rows] == [
        ("account", "A2", None),
        ("contact", "A1", "C1"),
        ("contact", "A2", "C3"),
    ]
    assert f"to run {second.run_id}" in as_json.stderr
    as_csv = _cli(ws, "--format", "csv", "--since", first.run_id[:-1], "--min-points", "100")
    assert as_csv.exit_code == 0, as_csv.output
    lines = as_csv.stdout.splitlines()
    assert lines[0] == ",".join([*CHANGE_KEYS, "sales"])  # what sales did, beside each row
    assert lines[2].startswith("contact,A1,C1,Account A1,sql,65.0,85.0,20.0,,,mql,sql,,,")
    table = _cli(ws, "--limit", "1")
    assert table.exit_code == 0 and "A2" in table.stdout and "C3" not in table.stdout
    unknown = _cli(ws, "--since", "29991231T")
    assert unknown.exit_code == 1
    assert unknown.output.startswith("Error: --since '29991231T' is neither a run id nor a date")


def test_the_table_folds_gains_into_what_and_the_move_into_one_cell():
    from abmgraph.cli.changes import _table_row

    row = {
        "what": ["tier_up", "stage", "new_department", "new_required_role", "points"],
        "departments_gained": ["engineering"],
        "roles_gained": ["decision_maker"],
        "before": 47.6,
        "after": 72.8,
        "tier_before": 2,
        "tier_after": 1,
        "stage_before": "consideration",
        "stage_after": "decision",
        "movers": [{"name": "committee.volume", "delta": 7.21}],
    }
    shown = _table_row(row)
    assert shown["what"] == ["tier up", "stage", "points", "+engineering", "+decision_maker"]
    assert (shown["move"], shown["tier"], shown["moved"]) == (
        "47.6 → 72.8",
        "2 → 1",
        "consideration → decision",
    )
    assert shown["top_movers"] == "volume +7.21"
    new = _table_row({**row, "before": None, "tier_before": None, "what": ["tier_up"]})
    assert (new["move"], new["tier"]) == ("- → 72.8", "- → 1")
