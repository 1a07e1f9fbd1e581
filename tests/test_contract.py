"""The data contract as users read it: README tables from the code, templates, a README example."""

from __future__ import annotations

import csv
import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from abmgraph.cli import cli
from abmgraph.errors import InputError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.ingest.contract import TRANSFORM_NOTES, update_readme, write_templates
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.ingest.transforms import TRANSFORMS
from tests.test_crm_exports import HS_COMPANIES, HS_CONTACTS, HS_DEALS, HS_MEETINGS

README = Path(__file__).parent.parent / "README.md"


def test_readme_contract_and_preset_tables_match_the_code() -> None:
    text = README.read_text(encoding="utf-8")
    assert update_readme(text) == text, (
        "README's generated sections are out of date: run "
        "'.venv/bin/python -m abmgraph.ingest.contract README.md'"
    )
    # Spot checks of what the generated tables say, worked out from the schema by hand.
    assert "| `contact_id` | yes | id (text) |  | Unique id. |" in text
    assert "| `occurred_at` | yes | date or datetime |  | When it happened (ISO-8601). |" in text
    assert "| `currency` |  | text |  | ISO 4217 currency code of the amount" in text
    assert "true is `1`, `t`, `true`, `y`, `yes`; false is `0`, `f`, `false`, `n`, `no`" in text


def test_every_transform_is_documented() -> None:
    assert set(TRANSFORM_NOTES) == set(TRANSFORMS)


def test_templates_have_every_contract_column_and_load_empty(tmp_path: Path) -> None:
    paths = write_templates(tmp_path / "templates")
    assert [p.name for p in paths] == [
        "accounts.csv",
        "contacts.csv",
        "engagements.csv",
        "intent.csv",
        "opportunities.csv",
        "opportunity-contacts.csv",
        "feedback.csv",
        "sales-activities.csv",
    ]
    header = next(csv.reader(paths[4].open(encoding="utf-8")))
    assert header == [
        "opportunity_id",
        "account_id",
        "stage",
        "is_closed",
        "is_won",
        "amount",
        "currency",
        "created_at",
        "closed_at",
    ]
    assert paths[1].read_text(encoding="utf-8").startswith("contact_id,account_id,email,")
    # A template is a valid, empty file of its kind.
    store = EmbeddedStore(tmp_path / "ws")
    for path in paths:
        kind = path.stem
        report = ingest_file(store, kind, path, quiet=True)
        assert (report.read, report.loaded, report.rejected) == (0, 0, 0), kind


def test_templates_never_overwrite_without_force(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "contacts.csv").write_text("my data\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"already has contacts.csv; nothing was written"):
        write_templates(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["contacts.csv"]
    assert (folder / "contacts.csv").read_text(encoding="utf-8") == "my data\n"
    write_templates(folder, force=True)
    assert (folder / "contacts.csv").read_text(encoding="utf-8").startswith("contact_id,")


def test_init_templates_refusal_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "accounts.csv").write_text("x\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--workspace", str(tmp_path / "ws"), "init", "--templates", str(folder)]
    )
    assert result.exit_code == 1
    assert "already has accounts.csv" in result.output and "Traceback" not in result.output


def _readme_example() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    marker = "<!-- example: tests/test_contract.py runs this block -->"
    block = re.search(re.escape(marker) + r"\n```bash\n(.*?)```", text, re.DOTALL)
    assert block, "the tested README example is missing"
    lines = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    return [shlex.split(line) for line in lines if line]


def test_readme_data_contract_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in (
        ("hubspot-companies.csv", HS_COMPANIES),
        ("hubspot-contacts-with-companies.csv", HS_CONTACTS),
        ("hubspot-deals-with-companies.csv", HS_DEALS),
        ("hubspot-meetings.csv", HS_MEETINGS),
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
    outputs = []
    for args in _readme_example():
        assert args[0] == "abmgraph"
        result = CliRunner().invoke(cli, args[1:])
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result)
    assert (tmp_path / "templates" / "opportunity-contacts.csv").exists()
    assert "read 20, loaded 20" in outputs[2].stderr  # every contact of the multi-object file
    backtest = json.loads(outputs[-1].stdout)
    velocity = backtest["pipeline_velocity_by_tier"]
    # Deals created in the 150 days after 2026-06-01 are in USD, GBP, EUR and CHF:
    # never one sum, a row per currency.
    assert sorted({row["currency"] for row in velocity}) == ["CHF", "EUR", "GBP", "USD"]
