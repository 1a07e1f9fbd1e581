"""The alert webhook, against a real HTTP server on 127.0.0.1 started by each test."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from abmgraph.alerts import alerts_path
from abmgraph.alerts.sinks import check_webhook, post_alerts, redact
from abmgraph.cli.app import cli
from abmgraph.errors import DeliveryError, InputError
from abmgraph.graph.store import open_store
from abmgraph.history import runs
from tests.conftest import AS_OF, GraphBuilder

TOKEN = "s3cret-token"


class Hook:
    """A local endpoint answering each POST with the next scripted status (the last repeats)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.received: list[Any] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.received.append(json.loads(body))
                status = hook.statuses[min(len(hook.received), len(hook.statuses)) - 1]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/alerts?token={TOKEN}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook(request: pytest.FixtureRequest) -> Iterator[Hook]:
    served = Hook(request.param)
    yield served
    served.close()


PAYLOAD = {"run_id": "r1", "as_of": AS_OF, "alerts": [{"kind": "contact_mql"}]}


@pytest.mark.parametrize("hook", [[200]], indirect=True)
def test_alerts_are_posted_as_json(hook: Hook) -> None:
    assert post_alerts(hook.url, PAYLOAD, backoff=0) == 200
    assert hook.received == [PAYLOAD]


@pytest.mark.parametrize("hook", [[400], [403]], indirect=True)
def test_a_refusal_is_not_retried_and_the_token_is_never_shown(hook: Hook) -> None:
    status = hook.statuses[0]
    with pytest.raises(DeliveryError) as caught:
        post_alerts(hook.url, PAYLOAD, backoff=0)
    port = hook.server.server_port
    assert str(caught.value) == (
        f"The webhook at http://127.0.0.1:{port} refused the alerts (HTTP {status})"
    )
    assert len(hook.received) == 1


@pytest.mark.parametrize("hook", [[503, 200], [429, 502, 200]], indirect=True)
def test_unavailable_and_rate_limited_answers_are_retried(hook: Hook) -> None:
    assert post_alerts(hook.url, PAYLOAD, backoff=0) == 200
    assert hook.received == [PAYLOAD] * len(hook.statuses)


@pytest.mark.parametrize("hook", [[503]], indirect=True)
def test_an_endpoint_that_keeps_failing_gives_up_after_the_retries(hook: Hook) -> None:
    with pytest.raises(DeliveryError, match=r"kept failing \(HTTP 503\)"):
        post_alerts(hook.url, PAYLOAD, retries=2, backoff=0)
    assert len(hook.received) == 3


def test_an_unreachable_endpoint_is_a_one_line_error() -> None:
    with pytest.raises(DeliveryError, match=r"^The webhook at http://127.0.0.1:9 could not"):
        post_alerts(f"http://127.0.0.1:9/x?token={TOKEN}", PAYLOAD, retries=1, backoff=0)


def test_urls_are_checked_and_redacted() -> None:
    assert redact(f"https://user:pw@hooks.example.com:8443/a/{TOKEN}?t=1") == (
        "https://hooks.example.com:8443"
    )
    assert check_webhook(" https://hooks.example.com/x ") == "https://hooks.example.com/x"
    for bad in ("ftp://hooks.example.com", "hooks.example.com/x", "https://"):
        with pytest.raises(InputError, match="--webhook must be an http"):
            check_webhook(bad)


# -- through `abmgraph score` ------------------------------------------------------------
def _two_scores(ws: Path, tmp_path: Path, *args: str) -> Any:
    """A baseline score, then C1's demo requests, then a score with ``args``."""
    builder = GraphBuilder(tmp_path / "input")
    builder.account("A1").contact("C1", "A1").load(open_store("embedded", ws))
    runner = CliRunner()
    first = runner.invoke(cli, ["--workspace", str(ws), "score", "--as-of", AS_OF])
    assert first.exit_code == 0, first.output
    more = GraphBuilder(tmp_path / "more")
    more.event("C1", "demo_request", 0).event("C1", "demo_request", 0)
    more.load(open_store("embedded", ws))
    return runner.invoke(cli, ["--workspace", str(ws), "score", "--as-of", AS_OF, *args])


@pytest.mark.parametrize("hook", [[200]], indirect=True)
def test_score_posts_the_runs_alerts(hook: Hook, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = _two_scores(ws, tmp_path, "--webhook", hook.url)
    assert result.exit_code == 0, result.output
    latest = runs(ws)["run_id"].iloc[-1]
    [payload] = hook.received
    assert payload["run_id"] == latest and payload["as_of"] == AS_OF
    # C1 became an MQL (25 + 40); A1 went up a tier, moved stage, surged, gained IT.
    kinds = [a["kind"] for a in payload["alerts"]]
    assert "contact_mql" in kinds and "account_tier_up" in kinds
    assert payload["alerts"] == [json.loads(x) for x in alerts_path(ws).read_text().splitlines()]
    assert f"sent to http://127.0.0.1:{hook.server.server_port}" in result.output
    assert TOKEN not in result.output


@pytest.mark.parametrize("hook", [[403]], indirect=True)
def test_a_refused_webhook_keeps_the_run_and_exits_1(hook: Hook, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    result = _two_scores(ws, tmp_path, "--webhook", hook.url)
    assert result.exit_code == 1
    kept = alerts_path(ws).read_text().splitlines()
    port = hook.server.server_port
    assert result.output.splitlines()[-1] == (
        f"Error: The webhook at http://127.0.0.1:{port} refused the alerts (HTTP 403); "
        f"the {len(kept)} alerts were kept in {alerts_path(ws)}."
    )
    assert TOKEN not in result.output
    assert len(runs(ws)) == 2  # the run and its scores are recorded all the same


def test_a_bad_webhook_url_is_refused_before_scoring(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    GraphBuilder(tmp_path / "input").account("A1").load(open_store("embedded", ws))
    result = CliRunner().invoke(cli, ["--workspace", str(ws), "score", "--webhook", "nope"])
    assert result.exit_code == 1
    assert result.output == "Error: --webhook must be an http:// or https:// URL with a host.\n"
    assert runs(ws).empty
    assert open_store("embedded", ws).score_meta() is None
