"""NEO4J_URI: a Bolt scheme or a one-line error; credentials never shown, never taken from it.

No server is needed: every URI here is refused before anything connects.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from abmgraph.cli import cli
from abmgraph.errors import StoreUnavailableError
from abmgraph.graph.neo4j_store import Neo4jStore
from abmgraph.graph.neo4j_uri import check_uri, redact_uri

SECRET = "s3cret-Pa55"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"neo4j://alice:{SECRET}@db.example.com:7687", "neo4j://***@db.example.com:7687"),
        (f"bolt+s://alice:{SECRET}@10.0.0.5", "bolt+s://***@10.0.0.5"),
        (f"neo4j+ssc://{SECRET}@host/db?x=1", "neo4j+ssc://***@host/db?x=1"),
        # A password holding '@' hides the host's start: all of it goes up to the last '@'.
        (f"bolt://bob:p@ss{SECRET}@host:7687", "bolt://***@host:7687"),
        (
            f"failed at 'bolt://a:{SECRET}@h:1' and neo4j://b:{SECRET}@g",
            "failed at 'bolt://***@h:1' and neo4j://***@g",
        ),
        ("bolt://127.0.0.1:7687", "bolt://127.0.0.1:7687"),
        ("mail alice@example.com", "mail alice@example.com"),
    ],
)
def test_userinfo_is_redacted_wherever_a_uri_appears(text: str, shown: str):
    assert redact_uri(text) == shown


@pytest.mark.parametrize(
    "uri",
    [
        "bolt://127.0.0.1:7687",
        "bolt+s://db.example.com",
        "bolt+ssc://db.example.com:7687",
        "neo4j://db.example.com",
        "neo4j+s://abcd1234.databases.neo4j.io",
        "NEO4J+SSC://db.example.com:7687",
    ],
)
def test_bolt_uris_are_accepted(uri: str):
    assert check_uri(uri) == uri


@pytest.mark.parametrize(
    ("uri", "said"),
    [
        ("http://localhost:7474", "it has scheme http:// (Neo4j's http port"),
        ("https://db.example.com:7473", "it has scheme https://"),
        ("localhost:7687", "it has no scheme"),
        ("ftp://db.example.com", "it has scheme ftp://"),
        ("127.0.0.1", "it has no scheme"),
        ("bolt://", "it names no host"),
        ("bolt://host:port", "Port could not be cast"),
    ],
)
def test_other_uris_get_one_line_naming_the_accepted_schemes(uri: str, said: str):
    with pytest.raises(StoreUnavailableError) as caught:
        Neo4jStore.connect(uri=uri)
    message = str(caught.value)
    assert said in message and "\n" not in message
    assert message.startswith(f"Cannot use Neo4j URI {uri!r}: ")
    if "scheme" in said:
        assert message.endswith(
            "Use one of bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s://, neo4j+ssc://, "
            "e.g. bolt://127.0.0.1:7687."
        )


@pytest.mark.parametrize(
    "uri",
    [
        f"neo4j://alice:{SECRET}@db.example.com:7687",
        f"bolt://alice:{SECRET}@127.0.0.1:1",
        f"bolt://{SECRET}@127.0.0.1:1",
        f"http://alice:{SECRET}@127.0.0.1:7474",
        f"bolt://alice:{SECRET}@host:notaport",
    ],
)
def test_a_uri_with_credentials_is_refused_without_showing_them(uri: str):
    with pytest.raises(StoreUnavailableError) as caught:
        Neo4jStore.connect(uri=uri)
    assert SECRET not in str(caught.value)
    chained = caught.value.__cause__ or caught.value.__context__
    assert chained is None or SECRET not in str(chained)
    assert "://***@" in str(caught.value)


def test_credentials_in_the_uri_point_to_the_environment():
    with pytest.raises(StoreUnavailableError) as caught:
        Neo4jStore.connect(uri=f"neo4j://alice:{SECRET}@db.example.com")
    assert str(caught.value) == (
        "Cannot use Neo4j URI 'neo4j://***@db.example.com': it holds credentials. Put the "
        "user in NEO4J_USER and the password in NEO4J_PASSWORD, and leave them out of the URI."
    )


@pytest.mark.parametrize("args", [["status"], ["status", "--format", "json"], ["accounts"]])
def test_the_cli_never_prints_the_password_of_neo4j_uri(tmp_path, args):
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(tmp_path / "ws"), "--backend", "neo4j", *args],
        env={"NEO4J_URI": f"neo4j://alice:{SECRET}@127.0.0.1:1"},
    )
    assert result.exit_code == 1
    assert SECRET not in result.output and "Traceback" not in result.output
    assert result.output.count("\n") == 1 and "neo4j://***@127.0.0.1:1" in result.output


def test_an_http_uri_is_one_line_not_a_traceback(tmp_path):
    result = CliRunner().invoke(
        cli,
        ["--workspace", str(tmp_path / "ws"), "--backend", "neo4j", "status"],
        env={"NEO4J_URI": "http://localhost:7474"},
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.output.count("\n") == 1
    assert "it has scheme http://" in result.output and "bolt://" in result.output
