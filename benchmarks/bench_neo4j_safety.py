"""What the ``abmgraph cypher`` guard costs before a query is sent: a typical query and a 54 KB one.

Reproduce with ``.venv/bin/python benchmarks/bench_neo4j_safety.py`` (no
server needed). Nothing here is a test: numbers vary by machine.
"""

from __future__ import annotations

import json
import timeit

from abmgraph.queries.cypher_guard import check_read_only

QUERY = (
    "MATCH (a:Account {account_id: $id})<-[:WORKS_AT]-(c:Contact) "
    "RETURN c.contact_id AS contact_id, c.title AS title, c.score AS score "
    "ORDER BY score DESC LIMIT 2"
)


def guard() -> dict[str, float]:
    long_query = "MATCH (a)-[:WORKS_AT]-(c) WHERE c.title = 'x' /* c */ " * 1_000 + "RETURN 1"
    short = min(timeit.repeat(lambda: check_read_only(QUERY), number=200, repeat=5)) / 200
    long = min(timeit.repeat(lambda: check_read_only(long_query), number=3, repeat=3)) / 3
    return {
        "guard_typical_query_us": round(short * 1e6, 1),
        "guard_query_chars": len(long_query),
        "guard_long_query_ms": round(long * 1e3, 1),
    }


def main() -> None:
    print(json.dumps(guard(), indent=2))


if __name__ == "__main__":
    main()
