"""The watched folder on its own: the naming rule, stability, order and the moves."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from abmgraph.watch.inbox import Inbox, Signature, is_ignored, kind_of, parse_name


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("accounts.csv", "accounts"),
        ("accounts-2026-12-06.csv", "accounts"),
        ("Contacts_export.CSV", "contacts"),
        ("engagements-web.parquet", "engagements"),
        ("intent-bombora.jsonl", "intent"),
        ("opportunities-q4.json", "opportunities"),
        ("opportunity-contacts-q4.csv", "opportunity-contacts"),
        ("opportunity_contacts.ndjson", "opportunity-contacts"),
        ("engagements-1.tsv", "engagements"),
        ("salesforce-contacts-0612.csv", "contacts"),
        ("hubspot_accounts.csv", "accounts"),
        # No kind, or not a format ingest reads.
        ("notes.csv", None),
        ("accountsfile.csv", None),
        # A kind's name in a format ingest cannot read: the ingest says why.
        ("engagements-1.xlsx", "engagements"),
        ("engagements", "engagements"),
        ("my-accounts.csv", None),
        ("salesforce.csv", None),
        ("marketo-engagements.csv", None),
    ],
)
def test_the_name_says_the_kind(name: str, kind: str | None):
    assert kind_of(name) == kind


def test_the_kinds_are_those_ingest_takes_in_load_order():
    from abmgraph.cli.app import INGEST_KINDS
    from abmgraph.watch.inbox import KIND_ORDER

    assert (
        KIND_ORDER
        == tuple(INGEST_KINDS)
        == (
            "accounts",
            "contacts",
            "engagements",
            "intent",
            "opportunities",
            "opportunity-contacts",
            "feedback",
            "sales-activities",
        )
    )


def test_a_crm_export_names_its_preset_first():
    assert parse_name("salesforce-accounts-1.csv") == ("accounts", "salesforce")
    assert parse_name("HubSpot-Contacts.csv") == ("contacts", "hubspot")
    assert parse_name("accounts-salesforce.csv") == ("accounts", "native")


@pytest.mark.parametrize(
    "name",
    [
        ".engagements-1.csv",
        "engagements-1.csv.part",
        "engagements-1.csv.tmp",
        "engagements-1.csv.crdownload",
        "engagements-1.csv~",
        "~$engagements-1.csv",
        "#engagements-1.csv#",
    ],
)
def test_dotfiles_and_temporary_names_are_ignored(name: str, tmp_path: Path):
    assert is_ignored(name)
    (tmp_path / name).write_text("x")
    (tmp_path / "done").mkdir()  # folders are never candidates either
    assert Inbox(tmp_path).look() == {}


def test_an_empty_folder_has_nothing_to_take(tmp_path: Path):
    assert Inbox(tmp_path).look() == {}
    assert Inbox.stable({}, {}) == []


def _drop(folder: Path, name: str, mtime: int, text: str = "x\n") -> None:
    path = folder / name
    path.write_text(text)
    os.utime(path, ns=(mtime, mtime))


def test_only_files_unchanged_between_two_looks_are_taken(tmp_path: Path):
    inbox = Inbox(tmp_path)
    _drop(tmp_path, "accounts-1.csv", 1_000)
    _drop(tmp_path, "engagements-1.csv", 1_000)
    first = inbox.look()
    assert first["accounts-1.csv"] == Signature(1_000, 2)
    with (tmp_path / "engagements-1.csv").open("a") as handle:  # still being written
        handle.write("more\n")
    _drop(tmp_path, "contacts-1.csv", 1_000)  # new since the first look
    second = inbox.look()
    assert Inbox.stable(first, second) == ["accounts-1.csv"]
    # One poll later the other two have stood still too.
    assert Inbox.stable(second, inbox.look()) == [
        "accounts-1.csv",
        "contacts-1.csv",
        "engagements-1.csv",
    ]


def test_same_size_but_a_new_mtime_is_not_stable(tmp_path: Path):
    inbox = Inbox(tmp_path)
    _drop(tmp_path, "accounts-1.csv", 1_000, "abc\n")
    first = inbox.look()
    _drop(tmp_path, "accounts-1.csv", 2_000, "xyz\n")
    assert Inbox.stable(first, inbox.look()) == []


def test_order_is_kind_then_time_then_name(tmp_path: Path):
    inbox = Inbox(tmp_path)
    # Dropped children first, parents last: the oldest file is an engagements file.
    _drop(tmp_path, "opportunity-contacts-1.csv", 100)
    _drop(tmp_path, "engagements-b.csv", 200)
    _drop(tmp_path, "engagements-a.csv", 300)
    _drop(tmp_path, "engagements-c.csv", 300)
    _drop(tmp_path, "notes.csv", 50)
    _drop(tmp_path, "intent-1.csv", 400)
    _drop(tmp_path, "opportunities-1.csv", 500)
    _drop(tmp_path, "contacts-1.csv", 600)
    _drop(tmp_path, "accounts-1.csv", 700)
    look = inbox.look()
    assert Inbox.stable(look, look) == [
        "accounts-1.csv",
        "contacts-1.csv",
        "engagements-b.csv",  # older than a and c
        "engagements-a.csv",  # same time as c: by name
        "engagements-c.csv",
        "intent-1.csv",
        "opportunities-1.csv",
        "opportunity-contacts-1.csv",
        "notes.csv",  # no kind: last, only to be moved to failed/
    ]


def test_a_name_dropped_again_gets_a_free_name(tmp_path: Path):
    inbox = Inbox(tmp_path)
    for round_ in (1, 2, 3):
        (tmp_path / "engagements-daily.csv").write_text(f"round {round_}\n")
        target = inbox.done_target("engagements-daily.csv")
        inbox.move_done("engagements-daily.csv", target)
    assert sorted(p.name for p in inbox.done.iterdir()) == [
        "engagements-daily-2.csv",
        "engagements-daily-3.csv",
        "engagements-daily.csv",
    ]
    assert (inbox.done / "engagements-daily-3.csv").read_text() == "round 3\n"
    assert not (tmp_path / "engagements-daily.csv").exists()


def test_names_reserved_in_a_batch_are_not_given_twice(tmp_path: Path):
    inbox = Inbox(tmp_path)
    inbox.done.mkdir()
    (inbox.done / "engagements.csv").write_text("old\n")
    # engagements.csv would become engagements-2.csv, which another file of the batch
    # already holds as its own name.
    first = inbox.done_target("engagements-2.csv")
    second = inbox.done_target("engagements.csv", taken={first.name})
    assert (first.name, second.name) == ("engagements-2.csv", "engagements-3.csv")


def test_a_failed_file_moves_with_its_reason(tmp_path: Path):
    inbox = Inbox(tmp_path)
    for _ in range(2):
        (tmp_path / "notes.csv").write_text("hello\n")
        inbox.move_failed("notes.csv", "no kind\n")
    assert sorted(p.name for p in inbox.failed.iterdir()) == [
        "notes-2.csv",
        "notes-2.csv.reason.txt",
        "notes.csv",
        "notes.csv.reason.txt",
    ]
    assert (inbox.failed / "notes-2.csv.reason.txt").read_text() == "no kind\n"
    assert list(tmp_path.glob("*.csv")) == []


def test_a_folder_that_cannot_be_written_is_a_clear_error(tmp_path: Path):
    from abmgraph.errors import InputError

    inbox = Inbox(tmp_path)
    (tmp_path / "engagements-1.csv").write_text("x\n")
    (tmp_path / "done").write_text("a file where the folder should be\n")
    with pytest.raises(InputError, match=r"^cannot create .*done \(File exists\); check that"):
        inbox.done_target("engagements-1.csv")
    with pytest.raises(InputError, match=r"^cannot list the watched folder .*nowhere"):
        Inbox(tmp_path / "nowhere").look()
