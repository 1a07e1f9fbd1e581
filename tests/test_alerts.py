"""Alerts after a score run: hand-worked runs give exactly the expected alert lines."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from abmgraph.alerts import after_score, alerts_path
from abmgraph.alerts.diff import compare_accounts, compare_contacts, run_alerts
from abmgraph.alerts.sinks import append_alerts, read_alerts
from abmgraph.graph.store import GraphStore
from tests.conftest import AS_OF, GraphBuilder
from tests.test_history import CONFIG, DAY_BEFORE, run, two_runs

as_of = pd.Timestamp(AS_OF)


def test_the_first_run_is_the_baseline_and_alerts_nothing(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    builder.account("A1").contact("C1", "A1").event("C1", "demo_request", 0).load(store)
    outcome = run(ws, store, AS_OF)
    assert outcome.previous is None and outcome.alerts == []
    assert not alerts_path(ws).exists()
    assert len(outcome.handovers) == 2  # C1's MQL and A1's tier 1 are recorded all the same


def test_two_runs_give_exactly_the_expected_alerts(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    _, second = two_runs(ws, store, builder, tmp_path, owner="Ann")
    at = as_of.isoformat()
    # Run 1 → run 2 (see two_runs): C1 65 → 85 becomes an SQL; C3 25 → 65 an MQL. A2
    # gets its first engaged contact (C3, IT, decision maker, two demo requests): tier
    # 3 → 1, stage target → decision (a demo request is a decision-stage event), recent
    # points 0 → min(2 × 30, 40) = 40 ≥ 25 (a surge), department it, role decision_maker.
    # A1 stays tier 1 and in decision, was surging already (40 in run 1), and C1's
    # meetings bring neither a department nor a role.
    priority = second_priority(ws, second.run_id, "A2")
    expected = [
        {"kind": "account_tier_up", "account_id": "A2", "contact_id": None, "at": at,
         "before": 3, "after": 1, "owner": None,
         "why": f"tier 3 → 1; priority 0 → {priority:g}"},
        {"kind": "account_stage", "account_id": "A2", "contact_id": None, "at": at,
         "before": "target", "after": "decision", "owner": None,
         "why": "stage target → decision"},
        {"kind": "account_surge", "account_id": "A2", "contact_id": None, "at": at,
         "before": 0.0, "after": 40.0, "owner": None,
         "why": "engagement points in the recent window exceed the window before by 40 "
                "(a surge from 25)"},
        {"kind": "new_department", "account_id": "A2", "contact_id": None, "at": at,
         "before": [], "after": ["it"], "owner": None,
         "why": "engaged a new department: it"},
        {"kind": "new_required_role", "account_id": "A2", "contact_id": None, "at": at,
         "before": [], "after": ["decision_maker"], "owner": None,
         "why": "now covers decision_maker"},
        {"kind": "contact_mql", "account_id": "A2", "contact_id": "C3", "at": at,
         "before": "lead", "after": "mql", "owner": None,
         "why": "score 25 → 65 reached the MQL threshold (50)"},
        {"kind": "contact_sql", "account_id": "A1", "contact_id": "C1", "at": at,
         "before": "mql", "after": "sql", "owner": "Ann",
         "why": "score 65 → 85 reached the SQL threshold (80)"},
    ]  # fmt: skip
    assert second.alerts == expected
    # The lines appended to alerts.jsonl are the same objects, keys in the contract's order.
    lines = alerts_path(ws).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == expected
    assert list(json.loads(lines[0])) == [
        "kind", "account_id", "contact_id", "at", "before", "after", "owner", "why"
    ]  # fmt: skip


def second_priority(ws: Path, run_id: str, account_id: str) -> float:
    from abmgraph.history import run_table

    accounts = run_table(ws, run_id, "accounts").set_index("account_id")
    return float(accounts.loc[account_id, "priority"])


def test_a_drop_alerts_tier_down_and_a_rescore_with_nothing_new_alerts_nothing(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    builder.account("A1").contact("C1", "A1").event("C1", "demo_request", 0).load(store)
    run(ws, store, AS_OF)
    assert run(ws, store, AS_OF).alerts == []
    # A year later the demo request is outside the 180-day look-back: C1 is not engaged,
    # A1 falls to tier 3 and back to stage target; C1 drops out of MQL (no alert). Only
    # time moved, so an incremental run would rescore nothing: the full run sees the drop.
    later = (as_of + pd.Timedelta(days=365)).isoformat()
    assert run(ws, store, later).alerts == []
    kinds = [(a["kind"], a["before"], a["after"]) for a in run(ws, store, later, full=True).alerts]
    assert kinds == [("account_tier_down", 1, 3), ("account_stage", "decision", "target")]


def test_new_accounts_compare_with_nothing_scored() -> None:
    before = _accounts([("A1", 40.0, 2, "awareness", 0.0, "it", "")])
    after = _accounts(
        [
            ("A1", 40.0, 2, "awareness", 0.0, "finance;it", "champion"),
            ("A2", 20.0, 3, "target", 0.0, "", ""),  # new, tier 3 and target: nothing
            ("A3", 60.0, 1, "awareness", 30.0, "sales", ""),  # new, straight to tier 1
        ]
    )
    compared = compare_accounts(before, after, surge_points=25)
    contacts = compare_contacts(None, _contacts([]))
    found = run_alerts(
        compared, contacts, as_of, mql_threshold=50, sql_threshold=80, surge_points=25
    )
    got = list(
        zip(found["kind"], found["account_id"], found["before"], found["after"], strict=True)
    )
    assert got == [
        ("account_tier_up", "A3", None, 1),
        ("account_stage", "A3", None, "awareness"),
        ("account_surge", "A3", None, 30.0),
        ("new_department", "A1", ["it"], ["finance", "it"]),
        ("new_department", "A3", [], ["sales"]),
        ("new_required_role", "A1", [], ["champion"]),
    ]
    assert found.loc[0, "why"] == "tier 3 → 1; priority - → 60"


def test_a_lead_straight_to_sql_is_one_alert() -> None:
    before = _contacts([("C1", "A1", 20.0, "lead"), ("C2", "A1", 90.0, "sql")])
    after = _contacts(
        [("C1", "A1", 85.0, "sql"), ("C2", "A1", 60.0, "mql"), ("C3", "A1", 55.0, "mql")]
    )
    found = run_alerts(
        compare_accounts(None, _accounts([]), 25),
        compare_contacts(before, after),
        as_of,
        mql_threshold=50,
        sql_threshold=80,
        surge_points=25,
    )
    # C2 fell from SQL to MQL: no alert. C3 is new and an MQL at once.
    got = list(zip(found["kind"], found["contact_id"], found["before"], strict=True))
    assert got == [("contact_mql", "C3", None), ("contact_sql", "C1", "lead")]


def test_appended_lines_survive_a_line_a_crash_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    append_alerts(path, [{"kind": "contact_mql", "n": 1}])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"kind": "contact_s')  # a killed writer's half line
    append_alerts(path, [{"kind": "contact_sql", "n": 2}, {"kind": "contact_mql", "n": 3}])
    append_alerts(path, [])
    assert [a["n"] for a in read_alerts(path)] == [1, 2, 3]


def _accounts(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=["account_id", "priority", "tier", "stage", "recent_points", "departments",
                 "roles_covered"],
    )  # fmt: skip
    return frame.assign(name=frame["account_id"], prior_points=0.0).astype({"tier": "int64"})


def _contacts(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["contact_id", "account_id", "score", "stage"])


def test_after_score_with_a_scored_store_but_no_history(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    # A workspace scored before the history existed starts its history at the next run.
    from abmgraph.scoring.engine import parse_as_of, score_store

    builder.account("A1").contact("C1", "A1").load(store)
    score_store(store, CONFIG, parse_as_of(DAY_BEFORE))
    result = score_store(store, CONFIG, parse_as_of(AS_OF))
    outcome = after_score(tmp_path / "ws", store, result, CONFIG)
    assert outcome.previous is None and outcome.alerts == []
