"""The static report in a real headless Chromium, on both stores.

Each test builds the report of a hand-made graph and opens it from disk:
the index loads with no console error and no request outside the report's
folder, sorting and filtering work, an account page shows the committee with
its people, their roles and the missing roles, and the waterfall's parts add
up to the priority. Screenshots go to ``build/test-artifacts/report`` (or
``$ABMGRAPH_TEST_ARTIFACTS``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from abmgraph.graph.store import GraphStore
from abmgraph.report import build_report
from tests.conftest import GraphBuilder, score

ARTIFACTS = Path(os.environ.get("ABMGRAPH_TEST_ARTIFACTS", "build/test-artifacts")) / "report"


def _chromium() -> str:
    found = os.environ.get("ABMGRAPH_CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.fail(
            "The report's browser tests need chromium: run scripts/ensure-chromium "
            "(or set ABMGRAPH_CHROMIUM).",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


class Page:
    """A browser page that records console errors and every request it makes."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1360, "height": 1000})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: Path) -> Any:
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")
        return self.page


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    opened = Page(browser)
    yield opened
    opened.page.close()


def committee_graph(builder: GraphBuilder) -> GraphBuilder:
    """A1: Ada (economic buyer) ← Ben (decision maker) ← Cy (champion) ← Di (end user, idle).

    Ada, Ben and Cy engage; Di does not, and nobody is a technical
    evaluator, so A1 misses technical_evaluator and end_user. A2 and A3 are
    smaller accounts to sort and filter against.
    """
    b = builder
    b.account("A1", name="Acme Robotics", employees=2000)
    b.account("A2", name="Zephyr Foods", industry="Retail", employees=40, country="BR")
    b.account("A3", name="Borealis Bank", industry="Finance")
    people = [
        ("C1", "A1", "Ada", "Lovelace", "CEO", "c_level", "executive", "economic_buyer", ""),
        ("C2", "A1", "Ben", "Okafor", "VP of IT", "vp", "it", "decision_maker", "C1"),
        ("C3", "A1", "Cy", "Tanaka", "IT Manager", "manager", "it", "champion", "C2"),
        ("C4", "A1", "Di", "Moreau", "Analyst", "individual_contributor", "it", "end_user", "C3"),
        ("C5", "A2", "Eve", "Santos", "Buyer", "manager", "procurement", "", ""),
        ("C6", "A3", "Finn", "Berg", "CFO", "c_level", "finance", "economic_buyer", ""),
    ]
    for cid, aid, first, last, title, seniority, dept, role, manager in people:
        b.contact(
            cid,
            aid,
            first_name=first,
            last_name=last,
            title=title,
            seniority=seniority,
            department=dept,
            buying_role=role,
            manager_id=manager,
        )
    for cid, kind, days in [
        ("C1", "demo_request", 3),
        ("C2", "pricing_page_view", 5),
        ("C2", "webinar_attended", 12),
        ("C3", "webinar_attended", 20),
        ("C3", "email_click", 2),
        ("C5", "email_open", 9),
        ("C6", "pricing_page_view", 30),
    ]:
        b.event(cid, kind, days)
    b.add("intent", account_id="A1", topic="warehouse robotics", score=88, observed_at="2026-10-20")
    return b


@pytest.fixture
def site(store: GraphStore, builder: GraphBuilder, tmp_path: Path) -> Path:
    committee_graph(builder).load(store)
    score(store)
    build_report(store, tmp_path / "site")
    return tmp_path / "site"


def _shot(page: Any, name: str, store: GraphStore) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{store.backend}.png"), full_page=True)


def _names(page: Any) -> list[str]:
    return page.locator("#accounts tbody tr:not([hidden]) td:nth-child(2) a").all_inner_texts()


def test_index_is_offline_and_error_free(site: Path, page: Page, store: GraphStore) -> None:
    shown = page.open(site / "index.html")
    _shot(shown, "index", store)
    assert page.errors == []
    outside = [u for u in page.requests if not u.startswith(site.resolve().as_uri() + "/")]
    assert outside == []
    # The stylesheet and the script were loaded (from the folder) and applied.
    assert any(u.endswith("/assets/report.css") for u in page.requests)
    assert any(u.endswith("/assets/report.js") for u in page.requests)
    assert shown.locator("#shown").inner_text() == "3 accounts"


