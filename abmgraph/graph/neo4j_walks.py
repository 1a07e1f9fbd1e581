"""The graph walks scoring needs, run in Cypher on the Neo4j server.

Only the ids a walk starts from travel to the server, as parameters, and
only the rows it finds come back: the graph itself never leaves Neo4j.
Starts are sent in chunks so one transaction stays small on a large graph.
"""

from __future__ import annotations

from typing import Any, LiteralString

import pandas as pd

from abmgraph.graph.neo4j_columns import distinct
from abmgraph.graph.neo4j_connection import Neo4jConnection
from abmgraph.graph.neo4j_cypher import build_query, tx_column

__all__ = ["Neo4jWalks"]

_DEAL_COLUMNS = ["account_id", "contact_id", "from_account_id", "opportunity_id"]


def tx_rows(tx: Any, query: LiteralString, params: dict[str, Any]) -> list[list[Any]]:
    """Every record's values (a transaction function: safe to retry)."""
    return [list(record.values()) for record in tx.run(query, params)]


def _frame(rows: list[list[Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype="object").astype("str")


class Neo4jWalks(Neo4jConnection):
    """Graph walks over the Neo4j store's connection."""

    # Start contacts per reporting-paths query: bounds one transaction's memory.
    walk_chunk = 20_000

    def reporting_paths(self, starts: pd.Series, targets: pd.Series, max_hops: int) -> pd.DataFrame:
        query = build_query("reporting_paths")
        wanted, powers = distinct(starts), distinct(targets)
        rows: list[list[Any]] = []
        if powers:
            for first in range(0, len(wanted), self.walk_chunk):
                chunk = wanted[first : first + self.walk_chunk]
                rows += self._read(
                    tx_rows, query, starts=chunk, targets=powers, max_hops=int(max_hops)
                )
        out = pd.DataFrame(
            {
                "contact_id": pd.Series([r[0] for r in rows], dtype="str"),
                "path": pd.Series([list(r[1]) for r in rows], dtype="object"),
            }
        )
        return out.sort_values("contact_id").reset_index(drop=True)

    def _accounts_query(self, body: str, account_ids: pd.Series | None) -> tuple[str, dict]:
        if account_ids is None:
            return build_query("match_all", body, label="Account"), {}
        query = build_query("match_keys", body, label="Account", key="account_id")
        return query, {"ids": distinct(account_ids)}

    def past_deals(self, account_ids: pd.Series | None = None) -> pd.DataFrame:
        query, params = self._accounts_query("past_deals", account_ids)
        return _frame(self._read(tx_rows, query, **params), _DEAL_COLUMNS)

    def account_families(self, account_ids: pd.Series | None = None) -> pd.DataFrame:
        query, params = self._accounts_query("account_families", account_ids)
        return _frame(self._read(tx_rows, query, **params), ["account_id", "family"])

    def alumni_employers(self, account_ids: pd.Series) -> pd.Series:
        found = self._read(
            tx_column, build_query("alumni_employers"), account_ids=distinct(account_ids)
        )
        return pd.Series(found, dtype="str")
