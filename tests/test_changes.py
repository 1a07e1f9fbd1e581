"""``abmgraph changes``: who moved between two runs, against hand-worked runs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from abmgraph.alerts.changes import CHANGE_KEYS, add_contact_names, changes
from abmgraph.alerts.diff import contribution_moves
from abmgraph.cli.app import cli
from abmgraph.errors import NotFoundError, StoreError
from abmgraph.graph.store import GraphStore
from abmgraph.history import run_table
from abmgraph.scoring.config import ScoringConfig
from tests.conftest import AS_OF, GraphBuilder
from tests.test_history import DAY_BEFORE, run, two_runs


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
    # What sales did and the contact's name, beside each row.
    assert lines[0] == ",".join([*CHANGE_KEYS, "sales", "contact_name"])
    assert lines[2].startswith("contact,A1,C1,Account A1,sql,65.0,85.0,20.0,,,mql,sql,,,")
    table = _cli(ws, "--limit", "1")
    assert table.exit_code == 0 and "Account A2" in table.stdout and "C3" not in table.stdout
    assert table.stdout.startswith("account ")  # no contact moved among the rows shown
    # JSON adds each contact's name (none is stored here): every other key as before.
    assert [(r["contact_id"], r["contact_name"]) for r in rows] == [
        (None, None),
        ("C1", None),
        ("C3", None),
    ]
    assert [list(r) for r in rows] == [[*CHANGE_KEYS, "sales", "contact_name"]] * 3
    unknown = _cli(ws, "--since", "29991231T")
    assert unknown.exit_code == 1
    assert unknown.output.startswith("Error: --since '29991231T' is neither a run id nor a date")


def _render(rows: list[dict], width: int, monkeypatch: pytest.MonkeyPatch, capsys) -> str:
    """The two tables as printed to a pipe ``width`` columns wide, without trailing blanks."""
    from abmgraph.cli import output
    from abmgraph.cli.changes import _render_tables

    monkeypatch.setattr(output, "PIPE_WIDTH", width)
    _render_tables(rows)
    return "\n".join(line.rstrip() for line in capsys.readouterr().out.splitlines())


def _hand_rows() -> list[dict]:
    """Two accounts named Acme, one with no name, and two contacts of the first Acme."""
    account = {
        "level": "account", "contact_id": None, "contact_name": None, "what": [], "delta": None,
        "departments_gained": [], "roles_gained": [], "movers": [], "sales": None,
    }  # fmt: skip
    contact = {**account, "level": "contact", "account_id": "A1", "name": "Acme"}
    contact |= {"tier_before": None, "tier_after": None}
    return [
        {
            **account, "account_id": "A1", "name": "Acme", "before": 47.6, "after": 72.8,
            "tier_before": 2, "tier_after": 1,
            "stage_before": "consideration", "stage_after": "decision",
            "departments_gained": ["engineering"], "roles_gained": ["decision_maker"],
            "movers": [
                {"name": "committee.volume", "delta": 15.46},
                {"name": "fit.industry", "delta": 10.0},
                {"name": "graph.family", "delta": -0.04},
            ],
            "sales": "2 rejected, 1 unanswered",
        },
        {
            **account, "account_id": "A2", "name": "Acme", "before": None, "after": 30.0,
            "tier_before": None, "tier_after": 3, "stage_before": None, "stage_after": "awareness",
            "movers": [{"name": "fit.employees", "delta": 8.0}],
        },
        {
            **account, "account_id": "A3", "name": None, "before": 50.0, "after": 38.0,
            "tier_before": 2, "tier_after": 2, "stage_before": "decision", "stage_after": "decision",
            "movers": [{"name": "committee.role_coverage", "delta": -12.0}],
        },
        {
            **contact, "contact_id": "C1", "contact_name": "Ann Lee", "before": 35.36,
            "after": 79.99, "stage_before": "lead", "stage_after": "mql", "sales": "unanswered",
        },
        {
            **contact, "contact_id": "C2", "before": None, "after": 65.0, "stage_before": None,
            "stage_after": "mql", "sales": "rejected: Bad timing - no budget this year",
        },
    ]  # fmt: skip


def test_the_tables_name_rows_and_keep_each_item_on_its_line(monkeypatch, capsys) -> None:
    # Both Acmes carry their id, in both tables; A3 has no name, C2 neither: the ids stand
    # in. Movers are labelled as the report labels them and rounded to one decimal (+10,
    # not +10.0; -0.04 keeps two: -0.0 would read as no move). At 100 columns the least widths (account 7,
    # priority 11, tier 5, stage 13, gained 15, top movers 19, sales 12, with each line of
    # gained, movers and sales whole) leave 5 of 87: the stage, the one that lacks the
    # most (11 of the 13 wanted), takes 4 of them.
    assert _render(_hand_rows(), 100, monkeypatch, capsys) == "\n".join(
        [
            "account  priority     tier   stage              gained           top movers           sales",
            "─" * 98,
            "Acme     47.6 → 72.8  2 → 1  consideration →    +engineering     volume +15.5         2 rejected",
            "(A1)                         decision           +decision maker  fit: industry +10    1 unanswered",
            "                                                                 graph: family -0.04",
            "Acme     - → 30.0     - → 3  - → awareness                       fit: employees +8",
            "(A2)",
            "A3       50.0 → 38.0  2      decision                            role coverage -12",
            "",
            "contact  account    score        stage       sales",
            "─" * 87,
            "Ann Lee  Acme (A1)  35.4 → 80.0  lead → mql  unanswered",
            "C2       Acme (A1)  - → 65.0     - → mql     rejected: Bad timing - no budget this year",
        ]
    )  # fmt: skip


def test_the_tables_at_80_and_160_columns(monkeypatch, capsys) -> None:
    # 160 columns: every cell at its natural width, one line per item.
    wide = _render(_hand_rows(), 160, monkeypatch, capsys).splitlines()
    assert wide[2] == (
        "Acme (A1)  47.6 → 72.8  2 → 1  consideration → decision  +engineering     "
        "volume +15.5         2 rejected"
    )
    assert (
        wide[5]
        == "Acme (A2)  - → 30.0     - → 3  - → awareness                              fit: employees +8"
    )
    # 80 columns: words stay whole, ids and moves never wrap, every line fits.
    narrow = _render(_hand_rows(), 80, monkeypatch, capsys).splitlines()
    assert max(map(len, narrow)) <= 80
    assert narrow[3].startswith("Acme     47.6 → 72.8  2 → 1  consideration  +engineering")
    assert "Ann Lee  Acme      35.4 → 80.0  lead → mql  unanswered" in narrow


def test_a_store_names_the_contacts_and_clashing_names_carry_ids(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path, monkeypatch, capsys
) -> None:
    """The runs of ``two_runs``, with both accounts named Acme and only C1 named (Ann Lee)."""
    ws = tmp_path / "ws"
    builder.account("A1", name="Acme").account("A2", name="Acme")
    builder.contact("C1", "A1", buying_role="champion", first_name="Ann", last_name="Lee")
    builder.contact("C2", "A1", buying_role="end_user", department="finance")
    builder.contact("C3", "A2", buying_role="decision_maker")
    builder.event("C1", "demo_request", 1).event("C1", "demo_request", 1).load(store)
    run(ws, store, DAY_BEFORE)
    more = GraphBuilder(tmp_path / "more")
    more._events = 10
    more.event("C1", "meeting_held", 0).event("C1", "meeting_held", 0)
    more.event("C3", "demo_request", 0).event("C3", "demo_request", 0).load(store)
    run(ws, store, AS_OF)
    rows = changes(ws, min_points=100).rows
    add_contact_names(rows, store)
    assert [(r["contact_id"], r["contact_name"]) for r in rows] == [
        (None, None),
        ("C1", "Ann Lee"),
        ("C3", None),  # no name stored: the id stands in
    ]
    shown = _render(rows, 100, monkeypatch, capsys).splitlines()
    # A2 went from tier 3 to 1 and from target to decision, with IT and a decision maker.
    # Its priority and its movers' points come from the committee's saturation curves:
    # read from the run, they are laid out as worked out by hand (every cell fits whole).
    priority = rows[0]["after"]
    volume, recency, coverage = (m["delta"] for m in rows[0]["movers"])
    assert [m["name"] for m in rows[0]["movers"]] == [
        "committee.volume",
        "committee.recency",
        "committee.role_coverage",
    ]
    movers = [
        f"{label} {f'{delta:+.1f}'.removesuffix('.0')}"
        for label, delta in [("volume", volume), ("recency", recency), ("role coverage", coverage)]
    ]
    pad = " " * (max(len("top movers"), *map(len, movers)) - len("top movers") + 2)
    blank = " " * len(f"Acme (A2)  0.0 → {priority:.1f}  3 → 1  target → decision  ")
    assert shown[:5] == [
        f"account    priority    tier   stage              gained           top movers{pad}sales",
        "─" * len(shown[1]),
        f"Acme (A2)  0.0 → {priority:.1f}  3 → 1  target → decision  +it              {movers[0]}",
        f"{blank}+decision maker  {movers[1]}",
        f"{blank}{' ' * 17}{movers[2]}",
    ]  # fmt: skip
    # C1: 65 → 85, an SQL; C3: 25 → 65, an MQL (see two_runs).
    assert shown[-4:] == [
        "contact  account    score        stage       sales",
        "─" * 50,
        "Ann Lee  Acme (A1)  65.0 → 85.0  mql → sql",
        "C3       Acme (A2)  25.0 → 65.0  lead → mql",
    ]
