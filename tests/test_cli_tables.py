"""Terminal tables: 100 columns, whole words, 25 rows by default, contact filters, explain --all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from abmgraph.cli import cli
from abmgraph.graph.store import open_store
from tests.conftest import GraphBuilder, score


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 accounts; A00 has two engaged people (one a champion), the rest one person each.

    Contacts: P00a (champion, demo request), P00b (end user, email open) at
    A00; Pnn at Ann for nn = 01..29, each with one page view, the higher nn
    the more recent (so the higher the score).
    """
    root = tmp_path_factory.mktemp("tables")
    b = GraphBuilder(root / "input")
    for n in range(30):
        b.account(
            f"A{n:02d}",
            name=f"Internationalisation Logistics Group {n:02d}",
            annual_revenue=50_000_000,
        )
    b.contact(
        "P00a",
        "A00",
        first_name="Ana",
        last_name="Ferreira-Castellanos",
        title="Director of Procurement Transformation",
        buying_role="champion",
        seniority="director",
    )
    b.contact(
        "P00b",
        "A00",
        first_name="Bo",
        last_name="Lind",
        title="Analyst",
        buying_role="end_user",
        seniority="individual_contributor",
    )
    b.event("P00a", "demo_request", 1)
    b.event("P00b", "email_open", 2)
    for n in range(1, 30):
        b.contact(
            f"P{n:02d}", f"A{n:02d}", first_name="Kim", last_name=f"No{n:02d}", title="Engineer"
        )
        b.event(f"P{n:02d}", "page_view", 40 - n)
    with open_store("embedded", root / "ws") as store:
        b.load(store)
        score(store)
    return root / "ws"


def run(workspace: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--workspace", str(workspace), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_accounts_table_fits_100_columns_and_stops_at_25(workspace: Path) -> None:
    out = run(workspace, "accounts")
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[-1].strip() == "… 5 more (--limit)"
    ids = [line.split()[0] for line in lines[2:-1] if line[:1] == "A"]
    assert len(ids) == 25 and ids[0] == "A00"
    # Names wrap between words: "Internationalisation" is never cut.
    assert "Internationalisation" in out and "Internationalisatio\n" not in out


def test_accounts_limit_and_json_show_every_row_asked_for(workspace: Path) -> None:
    assert "more (--limit)" not in run(workspace, "accounts", "--limit", "30")
    assert len(json.loads(run(workspace, "accounts", "--format", "json"))) == 30


def test_contacts_table_shows_name_title_and_account(workspace: Path) -> None:
    out = run(workspace, "contacts", "--account", "A00")
    lines = out.splitlines()
    assert lines[0].split() == [
        "contact",
        "name",
        "title",
        "account",
        "name",
        "score",
        "grade",
        "stage",
        "quadrant",
    ]
    assert max(len(line) for line in lines) <= 100
    assert lines[2].startswith("P00a ")
    for word in (
        "Ana",
        "Ferreira-Castellanos",
        "Procurement",
        "Transformation",
        "Internationalisation",
    ):
        assert word in out.split(), word


def test_contacts_default_limit(workspace: Path) -> None:
    lines = run(workspace, "contacts").splitlines()
    assert lines[-1].strip() == "… 6 more (--limit)"  # 31 contacts


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--role", "champion"], ["P00a"]),
        (["--role", "end_user", "--account", "A00"], ["P00b"]),
        (["--stage", "mql"], ["P00a"]),
        # Only Ana is sales-ready: fit 30 (director 15, IT 10, corporate email 5) ≥ 20 and
        # one day-old demo request worth 30 × 0.5^(1/30) = 29.31 ≥ 25 engagement points.
        (["--quadrant", "sales_ready"], ["P00a"]),
        (["--quadrant", "route_elsewhere"], []),
    ],
)
def test_contacts_filters(workspace: Path, options: list[str], expected: list[str]) -> None:
    rows = json.loads(run(workspace, "contacts", *options, "--format", "json"))
    assert [r["contact_id"] for r in rows] == expected


def test_contacts_tier_filter_keeps_only_that_tier(workspace: Path) -> None:
    accounts = json.loads(run(workspace, "accounts", "--format", "json"))
    tier_of = {a["account_id"]: a["tier"] for a in accounts}
    for tier in (1, 2, 3):
        rows = json.loads(run(workspace, "contacts", "--tier", str(tier), "--format", "json"))
        assert len(rows) == sum(
            n
            for a, n in {"A00": 2, **{f"A{i:02d}": 1 for i in range(1, 30)}}.items()
            if tier_of[a] == tier
        )


def test_explain_hides_zero_contributions_unless_all(workspace: Path) -> None:
    every = json.loads(run(workspace, "explain", "A05", "--format", "json"))["contributions"]
    zero = {c["name"] for c in every if c["points"] == 0}
    # No intent, no technologies, no departments beyond one: these earn nothing.
    assert {"fit.intent", "fit.technologies"} <= zero
    shown = [line.split()[0] for line in run(workspace, "explain", "A05").splitlines()[3:]]
    assert not zero & set(shown)
    assert set(shown) >= {c["name"] for c in every if c["points"] != 0}
    with_all = [
        line.split()[0] for line in run(workspace, "explain", "A05", "--all").splitlines()[3:]
    ]
    assert zero <= set(with_all)


def test_role_lists_wrap_between_words(capsys: pytest.CaptureFixture[str]) -> None:
    from abmgraph.cli.output import render_rows

    rows = [
        {
            "account_id": "A1",
            "name": "Internationalisation Logistics Group",
            "priority": 53.65,
            "tier": 2,
            "stage": "consideration",
            "roles_covered": ["economic_buyer", "champion", "technical_evaluator"],
            "missing_roles": ["decision_maker", "end_user"],
        }
    ]
    render_rows(rows, "table")
    text = capsys.readouterr().out
    assert max(len(line) for line in text.splitlines()) <= 100
    words = [w.strip(",") for w in text.split()]
    for word in ("technical", "evaluator", "economic", "buyer", "decision", "maker"):
        assert word in words
    assert "evaluato" not in words and "technical_evaluator" not in text
