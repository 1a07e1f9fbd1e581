"""``abmgraph cypher`` against a real server: it reads the graph and nothing else.

Every query here reaches only 127.0.0.1: the HTTP server LOAD CSV would
fetch from is one the test runs itself, and it must never be called.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from abmgraph.errors import StoreError
from abmgraph.graph.neo4j_store import Neo4jStore
from abmgraph.queries import run_cypher

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo(neo4j_server: Neo4jStore, builder) -> Neo4jStore:
    neo4j_server.clear()
    builder.account("A1", name="Acme").contact("C1", "A1").load(neo4j_server)
    return neo4j_server


@pytest.fixture
def local_http() -> Iterator[tuple[str, list[str]]]:
    """A CSV served on 127.0.0.1; the list collects every path requested."""
    requested: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            body = b"secret,row\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/data.csv", requested
    finally:
        server.shutdown()
        server.server_close()


def test_reads_and_read_only_procedures_answer(neo: Neo4jStore):
    rows = run_cypher(
        neo, "MATCH (a:Account {account_id: $id}) RETURN a.name AS name", {"id": "A1"}
    )
    assert rows == [{"name": "Acme"}]
    labels = {r["label"] for r in run_cypher(neo, "CALL db.labels() YIELD label RETURN label")}
    assert {"Account", "Contact"} <= labels


def test_load_csv_of_a_server_file_is_refused(neo: Neo4jStore):
    with pytest.raises(StoreError, match="LOAD CSV"):
        run_cypher(neo, "load /* */ CSV FROM 'file:///etc/passwd' AS line RETURN line")


def test_load_csv_over_http_is_refused_before_the_server_fetches(neo: Neo4jStore, local_http):
    url, requested = local_http
    with pytest.raises(StoreError, match="LOAD CSV"):
        run_cypher(neo, f"LOAD CSV FROM '{url}' AS line RETURN line")
    with pytest.raises(StoreError, match="LOAD CSV"):
        run_cypher(neo, "CALL { LOAD CSV FROM $url AS line RETURN line } RETURN line", {"url": url})
    assert requested == []


def test_another_users_transaction_cannot_be_listed_or_terminated(neo: Neo4jStore):
    """An ingest's open transaction survives TERMINATE through ``cypher`` and commits."""
    with neo._driver.session(database=neo.database) as session:
        ingest = session.begin_transaction()
        ingest.run("CREATE (:Account {account_id: 'A2', name: 'Mid-ingest'})").consume()
        records, _, _ = neo._driver.execute_query(
            "SHOW TRANSACTIONS YIELD transactionId, currentQuery "
            "WHERE currentQuery = '' OR NOT currentQuery STARTS WITH 'SHOW' "
            "RETURN transactionId",
            database_=neo.database,
        )
        ids = [r["transactionId"] for r in records]
        assert ids, "the open transaction is listed"
        for query in (
            f"TERMINATE TRANSACTIONS {', '.join(repr(i) for i in ids)}",
            "SHOW TRANSACTIONS",
            "SHOW TRANSACTIONS YIELD transactionId RETURN transactionId",
        ):
            with pytest.raises(StoreError, match="TRANSACTIONS is an administration command"):
                run_cypher(neo, query)
        time.sleep(0.2)
        ingest.commit()
    assert neo.counts()["accounts"] == 2


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("CALL db.clearQueryCaches()", "db.clearQueryCaches"),
        ("CALL dbms.listConfig()", "dbms.listConfig"),
        ("SHOW USERS", "starts with SHOW"),
        ("SHOW SETTINGS", "starts with SHOW"),
        ("CREATE INDEX refused_index FOR (n:Account) ON (n.name)", "starts with CREATE"),
        ("DROP CONSTRAINT refused_constraint IF EXISTS", "starts with DROP"),
    ],
)
def test_commands_and_procedures_off_the_list_are_refused(neo: Neo4jStore, query, named):
    with pytest.raises(StoreError, match=named):
        run_cypher(neo, query)


def test_a_write_inside_a_read_query_is_refused_by_the_server(neo: Neo4jStore):
    """Past the guard, the READ transaction still stops a write."""
    with pytest.raises(StoreError, match="Refused: queries run in a read transaction"):
        run_cypher(neo, "MATCH (a:Account) SET a.name = 'x' RETURN a")
    assert run_cypher(neo, "MATCH (a:Account) RETURN a.name AS name") == [{"name": "Acme"}]


def test_the_local_server_reads_no_files_even_past_the_guard(neo: Neo4jStore):
    """scripts/neo4j-local: file URLs off, the import folder an empty one of its own."""
    records, _, _ = neo._driver.execute_query(
        "SHOW SETTINGS YIELD name, value WHERE name IN $names RETURN name, value",
        names=["dbms.security.allow_csv_import_from_file_urls", "server.directories.import"],
        database_=neo.database,
    )
    settings = {r["name"]: r["value"] for r in records}
    folder = Path(settings["server.directories.import"])
    if folder.parent.parent.name != "neo4j-local":
        pytest.skip("the test server is not one of scripts/neo4j-local")
    assert settings["dbms.security.allow_csv_import_from_file_urls"] == "false"
    assert folder.is_dir() and not any(folder.iterdir())
    with pytest.raises(Exception, match="allow_csv_import_from_file_urls"):
        neo._driver.execute_query(
            "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", database_=neo.database
        )
