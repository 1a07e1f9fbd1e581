"""The report's data and files: waterfall rounding, the committee layout, ids, errors, parity."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from abmgraph.errors import AbmgraphError, NotFoundError, StoreError
from abmgraph.graph.store import GraphStore, open_store
from abmgraph.queries import org_chart, warm_paths
from abmgraph.report import build_report, read_account_ids
from abmgraph.report.backtest import load_backtest, save_backtest
from abmgraph.report.committee import as_roles, committee_diagram
from abmgraph.report.data import gather, parts_to_total
from abmgraph.report.site import account_file
from abmgraph.report.snapshot import Snapshot
from tests.conftest import GraphBuilder, score
from tests.test_report_browser import committee_graph


@pytest.mark.parametrize(
    ("points", "total", "expected"),
    [
        # 0.335 + 0.335 + 0.33 = 1.00: rounding each half-up gives 0.34 + 0.34 + 0.33 = 1.01.
        ([0.335, 0.335, 0.33], 1.0, [0.34, 0.33, 0.33]),
        ([10.0, -2.5, 0.004], 7.5, [10.0, -2.5, 0.0]),
        ([], 0.0, []),
        ([42.0], 42.0, [42.0]),
    ],
)
def test_parts_round_to_the_total(points: list[float], total: float, expected: list[float]) -> None:
    shown = parts_to_total(points, total)
    assert shown == expected
    assert round(sum(shown) * 100) == round(total * 100)


@pytest.mark.parametrize(
    ("value", "roles"),
    [
        ("champion", ["champion"]),
        ("champion;end_user", ["champion", "end_user"]),
        (["decision_maker", "economic_buyer"], ["decision_maker", "economic_buyer"]),
        (("champion",), ["champion"]),
        (None, []),
        ("", []),
    ],
)
def test_a_role_field_may_be_one_value_or_a_list(value: object, roles: list[str]) -> None:
    assert as_roles(value) == roles


def _person(contact_id: str, parent: str | None) -> dict:
    return {"contact_id": contact_id, "parent_id": parent, "name": contact_id}


def test_committee_diagram_places_managers_above_reports() -> None:
    # A manages B and C; C manages D. E stands alone (no manager, no reports).
    people = [_person("A", None), _person("B", "A"), _person("C", "A"), _person("D", "C")]
    people.append(_person("E", None))
    paths = [{"path": ["D", "C", "A"]}]
    drawn = committee_diagram(people, ["end_user", "champion"], paths)
    at = {n["contact_id"]: n for n in drawn["nodes"]}
    assert set(at) == {"A", "B", "C", "D", "E"}
    assert at["A"]["y"] < at["B"]["y"] == at["C"]["y"] < at["D"]["y"]
    assert {(e["from"], e["to"]) for e in drawn["edges"]} == {("A", "B"), ("A", "C"), ("C", "D")}
    assert {(e["from"], e["to"]) for e in drawn["edges"] if e["power"]} == {("A", "C"), ("C", "D")}
    assert {c for c, n in at.items() if n["power"]} == {"A", "C", "D"}
    # Boxes never overlap, and everything lies inside the drawing.
    boxes = list(at.values()) + drawn["slots"]
    for i, a in enumerate(boxes):
        assert a["x"] >= 0 and a["y"] >= 0
        assert a["x"] + a["w"] <= drawn["width"] and a["y"] + a["h"] <= drawn["height"]
        for b in boxes[i + 1 :]:
            apart = (
                a["x"] + a["w"] <= b["x"]
                or b["x"] + b["w"] <= a["x"]
                or a["y"] + a["h"] <= b["y"]
                or b["y"] + b["h"] <= a["y"]
            )
            assert apart, (a, b)
    assert [s["role"] for s in drawn["slots"]] == ["end_user", "champion"]
    # Edges run from the manager's bottom edge to the report's top edge.
    edge = next(e for e in drawn["edges"] if (e["from"], e["to"]) == ("C", "D"))
    assert edge["points"][0][1] == at["C"]["y"] + at["C"]["h"]
    assert edge["points"][-1][1] == at["D"]["y"]


def test_committee_diagram_of_nobody_is_the_missing_roles() -> None:
    drawn = committee_diagram([], ["decision_maker"])
    assert drawn["nodes"] == [] and drawn["edges"] == []
    assert [s["role"] for s in drawn["slots"]] == ["decision_maker"]


def test_account_files_are_safe_and_distinct() -> None:
    assert account_file("A00042") == "A00042.html"
    names = {account_file(a) for a in ["a/b", "a_b", "a?b", "../x", "a b"]}
    assert len(names) == 5
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+\.html", n) and ".." not in n for n in names)


def test_account_ids_from_a_list_or_a_csv(tmp_path: Path) -> None:
    listed = tmp_path / "ids.txt"
    listed.write_text("# targets\nA1\n\nA3\n", encoding="utf-8")
    assert read_account_ids(listed) == ["A1", "A3"]
    exported = tmp_path / "ids.csv"
    exported.write_bytes('Name,Account_ID\r\n"Acme, Inc.",A1\r\nBorealis,A3\r\n'.encode("latin-1"))
    assert read_account_ids(exported) == ["A1", "A3"]
    empty = tmp_path / "empty.txt"
    empty.write_text("\n# nothing\n", encoding="utf-8")
    with pytest.raises(AbmgraphError, match="lists no account ids"):
        read_account_ids(empty)


@pytest.fixture
def scored(tmp_path: Path, builder: GraphBuilder) -> GraphStore:
    store = open_store("embedded", tmp_path / "ws")
    committee_graph(builder).load(store)
    score(store)
    return store


def test_report_of_chosen_accounts_keeps_their_order(scored: GraphStore, tmp_path: Path) -> None:
    data = gather(scored, account_ids=["A3", "A1"])
    assert [p.row["account_id"] for p in data.pages] == ["A3", "A1"]
    result = build_report(scored, tmp_path / "site", account_ids=["A3", "A1"])
    assert result.pages == 2
    assert sorted(p.name for p in (tmp_path / "site" / "accounts").iterdir()) == [
        "A1.html",
        "A3.html",
    ]


def test_a_failed_report_leaves_the_earlier_one(scored: GraphStore, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_report(scored, site, top=1)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    with pytest.raises(NotFoundError, match="NOPE"):
        build_report(scored, site, account_ids=["A1", "NOPE"])
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(AbmgraphError, match="is a file"):
        build_report(scored, tmp_path / "file")


def test_a_new_report_replaces_the_old_pages(scored: GraphStore, tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_report(scored, site)
    build_report(scored, site, top=1)
    assert [p.name for p in (site / "accounts").iterdir()] == [
        account_file(scored.scores("accounts").sort_values("priority").iloc[-1]["account_id"])
    ]
    assert not [p for p in site.iterdir() if p.name.startswith(".report-")]


def test_an_unscored_store_is_refused(tmp_path: Path, builder: GraphBuilder) -> None:
    store = open_store("embedded", tmp_path / "ws")
    committee_graph(builder).load(store)
    with pytest.raises(StoreError, match="run 'abmgraph score' first"):
        build_report(store, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_the_last_backtest_is_shown(scored: GraphStore, tmp_path: Path) -> None:
    assert load_backtest(tmp_path) is None
    deciles = [
        {"decile": d, "count": 10, "conversion": 0.1, "lift": 2.0 - d / 10} for d in range(1, 11)
    ]
    save_backtest(
        tmp_path,
        {
            "as_of": "2026-08-01T00:00:00+00:00",
            "window_days": 90,
            "level": "account",
            "auc": 0.71,
            "base_rate": 0.1,
            "population": 100,
            "lift_by_decile": deciles,
        },
    )
    build_report(scored, tmp_path / "site", backtest=load_backtest(tmp_path))
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Backtest" in index and "ROC-AUC 0.710" in index
    assert index.count('class="lift"') == 10


def test_the_snapshot_answers_as_the_store(scored: GraphStore) -> None:
    snapshot = Snapshot(scored)
    for account_id in ("A1", "A2", "A3"):
        assert org_chart(snapshot, account_id) == org_chart(scored, account_id)
        assert warm_paths(snapshot, account_id) == warm_paths(scored, account_id)
    assert snapshot.scores("accounts").equals(scored.scores("accounts"))


def _page_text(site: Path, name: str) -> str:
    html = (site / name).read_text(encoding="utf-8")
    # The header names the store and the run's clock time: everything else must agree.
    return re.sub(r'<header class="top">.*?</header>', "", html, flags=re.S)


@pytest.mark.neo4j
def test_both_stores_give_the_same_site(
    tmp_path: Path, builder: GraphBuilder, neo4j_server: GraphStore
) -> None:
    committee_graph(builder)
    embedded = open_store("embedded", tmp_path / "ws")
    neo4j_server.clear()
    sites = {}
    for store in (embedded, neo4j_server):
        builder.load(store)
        score(store)
        sites[store.backend] = tmp_path / store.backend
        build_report(store, sites[store.backend])
    for name in ["index.html", "accounts/A1.html", "accounts/A2.html", "accounts/A3.html"]:
        assert _page_text(sites["embedded"], name) == _page_text(sites["neo4j"], name), name


def test_cli_report_shows_the_last_backtest(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from abmgraph.cli import cli

    ws = ["--workspace", str(tmp_path / "ws")]
    runner = CliRunner()
    demo = runner.invoke(cli, [*ws, "demo", "--accounts", "60", "--anchor", "2026-11-01"])
    assert demo.exit_code == 0, demo.output
    tested = runner.invoke(cli, [*ws, "backtest", "--as-of", "2026-08-01", "--format", "json"])
    assert tested.exit_code == 0, tested.output
    kept = load_backtest(tmp_path / "ws")
    assert kept is not None and kept["as_of"].startswith("2026-08-01")
    made = runner.invoke(cli, [*ws, "report", "--out", str(tmp_path / "site"), "--top", "3"])
    assert made.exit_code == 0, made.output
    assert made.stderr.strip().endswith("and 3 account pages.")
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'id="backtest"' in index
    assert index.count('class="lift"') == len(kept["lift_by_decile"])


def test_cli_report_mistakes_are_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from abmgraph.cli import cli

    ws = ["--workspace", str(tmp_path / "ws")]
    unscored = CliRunner().invoke(cli, [*ws, "report", "--out", str(tmp_path / "site")])
    assert unscored.exit_code == 1
    assert "run 'abmgraph score' first" in unscored.output
    assert "Traceback" not in unscored.output
