"""Graph questions on Neo4j: one read-only Cypher query, its records as plain Python.

Used by ``abmgraph.queries`` and ``abmgraph cypher``. The query runs in a read
transaction, so the server itself refuses any write.
"""

from __future__ import annotations

from functools import partial
from typing import Any, LiteralString, cast

from abmgraph.errors import StoreError
from abmgraph.graph.neo4j_connection import Neo4jConnection, neo4j

__all__ = ["Neo4jQuestions", "plain_records", "plain_value"]


class Neo4jQuestions(Neo4jConnection):
    """Read-only Cypher over the Neo4j store's connection."""

    # Codes the server answers with when a read transaction tries to change something.
    _WRITE_REFUSED = frozenset(
        {"Neo.ClientError.Statement.AccessMode", "Neo.ClientError.Security.Forbidden"}
    )

    def read_query(
        self,
        query: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run one Cypher query in a read transaction; its first ``limit`` records as plain dicts.

        Nodes become their properties (with ``_labels``), relationships their
        properties (with ``_type``), paths the list of their nodes, temporal
        values ISO-8601 text; bookkeeping properties (``_seq`` …) are left
        out. The server refuses any write in a read transaction, which is
        reported as a ``StoreError`` that says so.
        """
        work = neo4j.unit_of_work(timeout=timeout)(partial(plain_records, limit=limit))
        try:
            with self._errors(), self._session() as session:
                return session.execute_read(work, cast(LiteralString, query), dict(params or {}))
        except StoreError as exc:
            if getattr(exc.__cause__, "code", None) in self._WRITE_REFUSED:
                raise StoreError(
                    "Refused: queries run in a read transaction and this one writes to the "
                    "graph. Change data with 'abmgraph ingest' instead."
                ) from exc.__cause__
            raise


def plain_records(
    tx: Any, query: LiteralString, params: dict[str, Any], limit: int | None = None
) -> list[dict]:
    """The first ``limit`` records of ``query`` (all when None) as dicts of plain values."""
    rows = []
    for record in tx.run(query, params):
        if limit is not None and len(rows) >= limit:
            break
        rows.append({key: plain_value(value) for key, value in record.items()})
    return rows


def plain_value(value: Any) -> Any:
    """A Bolt value as JSON-ready Python: graph entities as property maps."""
    graph = neo4j.graph
    if isinstance(value, graph.Node):
        return {
            **{k: plain_value(v) for k, v in value.items() if k[:1] != "_"},
            "_labels": sorted(value.labels),
        }
    if isinstance(value, graph.Relationship):
        return {
            **{k: plain_value(v) for k, v in value.items() if k[:1] != "_"},
            "_type": value.type,
        }
    if isinstance(value, graph.Path):
        return [plain_value(n) for n in value.nodes]
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {k: plain_value(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
