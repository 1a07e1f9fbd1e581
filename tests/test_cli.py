"""The command line, end to end on a small demo workspace: the CLI contract and user mistakes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from abmgraph.cli import cli

ACCOUNT_KEYS = {
    "account_id",
    "name",
    "priority",
    "tier",
    "stage",
    "fit_score",
    "engagement_score",
    "engaged_contacts",
    "departments_engaged",
    "roles_covered",
    "missing_roles",
}
CONTACT_KEYS = {
    "contact_id",
    "account_id",
    "score",
    "fit_score",
    "engagement_score",
    "grade",
    "stage",
    "quadrant",
}


def run(workspace: Path, *args: str):
    result = CliRunner().invoke(cli, ["--workspace", str(workspace), *args])
    return result


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory) -> Path:
    workspace = tmp_path_factory.mktemp("cli") / "ws"
    result = run(workspace, "demo", "--accounts", "60", "--seed", "3", "--anchor", "2026-11-01")
    assert result.exit_code == 0, result.output
    return workspace


def test_demo_prints_a_ranked_table(demo_workspace):
    result = run(demo_workspace, "accounts", "--limit", "5")
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split()
    assert header[:3] == ["account", "name", "priority"]


def test_accounts_json_is_a_plain_list_with_the_contract_keys(demo_workspace):
    result = run(demo_workspace, "accounts", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 60
    assert all(set(row) == ACCOUNT_KEYS for row in rows)
    priorities = [row["priority"] for row in rows]
    assert priorities == sorted(priorities, reverse=True)
    assert all(isinstance(row["missing_roles"], list) for row in rows)
    assert all(row["tier"] in (1, 2, 3) for row in rows)


def test_limit_and_tier_filters(demo_workspace):
    rows = json.loads(run(demo_workspace, "accounts", "--format", "json", "--limit", "3").stdout)
    assert len(rows) == 3
    tier1 = json.loads(run(demo_workspace, "accounts", "--format", "json", "--tier", "1").stdout)
    assert all(row["tier"] == 1 for row in tier1)


def test_contacts_json_and_account_filter(demo_workspace):
    rows = json.loads(run(demo_workspace, "contacts", "--format", "json").stdout)
    assert rows and all(set(row) == CONTACT_KEYS for row in rows)
    account = rows[0]["account_id"]
    mine = json.loads(
        run(demo_workspace, "contacts", "--account", account, "--format", "json").stdout
    )
    assert mine and all(row["account_id"] == account for row in mine)


def test_csv_output_has_a_header_and_a_row_per_account(demo_workspace):
    result = run(demo_workspace, "accounts", "--format", "csv", "--limit", "4")
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("account_id,name,priority,tier,stage")
    assert len(lines) == 5


def test_explain_contributions_add_up_to_the_stored_score(demo_workspace):
    top = json.loads(run(demo_workspace, "accounts", "--format", "json", "--limit", "1").stdout)[0]
    result = run(demo_workspace, "explain", top["account_id"], "--format", "json")
    assert result.exit_code == 0, result.output
    explanation = json.loads(result.stdout)
    assert set(explanation) == {"id", "score", "contributions"}
    assert explanation["score"] == top["priority"]
    assert sum(c["points"] for c in explanation["contributions"]) == pytest.approx(
        top["priority"], abs=1e-9
    )
    assert all(set(c) == {"name", "points", "detail"} for c in explanation["contributions"])

    contact = json.loads(
        run(demo_workspace, "contacts", "--format", "json", "--limit", "1").stdout
    )[0]
    explanation = json.loads(
        run(
            demo_workspace, "explain", "--contact", contact["contact_id"], "--format", "json"
        ).stdout
    )
    assert explanation["score"] == contact["score"]
    assert sum(c["points"] for c in explanation["contributions"]) == pytest.approx(
        contact["score"], abs=1e-9
    )


def test_committee_lists_people_and_gaps(demo_workspace):
    top = json.loads(run(demo_workspace, "accounts", "--format", "json", "--limit", "1").stdout)[0]
    view = json.loads(
        run(demo_workspace, "committee", top["account_id"], "--format", "json").stdout
    )
    assert view["account_id"] == top["account_id"]
    assert view["missing_roles"] == top["missing_roles"]
    assert view["contacts"] and {
        "contact_id",
        "title",
        "seniority",
        "department",
        "roles",
        "score",
    } <= set(view["contacts"][0])


def test_score_reports_where_its_time_went(demo_workspace):
    args = ["score", "--as-of", "2026-11-01", "--format", "json"]  # the demo's own date
    report = json.loads(run(demo_workspace, *args).stdout)
    assert report["contacts"] > 60 and report["accounts"] == 60
    # The demo scored at this date already, and nothing changed since.
    assert (report["mode"], report["accounts_rescored"], report["contacts_rescored"]) == (
        "incremental",
        0,
        0,
    )
    assert list(report["timings"]) == ["changes", "read", "aggregate", "graph", "score", "write"]
    assert report["seconds"] == pytest.approx(sum(report["timings"].values()), abs=0.01)


def test_status_reports_counts_and_the_last_run(demo_workspace):
    status = json.loads(run(demo_workspace, "status", "--format", "json").stdout)
    assert status["accounts"] == 60
    assert status["contacts"] > 60 and status["engagements"] > 0
    assert status["scored_as_of"].startswith("2026-11-01")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "NOPE"], "No account 'NOPE'"),
        (["explain", "--contact", "NOPE"], "No contact 'NOPE'"),
        (["committee", "NOPE"], "No account 'NOPE'"),
        (["contacts", "--account", "NOPE"], "No account 'NOPE'"),
        (["score", "--as-of", "yesterday-ish"], "is not a date"),
    ],
)
def test_user_mistakes_give_one_line_and_exit_1(demo_workspace, args, message):
    result = run(demo_workspace, *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_commands_on_an_empty_workspace_say_what_to_do(tmp_path):
    for args, message in (
        (["accounts"], "run 'abmgraph score' first"),
        (["score"], "ingest accounts and contacts first"),
        (["ingest", "accounts", str(tmp_path / "missing.csv")], "missing.csv"),
    ):
        result = run(tmp_path / "ws", *args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output


def test_invalid_config_is_reported_by_section_and_key(tmp_path, demo_workspace):
    bad = tmp_path / "bad.toml"
    bad.write_text("[contact]\nmql_treshold = 3\n", encoding="utf-8")
    result = run(demo_workspace, "score", "--config", str(bad))
    assert result.exit_code == 1
    assert "contact.mql_treshold: unknown setting" in result.output


def test_init_writes_a_commented_config(tmp_path):
    result = run(tmp_path / "ws", "init")
    assert result.exit_code == 0
    text = (tmp_path / "ws" / "scoring.toml").read_text(encoding="utf-8")
    assert text.startswith("# abmgraph scoring config.")
    again = run(tmp_path / "ws", "init")
    assert "already exists" in again.output


def _commands() -> dict[str, click.Command]:
    """Every command, the lazily loaded ones included."""
    ctx = click.Context(cli)
    return {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}


def test_every_command_has_help_with_an_example():
    for name, command in _commands().items():
        assert command.help and "Example:" in command.help, name
        assert CliRunner().invoke(cli, [name, "--help"]).exit_code == 0


def test_help_lists_every_command_with_its_summary():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    for name, command in _commands().items():
        summary = " ".join(command.help.split()[:3])
        assert f"  {name}  " in result.output and summary in result.output, name


def test_a_mistyped_command_gets_a_suggestion():
    result = CliRunner().invoke(cli, ["warm_paths"])
    assert result.exit_code == 2
    assert "Did you mean 'warm-paths'?" in result.output


def test_starting_the_cli_loads_no_data_library():
    # Each command imports the libraries it needs, so starting the CLI stays fast.
    code = "import sys, abmgraph.cli; print(*sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    heavy = {"pandas", "pyarrow", "numpy", "networkx", "pydantic", "rich"}
    assert not heavy & set(loaded.stdout.split())


def test_readme_documents_every_command():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for name in _commands():
        assert f"abmgraph {name}" in readme, name
