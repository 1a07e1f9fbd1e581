"""Bulk import: the files neo4j-admin reads hold the graph the driver builds.

The file tests need no server. The one marked ``neo4j`` imports into a
throwaway local server (``scripts/neo4j-local`` on port ``NEO4J_IMPORT_PORT``,
default 7696), so it needs Java and the Neo4j jars, which ``make test``
fetches; it compares the result with the same tables loaded through the
driver into the test server.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner
from test_neo4j_store import (
    HOSTILE,
    assert_same_graph,
    event,
    frame,
    load,
    plain_lists,
    sample,
    snapshot,
    with_late_contact,
)

from abmgraph.cli import cli
from abmgraph.errors import StoreError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.neo4j_import import ARGUMENTS_FILE, write_import_files
from abmgraph.graph.neo4j_import_csv import _for_csv
from abmgraph.graph.neo4j_store import Neo4jStore
from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.engine import parse_as_of, score_store

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "neo4j-local"
IMPORT_PORT = int(os.environ.get("NEO4J_IMPORT_PORT", "7696"))


@pytest.fixture
def workspace(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "ws")
    load(store, sample())
    return store


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def pairs(folder: Path, name: str) -> list[tuple[int, int]]:
    """A relationship file's (start, end) as rows of their node files.

    Node ids run on across the node files (``--id-type=actual``); each
    node's row in its own file is its id less the file's first id.
    """
    first = {}
    for line in (folder / ARGUMENTS_FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith("--nodes="):
            ids = read(folder, line.split("=")[-1])[":ID"].astype(int)
            first.update(dict.fromkeys(ids, ids.min()))
    rows = read(folder, name)
    return [
        (int(a) - first[int(a)], int(b) - first[int(b)])
        for a, b in zip(rows.iloc[:, 0], rows.iloc[:, 1], strict=True)
    ]


# -- the files ------------------------------------------------------------------------
def test_files_hold_the_graph_of_the_tables(workspace: EmbeddedStore, tmp_path: Path):
    folder = tmp_path / "import"
    files = write_import_files(workspace, folder)

    # Node ids run on from file to file: accounts A1 A2 A3 are 0-2, contacts C1-C4 3-6.
    assert read(folder, "contacts.csv")[":ID"].tolist() == ["3", "4", "5", "6"]
    assert read(folder, "works_at.csv").values.tolist() == [["3", "0"], ["4", "0"], ["5", "2"]]
    # Below, ends are rows of their files: contacts C1 C2 C3 C4, opportunities O1 O2, ….
    assert pairs(folder, "works_at.csv") == [(0, 0), (1, 0), (2, 2)]  # C4 has no account
    assert pairs(folder, "reports_to.csv") == [(1, 0)]  # C3's manager C9 is not stored
    assert pairs(folder, "worked_at.csv") == [(0, 2)]  # "A3;A9": A9 is not stored
    assert pairs(folder, "subsidiary_of.csv") == [(2, 1)]
    assert pairs(folder, "has_opportunity.csv") == [(0, 0), (2, 1)]
    assert read(folder, "roles.csv")["name"].tolist() == ["decision_maker", "champion"]
    assert pairs(folder, "has_role.csv") == [(0, 0), (1, 1)]
    assert read(folder, "has_role.csv")["source"].tolist() == ["explicit", "explicit"]
    # A7's intent waits for A7; A1's two observations of crm are two relationships.
    assert read(folder, "topics.csv")["name"].tolist() == ["crm"]
    intent = read(folder, "shows_intent.csv")
    assert pairs(folder, "shows_intent.csv") == [(0, 0), (0, 0)]
    assert intent["score:double"].tolist() == ["80", "60"]
    assert intent["observed_at:datetime"].tolist() == [
        "2026-10-29T00:00:00Z",
        "2026-10-22T00:00:00Z",
    ]
    roles = read(folder, "contact_role.csv")
    assert pairs(folder, "contact_role.csv") == [(1, 0), (0, 0), (2, 1)]
    assert roles["role"].tolist() == ["champion", "economic_buyer", ""]
    assert roles["is_primary:boolean"].tolist() == ["true", "", ""]

    # Eight events, seven with their contact; C9's is marked to be linked when C9 arrives.
    events = read(folder, "engagements.csv")
    assert events[":LABEL"].tolist() == [""] * 7 + ["AwaitingContact"]
    # Only the waiting event keeps its contact_id; PERFORMED holds the time in microseconds.
    assert events["contact_id"].tolist() == [""] * 7 + ["C9"]
    assert "occurred_us" not in events.columns and "occurred_us:long" not in events.columns
    assert events["event_key:long"].tolist()[3] == str(2**63 + 7 - 2**64)  # same 64 bits
    assert events["occurred_at:datetime"].tolist()[0] == "2026-10-30T12:00:00Z"
    performed = read(folder, "performed.csv")
    assert pairs(folder, "performed.csv") == [
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 3),
        (1, 4),
        (2, 5),
        (2, 6),
    ]
    assert performed["type"].tolist()[:2] == ["pricing_page_view", "pricing_page_view"]
    assert performed["occurred_us:long"].tolist()[0] == str(1_793_361_600_000_000)

    # Rows are numbered in ingest order by one sequence, which continues after the import.
    assert read(folder, "contacts.csv")["_seq:long"].tolist() == ["3", "4", "5", "6"]
    meta = read(folder, "meta.csv").set_index("key")
    assert meta.loc["sequence", "next:long"] == "15"
    assert meta.loc["schema", "pending:boolean"] == "true"
    assert meta.loc["table:accounts", "columns:string[]"].split("\x1f")[-1] == "tier_hint"

    assert files.node_count == 3 + 4 + 3 + 2 + 3 + 2 + 1 + 8 + 7  # … roles, topic, events, meta
    assert files.relationship_count == 3 + 1 + 1 + 1 + 2 + 2 + 2 + 3 + 7
    arguments = (folder / ARGUMENTS_FILE).read_text(encoding="utf-8").splitlines()
    assert arguments[:2] == ["--id-type=actual", "--array-delimiter=U+001F"]
    assert "--nodes=Engagement=engagements.csv" in arguments
    assert "--relationships=PERFORMED=performed.csv" in arguments
    assert "--multiline-fields=true" not in arguments


def test_the_workspace_scores_travel_with_it(workspace: EmbeddedStore, tmp_path: Path):
    score_store(workspace, ScoringConfig(), parse_as_of("2026-11-01"))
    stored = {level: workspace.scores(level) for level in ("contacts", "accounts")}
    # A contact stored after the score has no scores yet.
    workspace.upsert("contacts", frame("contacts", {"contact_id": "C5", "account_id": "A1"}))
    folder = tmp_path / "import"
    files = write_import_files(workspace, folder)

    meta = read(folder, "meta.csv").set_index("key")
    run = meta.loc["scores", "run"]
    # C5 came after the score: the change log position stays behind, so the graph's
    # first score is a full one.
    carried = {k: v for k, v in workspace.score_meta().items() if k != "changes_seq"}
    assert json.loads(meta.loc["scores", "meta"]) == carried
    assert files.scores_as_of == "2026-11-01T23:59:59.999999+00:00"
    assert meta.loc["scores", "contacts_properties:string[]"].split("\x1f")[:3] == [
        "contact_id",
        "scored_account_id",  # account_id is a table column: the score keeps its own copy
        "score",
    ]

    contacts = read(folder, "contacts.csv").set_index("contact_id")
    assert contacts.loc["C5", "score:double"] == contacts.loc["C5", "_score_run"] == ""
    scored = contacts.drop(index="C5")
    assert set(scored["_score_run"]) == {run}
    expected = stored["contacts"].set_index("contact_id")
    # Contacts carry no rank: their scores read back in the contacts table's order.
    assert "_score_rank:long" not in scored.columns
    assert list(expected.index) == list(scored.index)
    assert (
        scored["score:double"].astype(float).tolist()
        == expected.loc[scored.index, "score"].tolist()
    )
    assert scored["engaged:boolean"].tolist() == [
        str(v).lower() for v in expected.loc[scored.index, "engaged"]
    ]

    accounts = read(folder, "accounts.csv").set_index("account_id")
    lists = stored["accounts"].set_index("account_id")
    for name in ("roles_covered", "missing_roles"):
        # Lists are arrays split on U+001F; an empty list is an empty field (no property).
        written = accounts[f"{name}:string[]"].map(lambda v: v.split("\x1f") if v else [])
        assert written.tolist() == [list(lists.loc[a, name]) for a in accounts.index]
    assert [] in [list(v) for v in lists["roles_covered"]]  # the sample covers the empty case
    assert accounts["tier:long"].tolist() == [str(t) for t in lists.loc[accounts.index, "tier"]]


def test_datetimes_are_written_as_the_importer_reads_them():
    stamps = pd.Series(
        ["2026-10-30T12:00:00Z", "1969-12-31T23:59:59.250001Z", "2026-01-02T03:04:05.5Z", None]
    )
    column = pa.chunked_array([pa.array(pd.to_datetime(stamps, utc=True, format="ISO8601"))])
    assert _for_csv("occurred_at", column).to_pylist() == [
        "2026-10-30T12:00:00Z",  # whole seconds without a fraction
        "1969-12-31T23:59:59.250001Z",
        "2026-01-02T03:04:05.500000Z",
        None,
    ]


def test_text_with_a_line_break_is_read_as_one_field(workspace: EmbeddedStore, tmp_path: Path):
    workspace.upsert("accounts", frame("accounts", {"account_id": "A4", "name": "Two\nlines"}))
    write_import_files(workspace, tmp_path / "import")
    arguments = (tmp_path / "import" / ARGUMENTS_FILE).read_text(encoding="utf-8")
    assert "--multiline-fields=true" in arguments.splitlines()


def test_a_column_name_the_importer_cannot_read_is_refused(
    workspace: EmbeddedStore, tmp_path: Path
):
    folder = tmp_path / "import"
    write_import_files(workspace, folder)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    workspace.upsert("accounts", frame("accounts", {"account_id": "A4", "name": "X", "a:b": "1"}))
    with pytest.raises(StoreError, match="'a:b' cannot be bulk imported"):
        write_import_files(workspace, folder, overwrite=True)
    # The failed run left the earlier files as they were, and nothing beside them.
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["import", "ws"]


def test_an_event_column_the_store_reserves_is_refused(workspace: EmbeddedStore, tmp_path: Path):
    # As the driver load refuses it: _seq is the store's own row order.
    late = frame("engagements", event(99, "C1", "page_view", 1))
    workspace.upsert("engagements", late.assign(_seq="x"))
    with pytest.raises(StoreError, match="column name '_seq' is reserved"):
        write_import_files(workspace, tmp_path / "import")


def test_only_import_files_are_replaced(workspace: EmbeddedStore, tmp_path: Path):
    folder = tmp_path / "import"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "accounts.csv").write_text("stale", encoding="utf-8")
    with pytest.raises(StoreError, match="not empty"):
        write_import_files(workspace, folder)
    write_import_files(workspace, folder, overwrite=True)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert read(folder, "accounts.csv")["account_id"].tolist() == ["A1", "A2", "A3"]


def test_an_empty_workspace_is_refused(tmp_path: Path):
    with pytest.raises(StoreError, match="holds no accounts or contacts"):
        write_import_files(EmbeddedStore(tmp_path / "ws"), tmp_path / "import")


def test_cli_writes_the_files_and_says_how_to_import_them(workspace: EmbeddedStore, tmp_path: Path):
    folder = tmp_path / "import"
    ws = str(tmp_path / "ws")
    result = CliRunner().invoke(
        cli, ["--workspace", ws, "neo4j-import", str(folder), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"file": "performed.csv", "holds": "relationships", "rows": 7} in rows
    assert "neo4j-admin database import full @neo4j-admin.args" in result.stderr
    assert "not scored: score after the import" in result.stderr

    again = CliRunner().invoke(cli, ["--workspace", ws, "neo4j-import", str(folder)])
    assert again.exit_code == 1
    assert again.output.strip().splitlines() == [
        f"Error: {folder} is not empty; choose an empty folder or pass --force."
    ]
    neo4j = CliRunner().invoke(cli, ["--workspace", ws, "--backend", "neo4j", "neo4j-import", "x"])
    assert neo4j.exit_code == 1 and "reads the embedded workspace" in neo4j.output


# -- into a real server ------------------------------------------------------------------
def hostile(tables: dict) -> dict:
    """The sample with text that is hard to quote: the importer must read it back verbatim."""
    odd = [HOSTILE, "`backtick`", "{brace}", 'say "hi", then\nleave', " padded ", "ünï ✓", ""]
    accounts = frame(
        "accounts",
        *[{"account_id": f"X{i}", "name": t, "industry": t, HOSTILE: t} for i, t in enumerate(odd)],
    )
    contacts = frame(
        "contacts",
        *[
            {"contact_id": f"{t}-c", "account_id": f"X{i}", "title": t, "buying_role": t}
            for i, t in enumerate(odd)
        ],
    )
    return {
        **tables,
        "accounts": pd.concat([tables["accounts"], accounts], ignore_index=True),
        "contacts": pd.concat([tables["contacts"], contacts], ignore_index=True),
    }


@pytest.mark.neo4j
def test_bulk_import_builds_the_graph_the_driver_builds(neo4j_server, tmp_path: Path):
    tables = hostile(sample())  # C9's event waits for C9
    embedded = EmbeddedStore(tmp_path / "ws")
    load(embedded, tables)
    # The workspace's scores travel with it, as the driver writes the same scores.
    score_store(embedded, ScoringConfig(), parse_as_of("2026-11-01"))
    scores = {level: embedded.scores(level) for level in ("contacts", "accounts")}
    files = write_import_files(embedded, tmp_path / "import")
    neo4j_server.clear()
    load(neo4j_server, tables)
    neo4j_server.write_scores(scores["contacts"], scores["accounts"], embedded.score_meta())
    expected = snapshot(neo4j_server)

    env = {**os.environ, "NEO4J_HEAP": "512m"}
    port = ["--port", str(IMPORT_PORT)]
    done = subprocess.run(
        [str(SCRIPT), "import", str(files.folder), *port], env=env, capture_output=True, text=True
    )
    try:
        assert done.returncode == 0, done.stderr[-3000:]
        imported = Neo4jStore.connect(uri=done.stdout.strip().splitlines()[-1])
        try:
            assert_same_graph(snapshot(imported), expected)
            assert imported.score_meta() == embedded.score_meta()
            for level, written in scores.items():
                pd.testing.assert_frame_equal(
                    plain_lists(imported.scores(level)), plain_lists(written)
                )
            records, _, _ = imported._driver.execute_query(
                "SHOW CONSTRAINTS YIELD labelsOrTypes RETURN collect(labelsOrTypes[0]) AS labels",
                database_=imported.database,
            )
            assert {"Account", "Contact", "Engagement"} <= set(records[0]["labels"])
            assert imported._meta("schema") is None  # the pending mark is gone
            # Loading more through the driver goes on from the imported state: C9 arrives,
            # gets its waiting event and becomes C3's manager, numbered after every row.
            late = with_late_contact({"contacts": frame("contacts")})["contacts"]
            assert imported.upsert("contacts", late) == neo4j_server.upsert("contacts", late) == 1
            assert_same_graph(snapshot(imported), snapshot(neo4j_server))
            assert imported.table("contacts")["contact_id"].iloc[-1] == "C9"
        finally:
            imported.close()
    finally:
        subprocess.run([str(SCRIPT), "reset", *port], capture_output=True, check=False)
