"""Answers from the store for validation: do these ids exist, what do these values name.

``Lookup`` resolves the values of one column, asking the store once per
distinct value and caching the answers across chunks. ``SortedRun`` sorts a
chunk's event keys on another thread, so the file-wide duplicate check is
one merge.
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.errors import InternalError
from abmgraph.graph.schema import Kind
from abmgraph.graph.store import KEYS, GraphStore
from abmgraph.ingest.hashing import hash_strings
from abmgraph.ingest.matching import DomainMatcher

__all__ = ["Lookup", "SortedRun"]


class Lookup:
    """Resolve values of one column against the store, asking once per distinct value.

    Distinct values are found by their 64-bit hash and answers are cached
    across chunks. Checking that many ids exist (ten million events naming
    half a million contacts) loads the kind's id column once and compares
    hashes; a false match needs two different ids with equal 64-bit hashes.
    """

    _BULK = 50_000

    def __init__(self, store: GraphStore, kind: Kind, by: str) -> None:
        self.store, self.kind, self.by = store, kind, by
        self.id_column = KEYS[kind][0]
        self.keys = pd.Index(np.zeros(0, dtype=np.uint64))
        self.found = np.zeros(0, dtype=bool)
        self.ids = np.zeros(0, dtype=object)
        self.every_id: pd.Index | None = None
        self.domains = DomainMatcher(store)

    def _ask(self, values: pd.Series) -> pd.Series:
        if (self.kind, self.by) == ("accounts", "domain"):
            # Never a guess: a domain accounts of several families share resolves to none.
            return self.domains.match(values)["account_id"]
        if self.by != self.id_column:
            return self.store.resolve(self.kind, self.by, values)
        # Ids map to themselves: ask which of them the store holds, reading only the id
        # column, and match in Arrow (pandas' isin on Arrow strings loops in Python).
        held = self.store.table(self.kind, values, columns=[self.id_column])[self.id_column]
        known = pc.is_in(_large(values), value_set=_large(held))
        return values.where(known.to_numpy(zero_copy_only=False)).astype("str")

    def _codes(self, values: pd.Series, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        codes, uniques = pd.factorize(hashes)
        where = self.keys.get_indexer(uniques)
        missing = where < 0
        if missing.any():
            first = np.empty(len(uniques), dtype=np.int64)
            first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
            asked = values.iloc[first[missing]].reset_index(drop=True)
            answer = self._ask(asked)
            ids = answer.astype(object).where(answer.notna(), None).to_numpy(dtype=object)
            self.keys = self.keys.append(pd.Index(uniques[missing]))
            self.found = np.concatenate([self.found, answer.notna().to_numpy()])
            self.ids = np.concatenate([self.ids, ids])
            where = self.keys.get_indexer(uniques)
        return codes, where

    def exists(self, values: pd.Series) -> np.ndarray:
        """Which (non-missing) values the store knows."""
        if not len(values):
            return np.zeros(0, dtype=bool)
        hashes = hash_strings(values)
        if self.by == self.id_column and (self.every_id is not None or len(values) > self._BULK):
            if self.every_id is None:
                stored = self.store.ids(self.kind)
                self.every_id = pd.Index(pd.unique(hash_strings(stored)))
            return self.every_id.get_indexer(hashes) >= 0
        codes, where = self._codes(values, hashes)
        return self.found[where][codes]

    def resolve(self, values: pd.Series) -> pd.Series:
        """The id each (non-missing) value resolves to; missing where unknown."""
        if not len(values):
            return pd.Series([], dtype="str", index=values.index)
        codes, where = self._codes(values, hash_strings(values))
        return pd.Series(self.ids[where][codes], index=values.index, dtype="str")


def _large(ids: pd.Series) -> pa.Array:
    """Ids as Arrow large strings, whatever pandas holds them as."""
    return pa.array(ids, type=pa.large_string(), from_pandas=True)


class SortedRun:
    """``np.sort(keys)`` computed on another thread (numpy releases the GIL while sorting)."""

    def __init__(self, keys: np.ndarray) -> None:
        self._result: np.ndarray | None = None
        self._thread = threading.Thread(target=self._run, args=(keys,), daemon=True)
        self._thread.start()

    def _run(self, keys: np.ndarray) -> None:
        self._result = np.sort(keys)

    def __len__(self) -> int:
        return len(self.get())

    def get(self) -> np.ndarray:
        self._thread.join()
        if self._result is None:  # the sort failed on its thread (it said why on stderr)
            raise InternalError("sorting the event keys failed; nothing was written.")
        return self._result
