"""``abmgraph cypher`` refuses what is not a read of the graph, however it is written.

Each refused query below ran on a local Neo4j 5.26 before the guard existed,
in a READ transaction: ``LOAD CSV FROM 'file:///etc/passwd'`` returned the
file, ``SHOW TRANSACTIONS`` listed every user's transactions,
``TERMINATE TRANSACTIONS`` ended them, ``CALL db.clearQueryCaches()`` and
``SHOW USERS`` ran. The Neo4j end-to-end tests are in ``test_cypher_neo4j``.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from abmgraph.cli import cli
from abmgraph.errors import StoreError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.queries import run_cypher
from abmgraph.queries.cypher_guard import READ_PROCEDURES, check_read_only

READS = [
    "MATCH (a:Account {account_id: $id})<-[:WORKS_AT]-(c) RETURN c.title AS title",
    "OPTIONAL MATCH (a:Account) RETURN count(a)",
    "UNWIND [1, 2] AS x RETURN x",
    "WITH 1 AS x RETURN x",
    "RETURN 1;",
    "  \n\t return 1 ;  ;",
    "CALL db.labels() YIELD label RETURN label",
    "CALL db.relationshipTypes()",
    "call DB.PROPERTYKEYS",
    "CALL `db`.`schema`.`nodeTypeProperties`()",
    "CALL db.schema.visualization()",
    "CALL { MATCH (a:Account) RETURN a } RETURN count(a) AS n",
    "MATCH (a) CALL (a) { RETURN a.name AS name } RETURN name",
    "EXPLAIN MATCH (a) RETURN a",
    "PROFILE MATCH (a) RETURN a",
    "CYPHER 5 MATCH (a) RETURN a",
    "CYPHER runtime=slotted planner=cost MATCH (a) RETURN a",
    # The dangerous words inside strings, comments and quoted names are only text.
    "RETURN 'LOAD CSV FROM \"file:///etc/passwd\"' AS s",
    "MATCH (n) WHERE n.note = 'x\\'; TERMINATE TRANSACTIONS \\'t\\'' RETURN n",
    "MATCH (n) // LOAD CSV FROM 'file:///etc/passwd'\nRETURN n",
    "MATCH (n) /* CALL db.clearQueryCaches() */ RETURN n",
    "MATCH (`LOAD`:Account) RETURN `LOAD`.csv AS `CSV`",
    "MATCH (show:Account)-[:WORKS_AT]-(terminate) RETURN show, terminate",
    "MATCH (call:Account) RETURN call.name, {call: 1} AS m",
    "MATCH (n:Account) RETURN n.load AS load, n.use AS use",
    "RETURN $load, $show",
]

REFUSED = [
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD CSV"),
    ("load csv from 'http://127.0.0.1:9/x.csv' as l return l", "LOAD CSV"),
    ("MATCH (n) WITH n LIMIT 1 LoAd /* hidden */ Csv FROM 'file:///x' AS l RETURN l", "LOAD CSV"),
    ("UNWIND [1] AS x\nLOAD\n//\nCSV WITH HEADERS FROM 'file:///x' AS l RETURN l", "LOAD CSV"),
    ("CALL { LOAD CSV FROM 'file:///x' AS l RETURN l } RETURN l", "LOAD CSV"),
    ("SHOW TRANSACTIONS", "SHOW TRANSACTIONS"),
    ("/* hi */ show\n  transactions", "SHOW TRANSACTIONS"),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE TRANSACTIONS"),
    ("terminate transaction 'neo4j-transaction-1'", "TERMINATE TRANSACTIONS"),
    ("SHOW USERS", "starts with SHOW"),
    ("SHOW SETTINGS YIELD name, value", "starts with SHOW"),
    ("show databases", "starts with SHOW"),
    ("SHOW PROCEDURES", "starts with SHOW"),
    ("CREATE USER mallory SET PASSWORD 'x'", "starts with CREATE"),
    ("DROP DATABASE neo4j", "starts with DROP"),
    ("ALTER USER neo4j SET PASSWORD 'x'", "starts with ALTER"),
    ("GRANT ROLE admin TO mallory", "starts with GRANT"),
    ("STOP DATABASE neo4j", "starts with STOP"),
    ("CREATE INDEX FOR (n:Account) ON (n.name)", "starts with CREATE"),
    ("CREATE (n:Account {account_id: 'X'})", "starts with CREATE"),
    ("EXPLAIN SHOW USERS", "starts with SHOW"),
    ("CYPHER 5 runtime=slotted SHOW TRANSACTIONS", "SHOW TRANSACTIONS"),
    ("USE system SHOW USERS", "USE"),
    ("CALL { USE system MATCH (n) RETURN n } RETURN n", "USE"),
    ("CALL db.clearQueryCaches()", "db.clearQueryCaches"),
    ("CALL\n`db`.`clearQueryCaches`()", "db.clearQueryCaches"),
    ("call /* x */ db . clearQueryCaches", "db.clearQueryCaches"),
    ("CALL dbms.listConfig()", "dbms.listConfig"),
    ("CALL dbms.killQueries(['query-1'])", "dbms.killQueries"),
    ("MATCH (n) CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value", "apoc.load"),
    ("MATCH (n) CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})", "apoc.periodic"),
    ("CALL db.labels() YIELD label RETURN label; CALL db.clearQueryCaches()", "one statement"),
    ("RETURN 1; RETURN 2", "one statement"),
    ("RETURN 'unclosed", "unclosed"),
    ("RETURN 1 /* unclosed", "unclosed"),
    ("MATCH (`unclosed) RETURN 1", "unclosed"),
]


@pytest.mark.parametrize("query", READS)
def test_read_queries_pass(query: str):
    check_read_only(query)


@pytest.mark.parametrize(("query", "named"), REFUSED)
def test_what_is_not_a_read_is_refused_and_named(query: str, named: str):
    with pytest.raises(StoreError) as caught:
        check_read_only(query)
    message = str(caught.value)
    assert message.startswith("Refused: ") and named in message and "\n" not in message


def test_the_read_only_list_holds_no_procedure_that_writes_or_reaches_out():
    assert "db.labels" in READ_PROCEDURES and "db.schema.visualization" in READ_PROCEDURES
    for name in READ_PROCEDURES:
        assert name.startswith(("db.labels", "db.relationshiptypes", "db.propertykeys")) or (
            name.startswith(("db.schema.", "apoc.meta.", "apoc.path."))
        ), name


def test_an_empty_query_is_a_mistake():
    with pytest.raises(StoreError, match="empty"):
        check_read_only(" // nothing \n /* at all */ ;")


def test_the_guard_runs_before_any_store(tmp_path):
    """Refused on every store, the embedded one included: nothing is asked of the store."""
    with EmbeddedStore(tmp_path / "ws") as store, pytest.raises(StoreError, match="LOAD CSV"):
        run_cypher(store, "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l")


def test_the_command_refuses_in_one_line(tmp_path):
    result = CliRunner().invoke(
        cli, ["--workspace", str(tmp_path / "ws"), "cypher", "CALL db.clearQueryCaches()"]
    )
    assert result.exit_code == 1
    assert "Refused: procedure db.clearQueryCaches is not on the read-only list" in result.output
    assert "Traceback" not in result.output


# -- however it is spelled -------------------------------------------------------------
_GAPS = st.lists(
    st.sampled_from([" ", "\n", "\t", "\r\n", "\u00a0", "\u2003", "/* LOAD */", "// x\n", "/**/"]),
    min_size=1,
    max_size=3,
).map("".join)
_CASINGS = st.sampled_from(
    [str.upper, str.lower, str.title, lambda w: w[0].lower() + w[1:].upper()]
)


@settings(max_examples=200, deadline=None)
@given(
    gap=_GAPS,
    gap2=_GAPS,
    case=_CASINGS,
    keyword=st.sampled_from(["load csv", "show transactions", "terminate transactions"]),
)
def test_case_comments_and_whitespace_never_hide_a_refused_command(gap, gap2, case, keyword):
    first, second = (case(word) for word in keyword.split())
    query = f"MATCH (n){gap}WITH n{gap2}{first}{gap}{second} 'x' AS l RETURN l"
    with pytest.raises(StoreError, match="Refused"):
        check_read_only(query)


@settings(max_examples=200, deadline=None)
@given(
    payload=st.sampled_from(
        [
            "LOAD CSV FROM 'file:///etc/passwd' AS l",
            "CALL db.clearQueryCaches()",
            "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
            "SHOW USERS; DROP DATABASE neo4j",
            "*/ LOAD CSV /*",
            "` LOAD CSV `",
        ]
    ),
    quote=st.sampled_from(["'", '"']),
)
def test_a_refused_command_as_text_in_a_string_is_only_text(payload, quote):
    escaped = payload.replace("\\", "\\\\").replace(quote, "\\" + quote)
    check_read_only(f"MATCH (n) WHERE n.note = {quote}{escaped}{quote} RETURN n")
    check_read_only(f"MATCH (n) /* {payload.replace('*/', '')} */ RETURN n")
