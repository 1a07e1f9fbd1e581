"""Intent topics on a small hand-worked graph, on both stores: trends, surges, explain, surging.

As of 2026-11-01 with the default surge settings (30 points over 4 weeks, so
the trend starts from each topic's latest score at or before 2026-10-04):

- A1 (Acme) ``abm`` 45 first seen 5 days ago: new, trend 45, a surge;
  ``boundary`` 20 exactly 28 days ago then 60: trend 40, a surge (the
  observation on the edge is the starting score); ``intent data`` 40 and 55
  before the window, then 90: trend 35, a surge; ``lead scoring`` 60 then 75:
  trend 15; ``crm`` 80 then 50: trend -30; ``future`` lies after as_of and is
  not seen. First-party: a webinar (15 points) 3 days ago.
- A2 (Beta) ``intent data`` 70 two days ago: new, trend 70, a surge; no events.
- A3 (Gamma) no intent; a demo request (30 points) 2 days ago.
- A4 (Delta) ``crm`` 50 ten days ago (trend 50 on its own), a demo request
  20 days ago: its engagement fell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import AS_OF, GraphBuilder, score

from abmgraph.cli import cli
from abmgraph.errors import ConfigError, NotFoundError, StoreError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.queries import intent_topics, surging
from abmgraph.scoring.config import config_from_dict
from abmgraph.scoring.engine import parse_as_of
from abmgraph.scoring.explain import explain_account
from abmgraph.scoring.intent_settings import IntentSection


def _seen(days_ago: float) -> str:
    return (parse_as_of(AS_OF) - pd.Timedelta(days=days_ago)).isoformat()


def build(folder: Path) -> GraphBuilder:
    g = GraphBuilder(folder)
    for account_id, name in [("A1", "Acme"), ("A2", "Beta"), ("A3", "Gamma"), ("A4", "Delta")]:
        g.account(account_id, name=name)
        g.contact(f"C{account_id}", account_id)
    topics = [
        ("A1", "abm", 45, 5),
        ("A1", "boundary", 20, 28),
        ("A1", "boundary", 60, 1),
        ("A1", "intent data", 40, 50),
        ("A1", "intent data", 55, 35),
        ("A1", "intent data", 90, 3),
        ("A1", "lead scoring", 60, 40),
        ("A1", "lead scoring", 75, 10),
        ("A1", "crm", 80, 60),
        ("A1", "crm", 50, 7),
        ("A1", "future", 99, -2),
        ("A2", "intent data", 70, 2),
        ("A4", "crm", 50, 10),
    ]
    for account_id, topic, points, days_ago in topics:
        g.add(
            "intent",
            account_id=account_id,
            topic=topic,
            score=points,
            observed_at=_seen(days_ago),
        )
    g.event("CA1", "webinar_attended", 3)
    g.event("CA3", "demo_request", 2)
    g.event("CA4", "demo_request", 20)
    return g


@pytest.fixture
def graph(store, builder):
    build(builder.folder).load(store)
    score(store)
    return store


def _trend(rows):
    return [(r["topic"], r["score"], r["previous_score"], r["trend"], r["surge"]) for r in rows]


def test_an_accounts_topics_with_score_first_and_last_seen_and_trend(graph):
    rows = intent_topics(graph, "A1")
    assert _trend(rows) == [
        ("abm", 45.0, None, 45.0, True),
        ("boundary", 60.0, 20.0, 40.0, True),
        ("intent data", 90.0, 55.0, 35.0, True),
        ("lead scoring", 75.0, 60.0, 15.0, False),
        ("crm", 50.0, 80.0, -30.0, False),
    ]
    data = rows[2]
    assert data["first_seen"] == "2026-09-12T00:00:00+00:00"
    assert data["last_seen"] == "2026-10-29T00:00:00+00:00"
    assert (data["observations"], data["account_id"], data["name"]) == (3, "A1", "Acme")
    assert all(r["observations"] == 1 for r in rows if r["topic"] == "abm")


def test_surge_settings_and_as_of_move_the_trend(graph):
    strict = IntentSection(surge_points=40, surge_weeks=1)
    # From 2026-10-25: intent data rose from 55 to 90 (35), boundary from 20 to 60; lead
    # scoring and crm were last seen by then (crm on the very edge), so they did not move.
    assert [
        (r["topic"], r["trend"], r["surge"]) for r in intent_topics(graph, "A1", surge=strict)
    ] == [
        ("abm", 45.0, True),
        ("boundary", 40.0, True),
        ("intent data", 35.0, False),
        ("lead scoring", 0.0, False),
        ("crm", 0.0, False),
    ]
    # Two days after as_of the future observation counts: new, 99 points.
    later = intent_topics(graph, "A1", as_of="2026-11-03")
    assert later[0]["topic"] == "future" and later[0]["trend"] == 99.0
    # Before anything was seen the account has no topics.
    assert intent_topics(graph, "A1", as_of="2026-09-01") == []


def test_every_accounts_topics_largest_rise_first(graph):
    rows = intent_topics(graph)
    assert [(r["account_id"], r["topic"], r["trend"]) for r in rows][:3] == [
        ("A2", "intent data", 70.0),
        ("A4", "crm", 50.0),
        ("A1", "abm", 45.0),
    ]
    assert len(rows) == 7 and rows[0]["name"] == "Beta"
    assert [r["topic"] for r in intent_topics(graph, limit=2)] == ["intent data", "crm"]


def test_an_account_without_intent_and_an_unknown_account(graph):
    assert intent_topics(graph, "A3") == []
    with pytest.raises(NotFoundError, match="No account 'NOPE'"):
        intent_topics(graph, "NOPE")
    with pytest.raises(StoreError):
        intent_topics(graph, "A1", as_of="not a date")


def test_an_empty_store_has_no_topics(store):
    assert intent_topics(store) == []
    assert intent_topics(store, as_of="2026-11-01", limit=3) == []


def test_an_observation_at_the_as_of_instant_counts(store, builder):
    builder.account("ONLY", name="Only Co").add(
        "intent", account_id="ONLY", topic="crm", score=35, observed_at=_seen(0)
    )
    builder.load(store)
    # Observed at as_of itself: counted, new, a rise of 35 (a surge at 30, not at 40).
    assert _trend(intent_topics(store, "ONLY", as_of=AS_OF)) == [("crm", 35.0, None, 35.0, True)]
    strict = IntentSection(surge_points=40)
    assert intent_topics(store, as_of=AS_OF, surge=strict)[0]["surge"] is False
    # A microsecond before it, nothing was seen yet.
    earlier = (parse_as_of(AS_OF) - pd.Timedelta(microseconds=1)).isoformat()
    assert intent_topics(store, "ONLY", as_of=earlier) == []


def test_explain_names_each_intent_topic_with_its_score(graph):
    # Topics at 70+ in the last 30 days: intent data (90) and lead scoring (75).
    lines = {c["name"]: c for c in explain_account(graph, "A1")["contributions"]}
    assert lines["fit.intent"]["detail"].startswith(
        "intent topics at or above 70 in the last 30 days: intent data (90), lead scoring (75) ×"
    )
    beta = {c["name"]: c for c in explain_account(graph, "A2")["contributions"]}
    assert ": intent data (70) ×" in beta["fit.intent"]["detail"]
    gamma = {c["name"]: c for c in explain_account(graph, "A3")["contributions"]}
    assert "30 days: none ×" in gamma["fit.intent"]["detail"]


def test_surging_ranks_first_party_and_intent_surges_together(graph):
    # Shares of the largest of each kind: first-party 30 (A3), intent 120 (A1: 45+40+35).
    # A1 15/30 + 120/120 = 1.5, A3 30/30 = 1, A2 70/120 = 0.58, A4 50/120 = 0.42.
    rows = surging(graph, days=14, limit=None)
    assert [
        (r["account_id"], r["surge"], r["change"], r["intent_rise"], r["intent_topics"])
        for r in rows
    ] == [
        ("A1", "both", 15.0, 120.0, ["abm", "boundary", "intent data"]),
        ("A3", "first_party", 30.0, 0.0, []),
        ("A2", "intent", 0.0, 70.0, ["intent data"]),
        ("A4", "intent", -30.0, 50.0, ["crm"]),
    ]
    a4 = rows[3]
    assert (a4["recent_points"], a4["prior_points"], a4["prior_events"]) == (0.0, 30.0, 1)
    assert (rows[2]["recent_events"], rows[2]["change_pct"], rows[2]["name"]) == (0, None, "Beta")
    # Without intent surges (a rise of 100 is out of reach) the order is the first-party one.
    first_party = surging(graph, days=14, intent=IntentSection(surge_points=100))
    assert [(r["account_id"], r["surge"]) for r in first_party] == [
        ("A3", "first_party"),
        ("A1", "first_party"),
    ]


def test_surge_settings_are_validated_and_change_no_score():
    config = config_from_dict({"intent": {"surge_points": 25, "surge_weeks": 2}})
    assert (config.intent.surge_points, config.intent.surge_weeks) == (25, 2)
    assert "intent" not in config.model_dump()
    with pytest.raises(ConfigError, match=r"intent\.surge_weeks"):
        config_from_dict({"intent": {"surge_weeks": 0}})
    with pytest.raises(ConfigError, match=r"intent\.surge_point"):
        config_from_dict({"intent": {"surge_point": 10}})


@pytest.mark.neo4j
@pytest.mark.parametrize("store", ["neo4j"], indirect=True)
def test_both_stores_give_identical_intent_answers(graph, tmp_path):
    with EmbeddedStore(tmp_path / "ws") as embedded:
        build(tmp_path / "input").load(embedded)
        score(embedded)
        for ask in (
            lambda s: intent_topics(s),
            lambda s: intent_topics(s, "A1", as_of="2026-11-03"),
            lambda s: intent_topics(s, "A1", surge=IntentSection(surge_weeks=1)),
            lambda s: surging(s, days=7, limit=None),
            lambda s: explain_account(s, "A1"),
        ):
            assert json.dumps(ask(embedded)) == json.dumps(ask(graph))


# -- the command ------------------------------------------------------------------------------
@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    with EmbeddedStore(tmp_path / "ws") as store:
        build(tmp_path / "input").load(store)
        score(store)
    return tmp_path / "ws"


def _run(workspace: Path, *args: str):
    result = CliRunner().invoke(cli, ["--workspace", str(workspace), *args])
    assert result.exit_code == 0, result.output
    return result


def test_intent_command_json_csv_and_table(workspace):
    rows = json.loads(_run(workspace, "intent", "A1", "--format", "json").stdout)
    assert [r["topic"] for r in rows] == ["abm", "boundary", "intent data", "lead scoring", "crm"]
    surges = json.loads(_run(workspace, "intent", "--surging", "--format", "json").stdout)
    assert [(r["account_id"], r["topic"]) for r in surges] == [
        ("A2", "intent data"),
        ("A4", "crm"),
        ("A1", "abm"),
        ("A1", "boundary"),
        ("A1", "intent data"),
    ]
    wider = _run(workspace, "intent", "A1", "--surge-points", "15", "--format", "csv").stdout
    assert wider.splitlines()[0].startswith("account_id,name,topic,score,previous_score,trend")
    assert wider.count(",True,") == 4
    table = _run(workspace, "intent", "A1", "--limit", "2").output
    assert "boundary" in table and "lead scoring" not in table and "3 more" in table
    result = CliRunner().invoke(cli, ["--workspace", str(workspace), "intent", "NOPE"])
    assert result.exit_code == 1 and "No account 'NOPE'" in result.output


def test_surging_command_reads_the_surge_settings_from_the_config(workspace):
    (workspace / "scoring.toml").write_text("[intent]\nsurge_points = 60\n", encoding="utf-8")
    rows = json.loads(_run(workspace, "surging", "--format", "json").stdout)
    assert [(r["account_id"], r["surge"]) for r in rows] == [
        ("A3", "first_party"),
        ("A2", "intent"),
        ("A1", "first_party"),
    ]


def test_the_report_says_which_surge(graph, tmp_path):
    from abmgraph.report import build_report

    build_report(graph, tmp_path / "site", top=4)
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    card = index[
        index.index('<ol id="surging">') : index.index("</ol>", index.index('id="surging"'))
    ]
    items = re.findall(r"<li>(.*?)</li>", card, flags=re.S)
    text = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]
    assert text == [
        "Acme +15 0 → 15 intent: abm, boundary, intent data",
        "Gamma +30 0 → 30",
        "Beta intent: intent data",
        "Delta intent: crm",
    ]
