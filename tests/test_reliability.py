"""Guarantees a user relies on: refused values, demo safety, safe outputs, checks that always run."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from abmgraph.cli import cli
from abmgraph.errors import InputError, InternalError, StoreError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.tables import column_dtypes
from abmgraph.ingest import pipeline
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.ingest.rejects import default_rejects_path
from abmgraph.safe_io import atomic_write_text, check_output
from abmgraph.workspace import Workspace

# A CRM export as Excel saves "CSV UTF-8": a BOM, CRLF, quoted names, a half-filled row.
ACCOUNTS = (
    "account_id,name,domain,industry,employees,country\r\n"
    'A1,"Müller & Söhne, KG",mueller.de,Manufacturing,1200,DE\r\n'
    "A2,Café Lumière,lumiere.fr,Retail,,FR\r\n"
    ",Sans Identifiant SA,sans.fr,Retail,30,FR\r\n"
).encode("utf-8-sig")


def run(workspace: Path, *args: str):
    return CliRunner().invoke(cli, ["--workspace", str(workspace), *args])


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> Path:
    workspace = tmp_path_factory.mktemp("rel") / "ws"
    result = run(workspace, "demo", "--accounts", "20", "--seed", "5", "--anchor", "2026-11-01")
    assert result.exit_code == 0, result.output
    return workspace


def stored_scores(workspace: Path) -> tuple[dict, pd.DataFrame]:
    store = EmbeddedStore(workspace)
    return store.score_meta(), store.scores("accounts")


# -- values that cannot be meant ------------------------------------------------------------
@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("", "--as-of '' is not a date; use YYYY-MM-DD or ISO-8601."),
        ("  ", "--as-of '  ' is not a date; use YYYY-MM-DD or ISO-8601."),
        ("nan", "--as-of 'nan' is not a date; use YYYY-MM-DD or ISO-8601."),
        ("NaT", "--as-of 'NaT' is not a date; use YYYY-MM-DD or ISO-8601."),
        (
            "3000-01-01",
            "--as-of 3000-01-01 is outside the dates scores can be taken at "
            "(1900-01-01 to 2200-12-31).",
        ),
        (
            "1677-09-22",
            "--as-of 1677-09-22 is outside the dates scores can be taken at "
            "(1900-01-01 to 2200-12-31).",
        ),
    ],
)
def test_an_as_of_that_is_no_date_is_refused_before_the_scores_change(scored, as_of, message):
    before_meta, before = stored_scores(scored)
    result = run(scored, "score", "--as-of", as_of)
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: {message}"]
    after_meta, after = stored_scores(scored)
    assert after_meta == before_meta
    pd.testing.assert_frame_equal(after, before)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[window]\nlookback_days = inf\n",
            "window.lookback_days: Input should be a finite number",
        ),
        (
            "[window]\nlookback_days = 1e9\n",
            "window.lookback_days: Input should be less than or equal to 36500",
        ),
        (
            "[engagement.demo_request]\npoints = inf\ncap = 100\n",
            "engagement.demo_request.points: Input should be a finite number",
        ),
        (
            "[engagement.demo_request]\npoints = 1e308\ncap = 100\n",
            "engagement.demo_request.points: Value error, 1e+308 is beyond the largest value "
            "a setting may take (1e+15 either way)",
        ),
        (
            "[contact.fit.seniority]\nvp = -1e308\n",
            "contact.fit.seniority: Value error, -1e+308 is beyond the largest value "
            "a setting may take (1e+15 either way)",
        ),
        (
            "[contact]\nengagement_max = nan\n",
            "contact.engagement_max: Input should be a finite number",
        ),
    ],
)
def test_config_values_no_score_can_come_from_are_refused_by_name(scored, tmp_path, toml, message):
    config = tmp_path / "scoring.toml"
    config.write_text(toml, encoding="utf-8")
    before_meta, _ = stored_scores(scored)
    result = run(scored, "score", "--config", str(config))
    assert result.exit_code == 1
    assert message in result.output.splitlines()
    assert "Traceback" not in result.output
    assert stored_scores(scored)[0] == before_meta


def test_the_largest_allowed_points_still_give_finite_scores(scored, tmp_path):
    config = tmp_path / "scoring.toml"
    config.write_text(
        "[engagement.demo_request]\npoints = 1e15\ncap = 1e15\n[contact]\nengagement_max = 1e15\n",
        encoding="utf-8",
    )
    result = run(tmp_path / "copy", "demo", "--accounts", "10", "--anchor", "2026-11-01")
    assert result.exit_code == 0, result.output
    result = run(tmp_path / "copy", "score", "--config", str(config), "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.output
    scores = EmbeddedStore(tmp_path / "copy").scores("contacts")
    assert scores["score"].notna().all()
    assert scores["engagement_score"].max() < float("inf")


# -- the demo never destroys a user's data --------------------------------------------------
def test_demo_reset_refuses_a_store_holding_the_user_s_data(tmp_path):
    workspace = tmp_path / "ws"
    (tmp_path / "accounts.csv").write_bytes(ACCOUNTS)
    assert run(workspace, "ingest", "accounts", str(tmp_path / "accounts.csv")).exit_code == 0
    result = run(workspace, "demo", "--reset", "--accounts", "10")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: The store of {workspace} holds data that the demo did not load, so demo "
        "--reset will not empty it; run the demo in another workspace (abmgraph --workspace "
        "demo-workspace demo), or delete the store yourself if its data can go."
    ]
    accounts = EmbeddedStore(workspace).table("accounts")
    assert sorted(accounts["account_id"]) == ["A1", "A2"]
    assert accounts.set_index("account_id").loc["A1", "name"] == "Müller & Söhne, KG"


def test_demo_reset_replaces_a_demo_store_but_not_once_the_user_ingested_into_it(tmp_path):
    workspace = tmp_path / "ws"
    assert run(workspace, "demo", "--accounts", "10", "--anchor", "2026-11-01").exit_code == 0
    again = run(workspace, "demo", "--reset", "--accounts", "12", "--anchor", "2026-11-01")
    assert again.exit_code == 0, again.output
    assert len(EmbeddedStore(workspace).table("accounts")) == 12
    (tmp_path / "accounts.csv").write_bytes(ACCOUNTS)
    assert run(workspace, "ingest", "accounts", str(tmp_path / "accounts.csv")).exit_code == 0
    refused = run(workspace, "demo", "--reset", "--accounts", "10")
    assert refused.exit_code == 1
    assert "holds data that the demo did not load" in refused.output
    assert len(EmbeddedStore(workspace).table("accounts")) == 14


def test_demo_reset_refuses_when_another_process_changed_the_demo_store(tmp_path):
    workspace = tmp_path / "ws"
    assert run(workspace, "demo", "--accounts", "10", "--anchor", "2026-11-01").exit_code == 0
    (tmp_path / "accounts.csv").write_bytes(ACCOUNTS)
    # A library call (no CLI, so nothing told the workspace): the counts give it away.
    ingest_file(EmbeddedStore(workspace), "accounts", tmp_path / "accounts.csv", quiet=True)
    refused = run(workspace, "demo", "--reset")
    assert refused.exit_code == 1
    assert len(EmbeddedStore(workspace).table("accounts")) == 12


# -- outputs are safe ----------------------------------------------------------------------
@pytest.fixture
def accounts_file(tmp_path) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_bytes(ACCOUNTS)
    return path


def test_rejects_never_replace_a_fifo(tmp_path, accounts_file):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run(tmp_path / "ws", "ingest", "accounts", str(accounts_file), "--rejects", str(fifo))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: --rejects {fifo} is a pipe (FIFO), not a regular file; give a file path."
    ]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert EmbeddedStore(tmp_path / "ws").table("accounts").empty  # refused before loading


def test_rejects_never_replace_a_device(tmp_path, accounts_file):
    with pytest.raises(InputError, match="/dev/null is a device, not a regular file"):
        check_output("/dev/null", option="--rejects")
    # Through the library too: refused before the store is written.
    store = EmbeddedStore(tmp_path / "ws")
    with pytest.raises(InputError, match="is a device"):
        ingest_file(store, "accounts", accounts_file, rejects_path="/dev/null", quiet=True)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert EmbeddedStore(tmp_path / "ws").table("accounts").empty


def test_rejects_never_replace_the_input(tmp_path, accounts_file):
    result = run(
        tmp_path / "ws", "ingest", "accounts", str(accounts_file), "--rejects", str(accounts_file)
    )
    assert result.exit_code == 1
    assert "is the input file" in result.output
    assert accounts_file.read_bytes() == ACCOUNTS


def test_rejects_never_go_into_the_store(tmp_path, accounts_file):
    workspace = tmp_path / "ws"
    assert run(workspace, "ingest", "accounts", str(accounts_file)).exit_code == 0
    target = workspace / "store" / "accounts.parquet"
    before = target.read_bytes()
    result = run(workspace, "ingest", "accounts", str(accounts_file), "--rejects", str(target))
    assert result.exit_code == 1
    assert "is inside the workspace's store" in result.output
    assert target.read_bytes() == before


def test_an_export_never_replaces_a_store_file(scored):
    target = scored / "store" / "accounts.parquet"
    before = target.read_bytes()
    result = run(scored, "export", "csv", "--out", str(target))
    assert result.exit_code == 1
    assert "inside the workspace's store" in result.output
    assert target.read_bytes() == before


def test_a_calibrated_config_never_replaces_the_config_it_starts_from(scored, tmp_path):
    config = tmp_path / "mine.toml"
    config.write_text("[window]\nlookback_days = 120\n", encoding="utf-8")
    result = run(
        scored, "calibrate", "--as-of", "2026-08-01", "--config", str(config), "--out", str(config)
    )
    assert result.exit_code == 1
    assert "is the input file" in result.output
    assert config.read_text(encoding="utf-8") == "[window]\nlookback_days = 120\n"


def test_an_export_never_writes_through_a_planted_temp_name(scored, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = tmp_path / "accounts.csv"
    # The names a predictable temp file would take (process id, a few around it).
    for pid in range(os.getpid() - 5, os.getpid() + 50):
        (tmp_path / f".accounts.csv.{pid}.tmp").symlink_to(victim)
    result = run(scored, "export", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert out.read_text(encoding="utf-8").startswith("account_id,")


def test_atomic_writes_keep_the_mode_of_the_file_they_replace(tmp_path):
    target = tmp_path / "shared.toml"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    atomic_write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.toml"]


def test_default_rejects_names_never_collide(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    names = {workspace.rejects_path("accounts") for _ in range(200)}
    assert len(names) == 200
    beside = {default_rejects_path(tmp_path / "accounts.csv") for _ in range(200)}
    assert len(beside) == 200
    assert all(p.parent == tmp_path and p.name.startswith("accounts.rejects-") for p in beside)


def test_two_ingests_in_one_second_keep_both_rejects_files(tmp_path, accounts_file):
    other = tmp_path / "more.csv"
    other.write_text("account_id,name\n,Nameless Ltd\nB1,Beta\n", encoding="utf-8")
    workspace = tmp_path / "ws"
    first = run(workspace, "ingest", "accounts", str(accounts_file))
    second = run(workspace, "ingest", "accounts", str(other))
    assert first.exit_code == second.exit_code == 0
    files = sorted((workspace / "rejects").glob("accounts-*.csv"))
    assert len(files) == 2
    texts = [f.read_text(encoding="utf-8") for f in files]
    assert sum("Sans Identifiant SA" in t for t in texts) == 1
    assert sum("Nameless Ltd" in t for t in texts) == 1


# -- guarantees that hold under python -O ---------------------------------------------------
def test_a_row_neither_loaded_nor_rejected_stops_the_ingest(tmp_path, accounts_file, monkeypatch):
    real = pipeline._concat_good

    def lose_a_row(goods, target):
        return real(goods, target).iloc[1:]

    monkeypatch.setattr(pipeline, "_concat_good", lose_a_row)
    store = EmbeddedStore(tmp_path / "ws")
    with pytest.raises(InternalError, match="3 rows read but 1 loaded and 1 rejected"):
        ingest_file(store, "accounts", accounts_file, quiet=True)
    assert EmbeddedStore(tmp_path / "ws").table("accounts").empty


def test_the_leakage_guard_runs_under_python_optimise():
    probe = subprocess.run(
        [
            sys.executable,
            "-O",
            "-c",
            "from abmgraph.datasets.xeducation import check_no_leakage\n"
            "check_no_leakage(['Lead Number', 'Tags'])",
        ],
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 1
    assert "InternalError" in probe.stderr and "leakage column(s) Tags" in probe.stderr


def test_no_runtime_guarantee_is_an_assert():
    package = Path(__file__).resolve().parents[1] / "abmgraph"
    asserts = [
        f"{path.relative_to(package)}:{number}"
        for path in package.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.lstrip().startswith("assert ")
    ]
    assert asserts == []


# -- event keys cannot be made to collide unseen ----------------------------------------------
# Two event ids whose 64-bit keys are equal, found by solving the hash's last round.
COLLIDING = ("EVTAAAAA0000001", "CLUVAJ0BShIyZpgg")


def test_the_colliding_ids_do_collide():
    from abmgraph.ingest.hashing import hash_strings

    keys = hash_strings(pd.Series(list(COLLIDING), dtype="str"))
    assert keys[0] == keys[1]


def test_an_event_whose_key_collides_with_a_stored_one_is_refused(store, tmp_path):
    (tmp_path / "a.csv").write_text("account_id,name\nA1,Acme\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("contact_id,account_id\nC1,A1\nC2,A1\n", encoding="utf-8")
    ingest_file(store, "accounts", tmp_path / "a.csv", quiet=True)
    ingest_file(store, "contacts", tmp_path / "c.csv", quiet=True)
    first = tmp_path / "e1.csv"
    first.write_text(
        f"event_id,contact_id,type,occurred_at\n{COLLIDING[0]},C1,demo_request,2026-10-01\n",
        encoding="utf-8",
    )
    second = tmp_path / "e2.csv"
    second.write_text(
        "event_id,contact_id,type,occurred_at\n"
        "E-ok,C2,webinar_attended,2026-10-02\n"
        f"{COLLIDING[1]},C2,pricing_page_view,2026-10-03\n",
        encoding="utf-8",
    )
    ingest_file(store, "engagements", first, quiet=True)
    with pytest.raises(StoreError) as refused:
        ingest_file(store, "engagements", second, quiet=True)
    assert str(refused.value) == (
        f"1 event(s) have the key of a different stored event (event_id '{COLLIDING[1]}' "
        f"against the stored '{COLLIDING[0]}'): event keys were made to collide. Nothing was "
        "loaded; check where the file came from."
    )
    assert store.event_count() == 1  # nothing of the file loaded
    # A true re-ingest is still quietly a no-op.
    again = ingest_file(store, "engagements", first, quiet=True)
    assert (again.loaded, again.new) == (1, 0)


def _events(*rows: dict) -> pd.DataFrame:
    """Engagement rows as ingest stores them, every contract column typed."""
    given = pd.DataFrame(list(rows))
    out = {}
    for column, dtype in column_dtypes("engagements").items():
        values = given[column] if column in given else [None] * len(given)
        if dtype.startswith("datetime"):
            out[column] = pd.to_datetime(values, utc=True).astype(dtype)
        else:
            out[column] = pd.Series(values, dtype=object).astype(dtype)
    return pd.DataFrame(out)


def test_events_without_ids_share_a_key_only_when_every_field_agrees(store, tmp_path):
    # Keys of events without an event_id hash their fields; a forged key matching a stored
    # one is refused unless contact, type, time, asset, campaign and channel all agree.
    (tmp_path / "a.csv").write_text("account_id,name\nA1,Acme\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("contact_id,account_id\nC1,A1\nC2,A1\n", encoding="utf-8")
    ingest_file(store, "accounts", tmp_path / "a.csv", quiet=True)
    ingest_file(store, "contacts", tmp_path / "c.csv", quiet=True)
    linked = {
        "event_key": 7,
        "contact_id": "C1",
        "type": "email_open",
        "occurred_at": "2026-10-01T09:30:00.000001Z",
        "asset": "Guide",
    }
    waiting = {**linked, "event_key": 2**64 - 8, "contact_id": "C9", "asset": None}
    assert store.upsert("engagements", _events(linked, waiting)) == 2
    assert store.upsert("engagements", _events(linked, waiting)) == 0  # the same events
    forged = [
        {**linked, "asset": None},
        {**linked, "asset": "Guide 2"},
        {**linked, "campaign": "Q4"},
        {**linked, "contact_id": "C2"},
        {**linked, "type": "email_click"},
        {**linked, "occurred_at": "2026-10-01T09:30:00.000002Z"},
        {**linked, "event_id": "E7"},
        {**waiting, "contact_id": "C2"},
        {**waiting, "channel": "email"},
    ]
    for row in forged:
        with pytest.raises(StoreError, match=r"^1 event\(s\) have the key of a different"):
            store.upsert("engagements", _events(row))
    with pytest.raises(StoreError) as refused:
        store.upsert("engagements", _events({**linked, "event_id": "E7"}, {**waiting, "type": "x"}))
    assert str(refused.value).startswith(
        "2 event(s) have the key of a different stored event (event_id 'E7' against the "
        "stored none)"
    )
    assert store.event_count() == 2


def test_events_without_ids_ingested_twice_are_a_quiet_no_op(tmp_path):
    store = EmbeddedStore(tmp_path / "ws")
    (tmp_path / "a.csv").write_text("account_id,name\nA1,Acme\n", encoding="utf-8")
    (tmp_path / "c.csv").write_text("contact_id,account_id\nC1,A1\n", encoding="utf-8")
    ingest_file(store, "accounts", tmp_path / "a.csv", quiet=True)
    ingest_file(store, "contacts", tmp_path / "c.csv", quiet=True)
    events = tmp_path / "e.csv"
    events.write_text(
        "contact_id,type,occurred_at,asset,campaign\n"
        'C1,email_open,2026-10-01T09:30:00+02:00,"Guide, 2026",Q4 Nurture\n'
        "C1,email_open,2026-10-01T09:30:00+02:00,,\n"
        "C1,webinar_attended,2026-10-02,,Q4 Nurture\n",
        encoding="utf-8",
    )
    first = ingest_file(store, "engagements", events, quiet=True)
    again = ingest_file(EmbeddedStore(tmp_path / "ws"), "engagements", events, quiet=True)
    assert (first.loaded, first.new) == (3, 3)
    assert (again.loaded, again.new) == (3, 0)
    assert EmbeddedStore(tmp_path / "ws").event_count() == 3


def test_demo_reset_keeps_the_user_s_data_on_both_stores(store, tmp_path):
    from abmgraph.demo_run import run_demo

    workspace = Workspace(tmp_path / "ws-record")
    run_demo(store, workspace, 8, 3, "2026-11-01", tmp_path / "demo")
    again = run_demo(store, workspace, 9, 3, "2026-11-01", tmp_path / "demo", reset=True)
    assert again.accounts == 9
    (tmp_path / "accounts.csv").write_bytes(ACCOUNTS)
    ingest_file(store, "accounts", tmp_path / "accounts.csv", quiet=True)
    with pytest.raises(StoreError, match="holds data that the demo did not load"):
        run_demo(store, workspace, 8, 3, "2026-11-01", tmp_path / "demo", reset=True)
    accounts = store.table("accounts")
    assert len(accounts) == 11
    assert {"A1", "A2"} <= set(accounts["account_id"])


def test_a_chart_never_replaces_a_fifo(scored, tmp_path):
    fifo = tmp_path / "lift.png"
    os.mkfifo(fifo)
    result = run(scored, "backtest", "--as-of", "2026-08-01", "--chart", str(fifo))
    assert result.exit_code == 1
    assert f"--chart {fifo} is a pipe (FIFO), not a regular file; give a file path." in (
        result.output
    )
    assert stat.S_ISFIFO(fifo.stat().st_mode)
