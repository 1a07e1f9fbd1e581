"""The watcher on both stores: batches, failures, ordering, half-written files, stopping."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from abmgraph.cli import cli
from abmgraph.graph.store import GraphStore, open_store
from abmgraph.scoring.config import ScoringConfig, config_from_dict
from abmgraph.scoring.engine import parse_as_of
from abmgraph.watch import Watcher
from abmgraph.watch.batch import FileOutcome
from abmgraph.watch.summary import WatchSummary
from abmgraph.workspace import Workspace
from tests.conftest import AS_OF, GraphBuilder, score

NOW = parse_as_of(AS_OF)


def _write(folder: Path, name: str, lines: list[str], mtime: int | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if mtime is not None:
        os.utime(path, ns=(mtime, mtime))
    return path


def _fresh(store: GraphStore, tmp_path: Path) -> GraphStore:
    """The store as another process opens it (the embedded store keeps what it read)."""
    return open_store(store.backend, tmp_path / "ws", uri=os.environ.get("NEO4J_URI"))


def _watcher(
    store: GraphStore,
    tmp_path: Path,
    config: ScoringConfig | None = None,
    *,
    clock: pd.Timestamp = NOW,
    **options,
) -> Watcher:
    options.setdefault("sleep", lambda seconds: None)
    return Watcher(
        tmp_path / "inbox",
        lambda: _fresh(store, tmp_path),
        Workspace(tmp_path / "ws"),
        config or ScoringConfig(),
        clock=lambda: clock,
        **options,
    )


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def seeded(store: GraphStore, builder: GraphBuilder) -> GraphStore:
    """One account with two contacts, scored: what a watched store holds before files land."""
    builder.account("A1").contact("C1", "A1").contact("C2", "A1", seniority="vp")
    builder.load(store)
    score(store)
    return store


def test_once_files_good_bad_and_unknown_files(seeded: GraphStore, tmp_path: Path):
    inbox = tmp_path / "inbox"
    _write(inbox, "accounts-new.csv", ["account_id,name,domain", "A2,Beta Corp,beta.com"])
    _write(
        inbox,
        "engagements-today.csv",
        [
            "event_id,contact_id,type,occurred_at",
            "W1,C1,demo_request,2026-10-30",
            "W2,C2,pricing_page_view,2026-10-31",
            "W3,NOPE,demo_request,2026-10-31",
        ],
    )
    _write(inbox, "contacts-broken.csv", ["account_id,first_name", "A1,Ann"])
    _write(inbox, "notes.txt", ["call Ann back"])
    lines: list[str] = []

    summary = _watcher(seeded, tmp_path, report=lines.append).run(once=True)

    assert _names(inbox) == ["done", "failed"]
    assert _names(inbox / "done") == [
        "accounts-new.csv",
        "engagements-today.csv",
        "engagements-today.csv.rejects.csv",
    ]
    assert _names(inbox / "failed") == [
        "contacts-broken.csv",
        "contacts-broken.csv.reason.txt",
        "notes.txt",
        "notes.txt.reason.txt",
    ]
    assert (inbox / "failed" / "contacts-broken.csv.reason.txt").read_text() == (
        f"file {inbox / 'contacts-broken.csv'} has no column contact_id (required for "
        "contacts); columns found: account_id, first_name; use --preset salesforce|hubspot "
        "if it is a CRM export.\n"
    )
    assert (inbox / "failed" / "notes.txt.reason.txt").read_text() == (
        "notes.txt: the name does not say what the file holds; name a file after its kind, "
        "then '-' and anything (accounts-*, contacts-*, engagements-*, intent-*, "
        "opportunities-*, opportunity-contacts-*, feedback-*, sales-activities-*), with one of "
        "the extensions .csv, .tsv, "
        ".txt, .parquet, .pq, .jsonl, .ndjson, .json; a CRM export starts with "
        "'salesforce-' or 'hubspot-'.\n"
    )
    rejects = pd.read_csv(inbox / "done" / "engagements-today.csv.rejects.csv")
    assert rejects[["source_line", "field", "severity", "event_id"]].values.tolist() == [
        [4, "contact_id", "rejected", "W3"]
    ]
    # The failures changed nothing: two accounts, the two contacts, two new events.
    with _fresh(seeded, tmp_path) as after:
        counts = after.counts()
        assert (counts["accounts"], counts["contacts"], counts["engagements"]) == (2, 2, 2)
        assert sorted(after.scores("accounts")["account_id"]) == ["A1", "A2"]

    assert [(f.name, f.status, f.loaded, f.rejected) for f in summary.files] == [
        ("accounts-new.csv", "done", 1, 0),
        ("contacts-broken.csv", "failed", 0, 0),
        ("engagements-today.csv", "done", 2, 1),
        ("notes.txt", "failed", 0, 0),
    ]
    # One rescore for the batch, of the two accounts it touched: A2 is new, A1 has events.
    rescore = summary.rescores[0]
    assert len(summary.rescores) == 1 and rescore.error is None
    assert (rescore.mode, rescore.accounts_rescored, rescore.as_of) == ("incremental", 2, NOW)
    assert summary.left == [] and not summary.ok and not summary.stopped
    assert lines[0].startswith("accounts-new.csv: accounts, loaded 1, rejected 0 in ")
    assert lines[-1].startswith("rescore: ")
    assert summary.line() == (
        f"Watched {inbox}: 2 files done, 2 failed (reasons in {inbox / 'failed'}); "
        "3 rows loaded, 1 rejected; 1 rescore, 0 alerts."
    )


def test_parents_are_ingested_before_children_dropped_earlier(store: GraphStore, tmp_path: Path):
    inbox = tmp_path / "inbox"
    # Dropped in the wrong order: the events first, their account last.
    _write(
        inbox,
        "engagements-1.csv",
        ["event_id,contact_id,type,occurred_at", "E1,C9,demo_request,2026-10-30"],
        mtime=1_000,
    )
    _write(inbox, "contacts-1.csv", ["contact_id,account_id,email", "C9,A9,c9@a9.com"], 2_000)
    _write(inbox, "accounts-1.csv", ["account_id,name", "A9,Nine"], mtime=3_000)

    summary = _watcher(store, tmp_path).run(once=True)

    assert [(f.name, f.loaded, f.rejected) for f in summary.files] == [
        ("accounts-1.csv", 1, 0),
        ("contacts-1.csv", 1, 0),
        ("engagements-1.csv", 1, 0),
    ]
    with _fresh(store, tmp_path) as after:
        assert after.event_count() == 1
    assert summary.ok and _names(inbox / "done") == [
        "accounts-1.csv",
        "contacts-1.csv",
        "engagements-1.csv",
    ]


def test_a_file_still_being_written_waits_for_the_next_poll(seeded: GraphStore, tmp_path: Path):
    inbox = tmp_path / "inbox"
    header = "event_id,contact_id,type,occurred_at"
    _write(inbox, "engagements-done.csv", [header, "D1,C1,email_open,2026-10-30"])
    growing = _write(inbox, "engagements-growing.csv", [header, "G1,C1,demo_request,2026-10-30"])

    def writer_still_busy(seconds: float) -> None:  # the writer appends between two looks
        with growing.open("a", encoding="utf-8") as handle:
            handle.write("G2,C2,demo_request,2026-10-3")

    summary = _watcher(seeded, tmp_path, sleep=writer_still_busy).run(once=True)

    assert [f.name for f in summary.files] == ["engagements-done.csv"]
    assert summary.left == ["engagements-growing.csv"] and summary.ok
    with _fresh(seeded, tmp_path) as after:
        assert after.event_count() == 1
    with growing.open("a", encoding="utf-8") as handle:  # the writer finishes the line
        handle.write("1\n")

    again = _watcher(seeded, tmp_path).run(once=True)

    assert [(f.name, f.loaded, f.rejected) for f in again.files] == [
        ("engagements-growing.csv", 2, 0)
    ]
    with _fresh(seeded, tmp_path) as after:
        assert after.event_count() == 3 and _names(inbox) == ["done"]


def test_a_stop_request_lets_the_current_file_finish(seeded: GraphStore, tmp_path: Path):
    inbox = tmp_path / "inbox"
    _write(inbox, "accounts-1.csv", ["account_id,name", "A2,Beta"], mtime=1_000)
    _write(inbox, "contacts-1.csv", ["contact_id,account_id", "C3,A2"], mtime=2_000)
    _write(inbox, "contacts-2.csv", ["contact_id,account_id", "C4,A2"], mtime=3_000)
    watcher = _watcher(seeded, tmp_path)

    def stop_after_first_file(line: str) -> None:  # Ctrl-C while the first file loads
        if line.startswith("accounts-1.csv"):
            watcher.request_stop()

    watcher.report = stop_after_first_file
    summary = watcher.run()  # not --once: only the stop request ends it

    assert summary.stopped and [f.name for f in summary.files] == ["accounts-1.csv"]
    # The loaded file was rescored and filed; the rest wait, whole, for the next run.
    assert [(r.mode, r.accounts_rescored) for r in summary.rescores] == [("incremental", 1)]
    with _fresh(seeded, tmp_path) as after:
        assert sorted(after.scores("accounts")["account_id"]) == ["A1", "A2"]
        assert after.counts()["contacts"] == 2
    assert _names(inbox / "done") == ["accounts-1.csv"]
    assert _names(inbox) == ["contacts-1.csv", "contacts-2.csv", "done"]
    assert summary.left == ["contacts-1.csv", "contacts-2.csv"]
    assert summary.line().startswith(f"Stopped watching {inbox}: 1 file done, 2 left in the")


def test_a_full_rescore_runs_when_the_oldest_score_is_full_every_old(
    seeded: GraphStore, tmp_path: Path
):
    (tmp_path / "inbox").mkdir()
    # Scored at NOW: 23 hours later nothing is due, 24 hours later a full rescore runs.
    early = _watcher(seeded, tmp_path, clock=NOW + pd.Timedelta(hours=23)).run(once=True)
    assert early.rescores == []
    later = NOW + pd.Timedelta(hours=24)
    due = _watcher(seeded, tmp_path, clock=later).run(once=True)
    assert [(r.mode, r.accounts_rescored, r.as_of, r.error) for r in due.rescores] == [
        ("full", 1, later, None)
    ]
    with _fresh(seeded, tmp_path) as after:
        assert pd.Timestamp(after.score_meta()["as_of"]) == later
    # The interval comes from [watch] full_every, or from the caller.
    hourly = config_from_dict({"watch": {"full_every": "1h"}})
    soon = later + pd.Timedelta(minutes=61)
    assert len(_watcher(seeded, tmp_path, hourly, clock=soon).run(once=True).rescores) == 1
    again = _watcher(
        seeded, tmp_path, clock=soon + pd.Timedelta(minutes=59), full_every=timedelta(hours=1)
    )
    assert again.run(once=True).rescores == []


def test_a_file_that_loads_nothing_is_filed_without_a_rescore(store: GraphStore, tmp_path: Path):
    inbox = tmp_path / "inbox"
    # Into an empty store: every event is rejected and the store stays empty, so the
    # rescore has nothing to score (and no file loaded rows, so none is tried).
    _write(inbox, "engagements-1.csv", ["event_id,contact_id,type,occurred_at", "E1,C1,x,2026"])
    summary = _watcher(store, tmp_path).run(once=True)
    assert [(f.status, f.loaded, f.rejected) for f in summary.files] == [("done", 0, 1)]
    assert summary.rescores == [] and summary.ok
    assert _names(inbox / "done") == ["engagements-1.csv", "engagements-1.csv.rejects.csv"]


def test_the_full_every_setting_is_kept_out_of_the_config_hash():
    from abmgraph.scoring.config import config_hash

    changed = config_from_dict({"watch": {"full_every": "6h"}})
    assert changed.watch.full_interval == timedelta(hours=6)
    assert config_hash(changed) == config_hash(ScoringConfig())


def test_a_bad_duration_is_a_config_error():
    from abmgraph.errors import ConfigError

    with pytest.raises(ConfigError, match=r"watch\.full_every: Value error, 'soon' is not a"):
        config_from_dict({"watch": {"full_every": "soon"}})


def test_cli_once_exits_1_when_a_file_failed(tmp_path: Path):
    workspace = tmp_path / "ws"
    inbox = tmp_path / "inbox"
    _write(inbox, "accounts-1.csv", ["account_id,name", "A1,One"])
    _write(inbox, "contacts-1.csv", ["contact_id,account_id", "C1,A1"])
    _write(inbox, "readme.md", ["not data"])
    runner = CliRunner()
    result = runner.invoke(cli, ["--workspace", str(workspace), "watch", str(inbox), "--once"])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == (
        f"Error: 1 of 3 files failed (see {inbox / 'failed'}/*.reason.txt)"
    )
    assert (
        "Watched " in result.output
        and "rescore: full (the store was never scored), 1 account rescored" in result.output
    )
    status = runner.invoke(cli, ["--workspace", str(workspace), "status", "--format", "json"])
    assert '"accounts": 1' in status.output and '"contacts": 1' in status.output
    # Nothing new: a second run has nothing to do and succeeds.
    quiet = runner.invoke(cli, ["--workspace", str(workspace), "watch", str(inbox), "--once"])
    assert quiet.exit_code == 0, quiet.output


def test_cli_refuses_a_bad_duration_and_a_missing_folder(tmp_path: Path):
    runner = CliRunner()
    (tmp_path / "inbox").mkdir()
    bad = runner.invoke(cli, ["watch", str(tmp_path / "inbox"), "--full-every", "soon"])
    assert bad.exit_code == 2 and "'soon' is not a duration" in bad.output
    missing = runner.invoke(cli, ["watch", str(tmp_path / "nowhere"), "--once"])
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_a_crm_export_loads_through_the_preset_its_name_gives(store: GraphStore, tmp_path: Path):
    inbox = tmp_path / "inbox"
    _write(inbox, "salesforce-accounts-0612.csv", ["Id,Name,Website", "001A,Acme,acme.com"])
    _write(
        inbox,
        "salesforce-contacts-0612.csv",
        ["Id,AccountId,LastName,Email", "003A,001A,Lee,ann@acme.com"],
    )
    summary = _watcher(store, tmp_path).run(once=True)
    assert [(f.kind, f.loaded, f.rejected) for f in summary.files] == [
        ("accounts", 1, 0),
        ("contacts", 1, 0),
    ]
    with _fresh(store, tmp_path) as after:
        accounts = after.table("accounts")
        assert accounts[["account_id", "domain", "crm_source"]].values.tolist() == [
            ["001A", "acme.com", "salesforce"]
        ]
        assert after.table("contacts")["account_id"].tolist() == ["001A"]


def test_sigterm_stops_the_watcher_cleanly_with_a_summary(tmp_path: Path):
    import signal
    import subprocess
    import sys

    (tmp_path / "inbox").mkdir()
    command = [sys.executable, "-m", "abmgraph", "--workspace", str(tmp_path / "ws")]
    child = subprocess.Popen(
        [*command, "watch", str(tmp_path / "inbox"), "--poll", "0.1"],
        stderr=subprocess.PIPE,
        text=True,
    )
    first = child.stderr.readline()
    assert first.startswith(f"Watching {tmp_path / 'inbox'} every 0.1 s, a full rescore every 1d")
    child.send_signal(signal.SIGTERM)
    rest = child.stderr.read()
    assert child.wait(timeout=60) == 0, rest
    assert rest.splitlines() == [
        "Stopping after the current file (Ctrl-C again aborts at once).",
        f"Stopped watching {tmp_path / 'inbox'}: 0 files done; 0 rows loaded, 0 rejected; "
        "0 rescores, 0 alerts.",
    ]


def test_what_another_command_wrote_between_batches_is_kept(seeded: GraphStore, tmp_path: Path):
    inbox = tmp_path / "inbox"
    _write(inbox, "accounts-1.csv", ["account_id,name", "A2,Beta"])
    watcher = _watcher(seeded, tmp_path)
    assert [f.loaded for f in watcher.run(once=True).files] == [1]
    # Between two polls, another command ingests an account (the lock is free then)...
    with _fresh(seeded, tmp_path) as other:
        GraphBuilder(tmp_path / "other").account("A3").load(other)
    # ... and the next batch, from the same watcher, sees it and keeps it.
    _write(inbox, "contacts-1.csv", ["contact_id,account_id", "C3,A3"])
    assert [(f.loaded, f.rejected) for f in watcher.run(once=True).files] == [(1, 0)]
    with _fresh(seeded, tmp_path) as after:
        assert sorted(after.table("accounts")["account_id"]) == ["A1", "A2", "A3"]
        assert sorted(after.table("contacts")["account_id"]) == ["A1", "A1", "A3"]


def _baseline(store: GraphStore, tmp_path: Path) -> None:
    """A first recorded run, so the watcher's rescores have one to alert against."""
    from abmgraph.alerts import after_score

    after_score(tmp_path / "ws", store, score(store), ScoringConfig())


