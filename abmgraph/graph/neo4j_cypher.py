"""The Neo4j store's Cypher: query files, how they are filled, and transaction functions.

Every query is a ``.cypher`` file in ``abmgraph/graph/cypher``, shipped with
the package; values only travel as parameters. The few label and key names
that vary come from the graph model's allow-list and are backtick-quoted; a
write's ``{{row}}`` is a map of the table's column names to parameter lists
(see ``neo4j_columns``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache
from importlib.resources import files
from itertools import chain
from typing import Any, LiteralString, cast

from abmgraph.errors import StoreError
from abmgraph.graph.neo4j_columns import quote, row_map
from abmgraph.graph.neo4j_model import CLEAR_ORDER, COMPOSITE_KEY, LABELS
from abmgraph.graph.tables import column_dtypes

__all__ = [
    "build_query",
    "joined",
    "load_query",
    "row_query",
    "statements",
    "tx_column",
    "tx_consume",
    "tx_record",
    "tx_single",
]


@cache
def load_query(name: str) -> str:
    """The text of ``abmgraph/graph/cypher/<name>.cypher``."""
    return (files("abmgraph.graph") / "cypher" / f"{name}.cypher").read_text(encoding="utf-8")


@cache
def _allowed_names() -> frozenset[str]:
    """Labels and property names a query may be built with: the graph model's own."""
    columns = {c for kind in LABELS for c in column_dtypes(kind)}
    return frozenset({*LABELS.values(), *CLEAR_ORDER, *columns, COMPOSITE_KEY})


def build_query(*parts: str, **names: str) -> LiteralString:
    """Join query files and fill each ``{{placeholder}}`` with a backtick-quoted name.

    Only names of the graph model (labels, key and contract columns) are
    accepted; any other text is refused rather than pasted into Cypher.
    """
    text = "\n".join(load_query(part) for part in parts)
    for placeholder, name in names.items():
        if name not in _allowed_names():
            raise StoreError(f"{name!r} is not a label or column of the graph model.")
        text = text.replace("{{" + placeholder + "}}", quote(name))
    return cast(LiteralString, text)


def statements(name: str) -> list[LiteralString]:
    """The statements of a query file, split on ``;``, its comment lines left out."""
    text = "\n".join(
        line for line in load_query(name).splitlines() if not line.lstrip().startswith("//")
    )
    return [cast(LiteralString, s.strip()) for s in text.split(";") if s.strip()]


def row_query(
    name: str, columns: Sequence[str], temporal: Collection[str], **names: str
) -> LiteralString:
    """A query file whose ``{{row}}`` reads row ``idx`` of the column parameters."""
    return cast(
        LiteralString, build_query(name, **names).replace("{{row}}", row_map(columns, temporal))
    )


# Transaction functions: the driver re-runs them from the start when it retries.
def tx_single(tx: Any, query: LiteralString, params: dict[str, Any]) -> Any:
    """The one value of the query's one record."""
    return tx.run(query, params).single(strict=True)[0]


def tx_column(tx: Any, query: LiteralString, params: dict[str, Any]) -> list[Any]:
    """The first value of every record."""
    return [record[0] for record in tx.run(query, params)]


def tx_pairs(tx: Any, query: LiteralString, params: dict[str, Any]) -> list[tuple[Any, Any]]:
    """The first two values of every record."""
    return [(record[0], record[1]) for record in tx.run(query, params)]


def tx_record(tx: Any, query: LiteralString, params: dict[str, Any]) -> list[Any]:
    """The values of the query's one record."""
    return list(tx.run(query, params).single(strict=True).values())


def tx_consume(tx: Any, query: LiteralString, params: dict[str, Any]) -> None:
    """Run the query for its effect."""
    tx.run(query, params).consume()


def joined(parts: Sequence[list[list[Any]]], width: int) -> list[list[Any]]:
    """Parts that each hold ``width`` lists, joined column by column."""
    return [list(chain.from_iterable(part[j] for part in parts)) for j in range(width)]
