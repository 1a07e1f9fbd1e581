"""A read-only view of a store that reads each whole table once: the report asks many
accounts the same questions, and on a large workspace re-reading the scores or the
contacts for every account would cost more than the answers.

Only reads go through it, and only for the length of one report, so a memoised
table can never be stale. Everything else is the wrapped store's own method.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

import pandas as pd

from abmgraph.graph.store import GraphStore

__all__ = ["Snapshot"]

T = TypeVar("T")


class Snapshot:
    """``store`` with whole-table reads memoised; filtered reads filter the memoised table."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._memo: dict[Any, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()`` once per key for the life of the snapshot (a derived whole-table value)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def scores(self, level: str) -> pd.DataFrame:
        return self.memo(("scores", level), lambda: self._store.scores(level))  # type: ignore[arg-type]

    def score_meta(self) -> dict[str, Any] | None:
        return self.memo(("meta",), self._store.score_meta)

    def table(
        self, kind: Any, ids: pd.Series | None = None, columns: Collection[str] | None = None
    ) -> pd.DataFrame:
        if ids is not None:
            return self._store.table(kind, ids, columns)
        key = ("table", kind, None if columns is None else tuple(columns))
        return self.memo(key, lambda: self._store.table(kind, None, columns))

    def select(
        self, name: str, columns: Sequence[str], where: tuple[str, Collection[Any]] | None = None
    ) -> pd.DataFrame:
        if where is not None:  # the store filters in Arrow while it reads: already cheap
            return self._store.select(name, columns, where)  # type: ignore[attr-defined]
        return self.memo(
            ("select", name, tuple(columns)),
            lambda: self._store.select(name, columns),  # type: ignore[attr-defined]
        )