STRONG = [
    "event_id,contact_id,type,occurred_at",
    "W1,C2,demo_request,2026-10-31",
    "W2,C2,pricing_page_view,2026-10-31",
    "W3,C2,meeting_held,2026-10-31",
]


def test_each_rescore_writes_its_alerts(seeded: GraphStore, tmp_path: Path):
    _baseline(seeded, tmp_path)
    _write(tmp_path / "inbox", "engagements-1.csv", STRONG)
    lines: list[str] = []
    summary = _watcher(seeded, tmp_path, report=lines.append).run(once=True)
    written = [
        json.loads(line) for line in (tmp_path / "ws" / "alerts.jsonl").read_text().splitlines()
    ]
    assert summary.rescores[0].alerts == len(written) > 0
    # The VP's demo request, pricing view and meeting take them past SQL (80).
    assert {"kind": "contact_sql", "contact_id": "C2", "after": "sql"}.items() <= next(
        a for a in written if a["contact_id"] == "C2"
    ).items()
    assert {a["at"] for a in written} == {NOW.isoformat()}
    assert f"1 account rescored, {len(written)} alerts written in " in lines[-1]


def test_an_undelivered_webhook_keeps_the_alerts_and_fails_once(
    seeded: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from abmgraph.errors import DeliveryError

    def refuse(url: str, payload: dict, key: str | None = None) -> int:
        raise DeliveryError("https://hooks.example.com answered 503")

    monkeypatch.setattr("abmgraph.alerts.run.post_alerts", refuse)
    _baseline(seeded, tmp_path)
    _write(tmp_path / "inbox", "engagements-1.csv", STRONG)
    summary = _watcher(seeded, tmp_path, webhook="https://hooks.example.com/x").run(once=True)
    rescore = summary.rescores[0]
    assert rescore.alerts > 0 and not summary.ok
    assert rescore.undelivered is not None
    assert rescore.undelivered.startswith("https://hooks.example.com answered 503; the ")
    assert rescore.line().endswith(f"; not delivered: {rescore.undelivered}")
    assert len((tmp_path / "ws" / "alerts.jsonl").read_text().splitlines()) == rescore.alerts
    assert _names(tmp_path / "inbox" / "done") == ["engagements-1.csv"]


def test_the_workspace_itself_is_never_watched(tmp_path: Path):
    from abmgraph.errors import InputError

    workspace = Workspace(tmp_path / "ws")
    for folder in (tmp_path / "ws", tmp_path / "ws" / "inbox"):
        with pytest.raises(InputError, match=r"is inside the workspace .*Watch a folder of its"):
            Watcher(folder, lambda: None, workspace, ScoringConfig())  # type: ignore[arg-type]


def test_the_summary_names_the_folder_as_given(store: GraphStore, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inbox").mkdir()
    watcher = Watcher(
        Path("inbox"),
        lambda: _fresh(store, tmp_path),
        Workspace(Path("ws")),
        ScoringConfig(),
        sleep=lambda s: None,
    )
    assert watcher.run(once=True).line() == (
        "Watched inbox: 0 files done; 0 rows loaded, 0 rejected; 0 rescores, 0 alerts."
    )


def test_an_unreachable_store_leaves_every_file_for_the_next_poll(
    seeded: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from abmgraph.errors import StoreUnavailableError
    from abmgraph.watch import batch

    inbox = tmp_path / "inbox"
    _write(inbox, "accounts-1.csv", ["account_id,name", "A2,Beta"])
    _write(inbox, "contacts-1.csv", ["contact_id,account_id", "C3,A2"])
    real = batch.ingest_file

    def server_down_for_contacts(store, kind, path, **options):
        if kind == "contacts":
            raise StoreUnavailableError("Neo4j at bolt://db:7687 cannot be reached.")
        return real(store, kind, path, **options)

    monkeypatch.setattr(batch, "ingest_file", server_down_for_contacts)
    lines: list[str] = []
    watcher = _watcher(seeded, tmp_path, report=lines.append)
    watcher.sleep = lambda seconds: watcher.request_stop() if lines else None
    summary = watcher.run()  # watching: the error is reported and the next poll tries again
    assert lines[-1] == (
        "store unavailable, trying again at the next poll: "
        "Neo4j at bolt://db:7687 cannot be reached."
    )
    assert summary.files == [] and summary.left == ["accounts-1.csv", "contacts-1.csv"]
    assert _names(inbox) == ["accounts-1.csv", "contacts-1.csv", "done"]
    assert _names(inbox / "done") == []
    with pytest.raises(StoreUnavailableError):  # with --once it is the command's error
        _watcher(seeded, tmp_path).run(once=True)


def test_a_spreadsheet_named_by_kind_fails_with_the_readers_advice(
    store: GraphStore, tmp_path: Path
):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "accounts-q4.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    summary = _watcher(store, tmp_path).run(once=True)
    assert [(f.name, f.kind, f.status) for f in summary.files] == [
        ("accounts-q4.xlsx", "accounts", "failed")
    ]
    reason = (inbox / "failed" / "accounts-q4.xlsx.reason.txt").read_text()
    assert reason.startswith(f"{inbox / 'accounts-q4.xlsx'}: is a spreadsheet, which cannot be")
    assert "export the sheet as CSV UTF-8" in reason


def test_a_file_rewritten_while_it_loads_stays_to_load_again(seeded: GraphStore, tmp_path: Path):
    inbox = tmp_path / "inbox"
    header = "event_id,contact_id,type,occurred_at"
    path = _write(inbox, "engagements-1.csv", [header, "R1,C1,email_open,2026-10-30"], 1_000)

    def rewrite_after_loading(line: str) -> None:  # the writer replaces the file meanwhile
        if line.startswith("engagements-1.csv: engagements"):
            _write(inbox, path.name, [header, "R1,C1,email_open,2026-10-30", "R2,C2,x,2026"])

    summary = _watcher(seeded, tmp_path, report=rewrite_after_loading).run(once=True)
    assert [(f.name, f.status, f.loaded) for f in summary.files] == [
        ("engagements-1.csv", "changed", 1)
    ]
    assert summary.left == ["engagements-1.csv"] and summary.ok
    assert _names(inbox / "done") == [] and len(summary.rescores) == 1
    again = _watcher(seeded, tmp_path).run(once=True)  # the whole new version, R1 not twice
    assert [(f.status, f.loaded, f.rejected) for f in again.files] == [("done", 1, 1)]
    with _fresh(seeded, tmp_path) as after:
        assert after.event_count() == 1


def test_the_closing_line_counts_one_file_and_one_row_in_the_singular(tmp_path: Path):
    summary = WatchSummary(tmp_path / "inbox")
    summary.files.append(
        FileOutcome("engagements-1.csv", "engagements", "done", tmp_path / "done", loaded=1)
    )
    assert summary.line() == (
        f"Watched {tmp_path / 'inbox'}: 1 file done; 1 row loaded, 0 rejected; "
        "0 rescores, 0 alerts."
    )