def test_sorting_and_filtering(site: Path, page: Page, store: GraphStore) -> None:
    shown = page.open(site / "index.html")
    ranked = _names(shown)
    assert ranked[0] == "Acme Robotics"  # four engaged people: the highest priority
    shown.click("th[data-key=name]")
    assert _names(shown) == ["Acme Robotics", "Borealis Bank", "Zephyr Foods"]
    shown.click("th[data-key=name]")
    assert _names(shown) == ["Zephyr Foods", "Borealis Bank", "Acme Robotics"]
    shown.click("th[data-key=priority]")  # numbers sort highest first
    assert _names(shown) == ranked
    shown.fill("#q", "bore")
    assert _names(shown) == ["Borealis Bank"]
    assert shown.locator("#shown").inner_text() == "1 account"
    shown.fill("#q", "A2")  # ids match too
    assert _names(shown) == ["Zephyr Foods"]
    shown.fill("#q", "")
    tiers = shown.locator("#accounts tbody tr").evaluate_all("rs => rs.map(r => r.dataset.tier)")
    shown.select_option("#tier", tiers[0])
    assert len(_names(shown)) == tiers.count(tiers[0])
    shown.select_option("#tier", "")
    shown.select_option("#stage", "purchase")  # nobody has an open opportunity
    assert _names(shown) == []
    assert shown.locator("#none").is_visible()
    assert page.errors == []


def test_account_page_shows_the_committee(site: Path, page: Page, store: GraphStore) -> None:
    shown = page.open(site / "index.html")
    shown.click("text=Acme Robotics")
    shown.wait_for_load_state("load")
    _shot(shown, "account", store)
    found = {
        row[0]: (row[1], row[2])
        for row in shown.locator("#committee g.person").evaluate_all(
            "gs => gs.map(g => [g.dataset.contact, g.querySelector('text.name').textContent,"
            " g.dataset.roles])"
        )
    }
    assert found == {
        "C1": ("Ada Lovelace", "economic_buyer"),
        "C2": ("Ben Okafor", "decision_maker"),
        "C3": ("Cy Tanaka", "champion"),
        "C4": ("Di Moreau", "end_user"),
    }
    slots = shown.locator("#committee g.slot").evaluate_all("gs => gs.map(g => g.dataset.role)")
    assert slots == ["technical_evaluator", "end_user"]

    # Managers are drawn above their reports.
    def top(contact: str) -> float:
        return shown.locator(f"g.person[data-contact={contact}]").bounding_box()["y"]

    assert top("C1") < top("C2") < top("C3") < top("C4")
    # Cy the champion reaches Ben, the decision maker, through the org chart.
    assert shown.locator(".paths li").all_inner_texts() == [
        "Cy Tanaka (champion) → reports to Ben Okafor (decision_maker)"
    ]
    assert shown.locator("#intent td").first.inner_text() == "warehouse robotics"
    assert page.errors == []
    outside = [u for u in page.requests if not u.startswith(site.resolve().as_uri() + "/")]
    assert outside == []


def test_waterfall_adds_up_to_the_priority(site: Path, page: Page, store: GraphStore) -> None:
    priorities = dict(
        zip(
            store.scores("accounts")["account_id"],
            store.scores("accounts")["priority"],
            strict=True,
        )
    )
    for account_id in ("A1", "A2", "A3"):
        shown = page.open(site / "accounts" / f"{account_id}.html")
        parts = shown.locator("#waterfall g.part").evaluate_all(
            "gs => gs.map(g => Math.round(parseFloat(g.dataset.points) * 100))"
        )
        total = shown.locator("#priority").inner_text()
        assert f"{priorities[account_id]:.2f}" == total
        assert sum(parts) == round(float(total) * 100)
        assert shown.locator("#waterfall-total").text_content() == total
    assert page.errors == []


def test_demo_report_screenshots(browser: Any, tmp_path: Path) -> None:
    """``abmgraph demo`` then ``abmgraph report``: the pages the README shows, error-free."""
    from click.testing import CliRunner

    from abmgraph.cli import cli

    workspace, site = tmp_path / "ws", tmp_path / "report"
    runner = CliRunner()
    demo = ["--workspace", str(workspace), "demo", "--accounts", "60", "--anchor", "2026-11-01"]
    assert runner.invoke(cli, demo).exit_code == 0
    made = runner.invoke(cli, ["--workspace", str(workspace), "report", "--out", str(site)])
    assert made.exit_code == 0, made.output
    assert len(list((site / "accounts").iterdir())) == 60
    page = Page(browser)
    shown = page.open(site / "index.html")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shown.screenshot(path=str(ARTIFACTS / "demo-index.png"))
    shown.click("#accounts tbody tr:first-child td:nth-child(2) a")
    shown.wait_for_load_state("load")
    shown.screenshot(path=str(ARTIFACTS / "demo-account.png"), full_page=True)
    assert page.errors == []
    assert all(u.startswith(site.resolve().as_uri() + "/") for u in page.requests)
    page.page.close()
