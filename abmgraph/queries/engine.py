"""How a graph question reaches a store, and the small helpers every question shares.

A named query is a function of the embedded store (networkx and pandas over
the workspace tables) decorated with ``named_query(name)``. On the Neo4j
store the same call runs ``abmgraph/queries/cypher/<name>.cypher`` in a read
transaction instead, with values only as parameters. Both return the same
plain rows — dicts with the same keys, sorted the same way — so whatever is
built on them answers identically on either store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache, wraps
from importlib.resources import files
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from abmgraph.errors import NotFoundError, StoreError
from abmgraph.graph.role_lists import role_names
from abmgraph.graph.store import GraphStore
from abmgraph.idsets import among, as_arrow
from abmgraph.scoring.config import ScoringConfig

__all__ = [
    "SENIORITY_RANK",
    "account_row",
    "account_rows",
    "customer_ids",
    "load_cypher",
    "named_query",
    "person_name",
    "records",
    "role_list",
    "scored_config",
    "split_ids",
]

Rows = list[dict[str, Any]]
F = TypeVar("F", bound=Callable[..., Rows])

# Higher is more senior; unknown seniority ranks below every known one.
SENIORITY_RANK = {
    "c_level": 6,
    "vp": 5,
    "director": 4,
    "manager": 3,
    "individual_contributor": 2,
    "entry": 1,
}


@cache
def load_cypher(name: str) -> str:
    """The text of ``abmgraph/queries/cypher/<name>.cypher`` (package data)."""
    return (files("abmgraph.queries") / "cypher" / f"{name}.cypher").read_text(encoding="utf-8")


def named_query(name: str) -> Callable[[F], F]:
    """Answer with ``cypher/<name>.cypher`` on Neo4j, with the decorated function elsewhere.

    The Cypher file gets the call's keyword arguments as parameters, plus
    ``$contact_score`` and ``$account_score``: maps from a score column to the
    node property that holds it (see ``Neo4jStore.score_properties``).
    """

    def decorate(embedded: F) -> F:
        @wraps(embedded)
        def answer(store: GraphStore, **params: Any) -> Rows:
            if store.backend != "neo4j":
                return embedded(store, **params)
            # The scoring engine's column lists matter to Cypher only; the embedded store
            # answers without loading the engine.
            from abmgraph.scoring.engine import ACCOUNT_COLUMNS, CONTACT_COLUMNS

            scored = {
                "contact_score": _score_names(store, "contacts", CONTACT_COLUMNS),
                "account_score": _score_names(store, "accounts", ACCOUNT_COLUMNS),
            }
            return store.read_query(load_cypher(name), {**params, **scored})

        return answer  # type: ignore[return-value]

    return decorate


def _score_names(store: Any, level: str, columns: list[str]) -> dict[str, str]:
    return {**{c: c for c in columns}, **store.score_properties(level)}


def _plain(value: Any) -> Any:
    if type(value) is str:  # the commonest value, in every list of ids or roles
        return value
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def _column(values: pd.Series) -> list[Any]:
    """One column as plain Python values, converting whole arrays where the dtype allows."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        out = values.to_numpy().tolist()
        if dtype.kind == "f" and values.isna().any():
            return [None if v != v else v for v in out]
        return out
    out = values.to_numpy(dtype=object, na_value=None).tolist()
    if isinstance(dtype, pd.StringDtype):
        return out
    return [_plain(v) for v in out]


def records(frame: pd.DataFrame) -> Rows:
    """A frame as JSON-ready dicts: missing values None, numpy values plain Python."""
    columns = list(frame.columns)
    values = [_column(frame[c]) for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def scored_config(store: GraphStore) -> ScoringConfig:
    """The config of the last scoring run (roles and missing roles were computed with it)."""
    meta = store.score_meta()
    if meta is None:
        raise StoreError("Nothing is scored yet: run 'abmgraph score' first.")
    return ScoringConfig.model_validate(meta.get("config") or {})


def account_row(store: GraphStore, account_id: str) -> dict[str, Any]:
    """The account's table row and, when it was scored, its scores; NotFoundError if unknown."""
    facts = store.table("accounts", pd.Series([account_id], dtype="str"))
    if facts.empty:
        raise NotFoundError(f"No account {account_id!r}; list them with 'abmgraph accounts'.")
    row = records(facts.head(1))[0]
    scores = store.scores("accounts")
    if not scores.empty:
        mine = scores[scores["account_id"] == account_id].drop(columns=["name"], errors="ignore")
        if not mine.empty:
            row.update(records(mine.head(1))[0])
    return row


def account_rows(store: GraphStore, account_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``account_row`` for many accounts, read once: ``{account_id: row}`` in the order asked.

    Raises
    ------
    NotFoundError
        The first id asked that is not in the store.
    """
    ids = list(dict.fromkeys(account_ids))
    facts = store.table("accounts", pd.Series(ids, dtype="str"))
    facts = facts.drop_duplicates("account_id", keep="first")
    found = dict(zip(facts["account_id"].tolist(), records(facts), strict=True))
    for account_id in ids:
        if account_id not in found:
            raise NotFoundError(f"No account {account_id!r}; list them with 'abmgraph accounts'.")
    scores = store.scores("accounts")
    if not scores.empty:
        mine = scores[among(scores["account_id"], ids)].drop(columns=["name"], errors="ignore")
        mine = mine.drop_duplicates("account_id", keep="first")
        for row in records(mine):
            found[row["account_id"]].update(row)
    return {a: found[a] for a in ids}


def customer_ids(accounts: pd.DataFrame, opportunities: pd.DataFrame) -> set[str]:
    """Customers: accounts flagged ``is_customer`` or holding a closed-won opportunity."""
    flagged = accounts["is_customer"].fillna(False).astype(bool).to_numpy()
    won = opportunities["is_won"].fillna(False).astype(bool).to_numpy()
    winners = opportunities.loc[won, "account_id"]
    winners = winners[among(winners, accounts["account_id"])]
    return set(accounts.loc[flagged, "account_id"].tolist()) | set(winners.tolist())


def split_ids(frame: pd.DataFrame, key: str, lists: str) -> pd.DataFrame:
    """One row per (``key``, item) of the ``;``-separated ``lists`` column, as ``key, item``."""
    rows = frame.dropna(subset=[lists])
    parts = pc.split_pattern(as_arrow(rows[lists]), ";")
    items = pc.list_flatten(parts)
    owners = pc.list_parent_indices(parts).to_numpy()
    return pd.DataFrame(
        {
            key: rows[key].to_numpy()[owners] if len(owners) else rows[key].iloc[0:0].to_numpy(),
            "item": pd.Series(items.to_pandas(), dtype="str")
            if len(items)
            else pd.Series([], dtype="str"),
        }
    )


def person_name(first: Any, last: Any) -> str:
    """First and last name joined, skipping whichever is missing."""
    return " ".join(str(part).strip() for part in (first, last) if part).strip()


def role_list(roles: Any) -> list[str]:
    """The ``;``-separated roles of a scored contact as a list."""
    return role_names(roles)


def ordered(values: Iterable[str], order: list[str]) -> list[str]:
    """``values`` in the order of ``order``, unknown ones after, alphabetically."""
    rank = {v: i for i, v in enumerate(order)}
    return sorted(set(values), key=lambda v: (rank.get(v, len(rank)), v))
