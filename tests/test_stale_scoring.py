"""Stale scoring is loud: a look-back window with no event in it says so, and what to do."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from abmgraph.cli import cli
from abmgraph.scoring.config import ScoringConfig
from tests.conftest import score


def graph(builder, days_ago: list[float]):
    builder.account("ACME")
    builder.contact("P1", "ACME")
    for days in days_ago:
        builder.event("P1", "demo_request", days)
    return builder


def test_no_event_in_the_window_warns_with_the_newest_date(store, builder) -> None:
    # AS_OF is 2026-11-01; the default look-back is 180 days. Events 400 and 200 days old.
    graph(builder, [400, 200]).load(store)
    result = score(store)
    assert result.warnings == [
        "no engagement event falls in the 180-day look-back window before --as-of "
        "2026-11-01, so every engagement score is 0. The newest event is from 2026-04-15 "
        "(older than the window): score with --as-of 2026-04-15 to see it, or widen "
        "window.lookback_days in the config."
    ]
    assert set(store.scores("contacts")["engagement_score"]) == {0}
    # The suggested --as-of sees the event.
    again = score(store, as_of="2026-04-15")
    assert again.warnings == []
    assert store.scores("contacts")["engagement_score"].iloc[0] > 0


def test_events_only_after_as_of_name_it(store, builder) -> None:
    graph(builder, [10]).load(store)
    result = score(store, as_of="2025-01-01")
    assert "The newest event is from 2026-10-22 (after --as-of)" in result.warnings[0]


@pytest.mark.parametrize("days", [[5], []])
def test_no_warning_with_events_in_the_window_or_none_at_all(store, builder, days) -> None:
    graph(builder, days).load(store)
    assert score(store).warnings == []
    wide = ScoringConfig.model_validate({"window": {"lookback_days": 500}})
    assert score(store, wide).warnings == []


def test_score_command_warns_on_stderr_and_in_json(tmp_path, builder) -> None:
    paths = graph(builder, [400]).write()
    workspace = str(tmp_path / "ws")
    runner = CliRunner()
    for kind in ("accounts", "contacts", "engagements"):
        result = runner.invoke(cli, ["--workspace", workspace, "ingest", kind, str(paths[kind])])
        assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli, ["--workspace", workspace, "score", "--as-of", "2026-11-01", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert len(body["warnings"]) == 1
    assert "score with --as-of 2025-09-27" in body["warnings"][0]
    assert "Warning: no engagement event falls in the 180-day" in result.stderr
