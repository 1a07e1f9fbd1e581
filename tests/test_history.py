"""Score history: runs recorded with a snapshot, pruned to keep_runs, handovers kept once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from abmgraph import history
from abmgraph.alerts import after_score
from abmgraph.errors import NotFoundError, StoreError
from abmgraph.graph.store import GraphStore
from abmgraph.scoring.config import ScoringConfig, config_from_dict, config_hash
from abmgraph.scoring.engine import parse_as_of, score_store
from tests.conftest import AS_OF, GraphBuilder

# Fit weight 0 and tiny tier thresholds: an account is tier 1 as soon as one of its
# contacts is engaged, tier 3 while none is, whatever its firmographics.
CONFIG = config_from_dict(
    {
        "account": {
            "fit_weight": 0,
            "engagement_weight": 1,
            "icp_floor": 0,
            "tier1": 0.02,
            "tier2": 0.01,
        }
    }
)
DAY_BEFORE = (parse_as_of(AS_OF) - pd.Timedelta(days=1)).isoformat()


def _people(builder: GraphBuilder, **a1: str) -> GraphBuilder:
    # Every contact is a manager in IT with a corporate email: fit 10 + 10 + 5 = 25.
    return (
        builder.account("A1", **a1)
        .account("A2")
        .contact("C1", "A1", buying_role="champion")
        .contact("C2", "A1", buying_role="end_user", department="finance")
        .contact("C3", "A2", buying_role="decision_maker")
    )


def run(
    ws: Path, store: GraphStore, as_of: str, config: ScoringConfig = CONFIG, *, full: bool = False
):
    result = score_store(store, config, parse_as_of(as_of), full=full)
    return after_score(ws, store, result, config)


def two_runs(ws: Path, store: GraphStore, builder: GraphBuilder, tmp_path: Path, **a1: str):
    """Run 1 the day before AS_OF; run 2 at AS_OF after more events came in.

    Run 1: C1 has two demo requests (30 each, cap 40): 25 + 40 = 65, an MQL; A1 tier 1.
    Run 2: C1 adds two meetings (25 each, cap 40): engagement 40 + 40 = 80, capped at
    60, so 85, an SQL. C3 gets two demo requests: 65, an MQL; A2 reaches tier 1.
    """
    _people(builder, **a1).event("C1", "demo_request", 1).event("C1", "demo_request", 1)
    builder.load(store)
    first = run(ws, store, DAY_BEFORE)
    more = GraphBuilder(tmp_path / "more")
    more._events = 10  # event ids E11… : the first builder's E1… would be taken as re-sent
    more.event("C1", "meeting_held", 0).event("C1", "meeting_held", 0)
    more.event("C3", "demo_request", 0).event("C3", "demo_request", 0).load(store)
    second = run(ws, store, AS_OF)
    return first, second


def test_runs_are_recorded_oldest_first_with_a_full_snapshot(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    first, second = two_runs(ws, store, builder, tmp_path)
    table = history.runs(ws)
    assert list(table.columns) == history.RUN_COLUMNS
    assert table["run_id"].tolist() == [first.run_id, second.run_id]
    assert table["as_of"].tolist() == [parse_as_of(DAY_BEFORE), parse_as_of(AS_OF)]
    assert table["config_hash"].tolist() == [config_hash(CONFIG)] * 2
    # The second run rescores only what its events touched: both accounts.
    assert table["mode"].tolist() == ["full", "incremental"]
    assert table["accounts_rescored"].tolist() == [2, 2]
    assert second.previous == first.run_id and first.previous is None

    before = history.run_table(ws, first.run_id, "contacts").set_index("contact_id")
    after = history.run_table(ws, second.run_id, "contacts").set_index("contact_id")
    assert before["score"].to_dict() == {"C1": 65.0, "C2": 25.0, "C3": 25.0}
    assert after["score"].to_dict() == {"C1": 85.0, "C2": 25.0, "C3": 65.0}
    assert after["stage"].to_dict() == {"C1": "sql", "C2": "lead", "C3": "mql"}

    accounts = history.run_table(ws, second.run_id, "accounts").set_index("account_id")
    assert accounts["tier"].to_dict() == {"A1": 1, "A2": 1}
    # Only engaged contacts count: C2 (finance) never engaged.
    assert accounts["departments"].to_dict() == {"A1": "it", "A2": "it"}
    assert accounts.loc["A1", "roles_covered"] == "champion"
    assert accounts.loc["A2", "roles_covered"] == "decision_maker"
    # C1's recent window: demo requests min(2 × 30, 40) + meetings min(2 × 25, 40).
    assert accounts["recent_points"].to_dict() == {"A1": 80.0, "A2": 40.0}
    # Contributions sum to the priority (fit weighs nothing here).
    parts = [c for c in accounts.columns if c.startswith(("fit.", "committee."))]
    assert "committee.volume" in parts
    assert accounts[parts].sum(axis=1).round(2).to_dict() == accounts["priority"].to_dict()


def test_a_run_records_the_mode_and_rescored_count_it_reports(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    _people(builder).load(store)
    result = score_store(store, CONFIG, parse_as_of(AS_OF), full=True)
    first = after_score(ws, store, result, CONFIG)
    # An incremental run that rescored one account of the two (its result holds that row).
    result.mode, result.accounts = (
        "incremental",
        result.accounts[result.accounts["account_id"] == "A2"],
    )
    second = after_score(ws, store, result, CONFIG)
    table = history.runs(ws).set_index("run_id")
    assert table.loc[first.run_id, ["mode", "accounts_rescored"]].tolist() == ["full", 2]
    assert table.loc[second.run_id, ["mode", "accounts_rescored"]].tolist() == ["incremental", 1]
    # A1's contributions, not in this run's result, come from the run before.
    one, two = (history.run_table(ws, r.run_id, "accounts") for r in (first, second))
    assert two.columns.tolist() == one.columns.tolist()
    pd.testing.assert_frame_equal(two, one)


def test_handovers_keep_the_first_crossing(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    first, second = two_runs(ws, store, builder, tmp_path)
    third = run(ws, store, AS_OF)  # nothing new: every crossing is recorded already
    assert third.handovers.empty
    got = history.handovers(ws)
    assert list(got.columns) == history.HANDOVER_COLUMNS
    rows = got.astype(object).where(got.notna(), None).to_dict("records")
    day_before, as_of = parse_as_of(DAY_BEFORE), parse_as_of(AS_OF)
    assert rows == [
        # C1 was an MQL in run 1 and still in run 2 (as an SQL): its MQL date is run 1's.
        {"kind": "mql", "contact_id": "C1", "account_id": "A1", "at": day_before,
         "run_id": first.run_id, "owner": None},
        {"kind": "tier1", "contact_id": None, "account_id": "A1", "at": day_before,
         "run_id": first.run_id, "owner": None},
        {"kind": "mql", "contact_id": "C3", "account_id": "A2", "at": as_of,
         "run_id": second.run_id, "owner": None},
        {"kind": "sql", "contact_id": "C1", "account_id": "A1", "at": as_of,
         "run_id": second.run_id, "owner": None},
        {"kind": "tier1", "contact_id": None, "account_id": "A2", "at": as_of,
         "run_id": second.run_id, "owner": None},
    ]  # fmt: skip


def test_handovers_carry_the_contact_owner_else_the_account_owner(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    builder.account("A1", owner="Ann Lee").account("A2")
    builder.contact("C1", "A1", owner="Bo Chen").contact("C2", "A1").contact("C3", "A2")
    for contact in ("C1", "C2", "C3"):
        builder.event(contact, "demo_request", 0).event(contact, "demo_request", 0)
    builder.load(store)
    run(ws, store, AS_OF)
    got = history.handovers(ws)
    key = got["kind"] + ":" + got["contact_id"].fillna(got["account_id"])
    owner = got["owner"].astype(object).where(got["owner"].notna(), None)
    owners = dict(zip(key, owner, strict=True))
    assert owners == {
        "mql:C1": "Bo Chen",
        "mql:C2": "Ann Lee",
        "mql:C3": None,
        "tier1:A1": "Ann Lee",
        "tier1:A2": None,
    }


def test_history_keeps_the_last_keep_runs(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    _people(builder).event("C1", "demo_request", 0).load(store)
    config = CONFIG.model_copy(
        update={"history": CONFIG.history.model_copy(update={"keep_runs": 3})}
    )
    ids = [run(ws, store, AS_OF, config).run_id for _ in range(5)]
    assert history.runs(ws)["run_id"].tolist() == ids[2:]
    # Runs 2 to 5 rescored nothing. Run 2 wrote every row again (Arrow), runs 3 to 5
    # are patches on it: its folder stays (out of the index) while they are kept.
    folders = sorted(p.name for p in (ws / "history" / "runs").iterdir())
    assert folders == sorted(ids[1:])
    with pytest.raises(NotFoundError, match="No score run"):
        history.run_table(ws, ids[0], "accounts")
    # Handovers are never pruned: run 1's stay.
    assert history.handovers(ws)["run_id"].tolist() == [ids[0], ids[0]]


def test_default_keeps_thirty_runs(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    _people(builder).load(store)
    result = score_store(store, CONFIG, parse_as_of(AS_OF), full=True)
    ids = [after_score(ws, store, result, CONFIG).run_id for _ in range(32)]
    assert history.runs(ws)["run_id"].tolist() == ids[2:]
    assert len(list((ws / "history" / "runs").iterdir())) == 30


def test_find_run_by_id_prefix_or_date(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    with pytest.raises(StoreError, match="No score history yet"):
        history.find_run(ws, "2026-11-01")
    first, second = two_runs(ws, store, builder, tmp_path)
    assert history.find_run(ws, second.run_id) == second.run_id
    assert history.find_run(ws, first.run_id[:-2]) == first.run_id
    # A date names the last run as of that day or before: run 1 is as of 31 October.
    assert history.find_run(ws, "2026-10-31") == first.run_id
    assert history.find_run(ws, "2026-11-01") == second.run_id
    with pytest.raises(NotFoundError, match="No score run at or before 2026-10-01"):
        history.find_run(ws, "2026-10-01")
    with pytest.raises(NotFoundError, match="neither a run id nor a date"):
        history.find_run(ws, "zz-not-a-run")


def test_a_crashed_record_leaves_no_half_run(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    _people(builder).load(store)
    kept = run(ws, store, AS_OF)
    stale = ws / "history" / "runs" / ".20260101T000000-abcdef.tmp"
    stale.mkdir()
    orphan = ws / "history" / "runs" / "20260101T000000-abcdef"
    orphan.mkdir()
    latest = run(ws, store, AS_OF)
    assert history.runs(ws)["run_id"].tolist() == [kept.run_id, latest.run_id]
    assert not stale.exists() and not orphan.exists()


def test_the_demo_records_its_baseline_and_reset_forgets_the_history(tmp_path: Path) -> None:
    from abmgraph.demo_run import run_demo
    from abmgraph.graph.store import open_store
    from abmgraph.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    with open_store("embedded", ws.path) as store:
        run_demo(store, ws, 10, 1, "2026-11-01", tmp_path / "demo")
        before = history.runs(ws.path)
        # The demo's last run is its baseline, as of the demo's anchor.
        assert before["as_of"].iloc[-1] == pd.Timestamp("2026-11-01", tz="UTC")
        before_ids = [*before["run_id"], run(ws.path, store, AS_OF, ScoringConfig()).run_id]
        run_demo(store, ws, 10, 2, "2026-11-01", tmp_path / "demo", reset=True)
        again = history.runs(ws.path)["run_id"].tolist()
    # Only the new demo's runs are left: the old ones described data now gone.
    assert again and not set(again) & set(before_ids)
    assert set(history.handovers(ws.path)["run_id"]) <= set(again)


def test_a_run_whose_files_were_deleted_is_not_compared_with(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    import shutil

    ws = tmp_path / "ws"
    _people(builder).load(store)
    lost = run(ws, store, AS_OF).run_id
    shutil.rmtree(ws / "history" / "runs" / lost)
    with pytest.raises(NotFoundError, match=f"Score run {lost} lost its files"):
        history.run_table(ws, lost, "contacts")
    latest = run(ws, store, AS_OF)
    assert latest.previous is None and latest.alerts == []
    assert history.runs(ws)["run_id"].tolist() == [latest.run_id]  # the index drops it


def test_an_incremental_run_records_and_alerts_as_the_full_snapshot_would(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run after new events for C1 and C3 rescores A1 and A2 only; A3 is left alone.

    Its snapshot (built from the run before's with the rescored rows replaced)
    and its alerts (diffed over the rescored rows only) equal those of the
    same run recorded with a full snapshot and a full diff.
    """
    from abmgraph.history import index

    def recorded_twice(ws: Path, *, full_snapshot: bool):
        if full_snapshot:
            monkeypatch.setattr(index, "updated_snapshot", lambda *a: None)
        else:
            monkeypatch.undo()
        data = GraphBuilder(ws / "data")
        _people(data).account("A3").contact("C4", "A3", buying_role="champion")
        data.event("C1", "demo_request", 1).event("C1", "demo_request", 1)
        data.event("C4", "demo_request", 1).event("C4", "demo_request", 1).load(store)
        run(ws, store, DAY_BEFORE, full=True)
        more = GraphBuilder(ws / "more")
        more._events = 10
        more.event("C1", "meeting_held", 0).event("C1", "meeting_held", 0)
        more.event("C3", "demo_request", 0).event("C3", "demo_request", 0).load(store)
        result = score_store(store, CONFIG, parse_as_of(AS_OF))
        assert (result.mode, sorted(result.accounts["account_id"])) == (
            "incremental",
            ["A1", "A2"],
        )
        outcome = after_score(ws, store, result, CONFIG)
        tables = [
            history.run_table(ws, outcome.run_id, level) for level in ("accounts", "contacts")
        ]
        return outcome.alerts, tables

    full_alerts, full_tables = recorded_twice(tmp_path / "full", full_snapshot=True)
    store.clear()
    alerts, tables = recorded_twice(tmp_path / "patched", full_snapshot=False)
    for mine, theirs in zip(tables, full_tables, strict=True):
        pd.testing.assert_frame_equal(mine, theirs)
    assert alerts == full_alerts
    # Worked out by hand: C3's two demo requests (65, an MQL) take A2 from nothing to
    # tier 1, a rise of 40 points (a surge from 25), IT and the decision maker engaged;
    # C1's meetings make it an SQL (85). A3, not rescored, says nothing.
    assert [
        (a["kind"], a["account_id"], a["contact_id"], a["before"], a["after"]) for a in alerts
    ] == [
        ("account_tier_up", "A2", None, 3, 1),
        ("account_stage", "A2", None, "target", "decision"),
        ("account_surge", "A2", None, 0.0, 40.0),
        ("new_department", "A2", None, [], ["it"]),
        ("new_required_role", "A2", None, [], ["decision_maker"]),
        ("contact_mql", "A2", "C3", "lead", "mql"),
        ("contact_sql", "A1", "C1", "mql", "sql"),
    ]
    assert tables[0]["account_id"].tolist() == ["A1", "A2", "A3"]
    assert tables[1]["contact_id"].tolist() == ["C1", "C2", "C3", "C4"]
