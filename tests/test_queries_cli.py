"""The graph-question commands end to end on the hand-worked graph of ``test_queries``."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import score
from test_queries import build

from abmgraph.cli import cli
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.queries import account_gaps, champions, surging

COMMANDS = [
    "gaps",
    "org",
    "warm-paths",
    "hierarchy",
    "surging",
    "intent",
    "similar",
    "champions",
    "cypher",
]


def run(workspace: Path, *args: str):
    return CliRunner().invoke(cli, ["--workspace", str(workspace), *args])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("queries-cli")
    with EmbeddedStore(folder / "ws") as store:
        build(folder / "input").load(store)
        score(store)
    return folder / "ws"


def _json(workspace: Path, *args: str):
    result = run(workspace, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output and "--format" in result.output


def test_gaps_json_and_csv(workspace):
    rows = _json(workspace, "gaps", "T1", "--per-role", "1")
    assert [(r["role"], r["contact_id"]) for r in rows] == [
        ("economic_buyer", "T1CFO"),
        ("end_user", "T1OPS"),
    ]
    result = run(workspace, "gaps", "T1", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(table) == 6 and table[0]["contact_id"] == "T1CFO"
    portfolio = _json(workspace, "gaps", "--all", "--tier", "3", "--limit", "2")
    assert len(portfolio) == 2 and {"to_engage", "to_find"} <= set(portfolio[0])


def test_org_draws_a_tree_and_the_path_to_power(workspace):
    result = run(workspace, "org", "CYC")
    assert result.exit_code == 0, result.output
    assert "Cycle Co (CYC)" in result.output
    assert "reporting cycle with CY2, CY3" in result.output
    assert "reports to themselves" in result.output and "Path to power" in result.output
    chart = _json(workspace, "org", "T1")
    assert set(chart) == {"account_id", "name", "people", "paths_to_power"}
    people = list(
        csv.DictReader(io.StringIO(run(workspace, "org", "T1", "--format", "csv").stdout))
    )
    assert [p["contact_id"] for p in people][:2] == ["T1CEO", "T1CFO"]


def test_warm_paths_hierarchy_surging_similar_champions(workspace):
    warm = _json(workspace, "warm-paths", "T1", "--limit", "3")
    assert [r["kind"] for r in warm] == ["job_changer", "job_changer", "path"]
    family = _json(workspace, "hierarchy", "T1")
    assert family["rollup"]["missing_roles"] == ["economic_buyer"]
    table = run(workspace, "hierarchy", "LOOP3")
    assert table.exit_code == 0 and "hierarchy cycle with LOOP2" in table.output
    assert [r["account_id"] for r in _json(workspace, "surging", "--days", "7")] == ["T1", "SIB"]
    assert _json(workspace, "similar", "T1", "--limit", "1")[0]["account_id"] == "CUST"
    assert _json(workspace, "similar", "--to-customers", "--limit", "1")[0]["like_id"] == "CUST"
    assert _json(workspace, "champions", "--limit", "1")[0]["contact_id"] == "K1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["gaps", "NOPE"], "No account 'NOPE'"),
        (["org", "NOPE"], "No account 'NOPE'"),
        (["warm-paths", "NOPE"], "No account 'NOPE'"),
        (["hierarchy", "NOPE"], "No account 'NOPE'"),
        (["similar", "NOPE"], "No account 'NOPE'"),
        (["cypher", "RETURN 1"], "need the Neo4j store"),
        (["cypher", "RETURN $x", "--param", "oops"], "is not NAME=VALUE"),
    ],
)
def test_mistakes_give_one_line_and_exit_1(workspace, args, message):
    result = run(workspace, *args)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [["gaps"], ["gaps", "T1", "--all"], ["gaps", "T1", "--tier", "1"], ["similar"]],
)
def test_conflicting_arguments_are_usage_errors(workspace, args):
    result = run(workspace, *args)
    assert result.exit_code == 2, result.output


def test_an_account_without_contacts_gets_a_clear_answer(workspace):
    assert run(workspace, "org", "EMPTY").output.strip() == "No contacts are known at EMPTY."
    rows = _json(workspace, "gaps", "EMPTY")
    assert {r["why"] for r in rows} == {"no contacts are known at this account: find one"}
    empty = run(workspace, "warm-paths", "EMPTY", "--format", "json")
    assert empty.stdout.strip() == "[]"


def test_questions_before_scoring_say_to_score(store, builder, tmp_path):
    builder.account("A1").contact("C1", "A1").load(store)

    for ask in (
        lambda: account_gaps(store, "A1"),
        lambda: champions(store),
        lambda: surging(store),
    ):
        with pytest.raises(Exception, match="run 'abmgraph score' first"):
            ask()


@pytest.mark.neo4j
def test_cypher_command_on_neo4j(neo4j_server, builder, tmp_path):
    neo4j_server.clear()
    builder.account("A1", name="Acme").contact("C1", "A1").load(neo4j_server)
    args = [
        "--backend",
        "neo4j",
        "--neo4j-uri",
        os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
    ]
    result = run(
        tmp_path, *args, "cypher", "MATCH (a:Account {account_id: $id}) RETURN a.name AS name",
        "--param", "id=A1", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"name": "Acme"}]
    refused = run(tmp_path, *args, "cypher", "MATCH (a:Account) DETACH DELETE a")
    assert refused.exit_code == 1 and "Refused" in refused.output
    assert neo4j_server.counts()["accounts"] == 1
