"""The Neo4j store's reads: tables, ids, lookups, the engagement summary and scores.

Nodes come back in a few large records, each holding one list per property,
and become typed columns in ``neo4j_columns``; the biggest reads run as
several queries at once, one share of the nodes each. Events never travel:
the engagement summary is aggregated in Cypher.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from typing import Any, LiteralString

import numpy as np
import pandas as pd

from abmgraph.errors import StoreError
from abmgraph.graph.changelog import Changes
from abmgraph.graph.neo4j_columns import distinct, no_gc, restore, typed_frame
from abmgraph.graph.neo4j_connection import Neo4jConnection
from abmgraph.graph.neo4j_cypher import build_query, joined, tx_column, tx_record, tx_single
from abmgraph.graph.neo4j_model import (
    LABELS,
    SCORE_RANK,
    SCORED,
    SCORES,
    SCORES_WRITING,
    SEQ,
    temporal_columns,
)
from abmgraph.graph.schema import Kind
from abmgraph.graph.store import KEYS, SUMMARY_COLUMNS, EventWindow, ScoreLevel
from abmgraph.graph.tables import column_dtypes, empty_table, only_columns

__all__ = ["Neo4jReader"]

_SUMMARY_DTYPES = {
    "contact_id": "str",
    "type": "str",
    "events": "int64",
    "decayed": "float64",
    "recent": "int64",
    "prior": "int64",
    "last_at": "datetime64[us, UTC]",
}


class Neo4jReader(Neo4jConnection):
    """Reads of the Neo4j store."""

    # Nodes per record when reading: few large records read far faster than many.
    read_chunk = 10_000
    # Contacts aggregated per step of engagement_summary: bounds server memory.
    summary_chunk = 5_000

    def _columns(self, query: LiteralString, width: int, **params: Any) -> list[list[Any]]:
        """Run a query whose records each hold ``width`` lists; join them column by column."""
        with no_gc():
            return joined(self._read(tx_column, query, **params), width)

    def _shared_columns(self, body: str, label: str, width: int, **params: Any) -> list[list[Any]]:
        """:meth:`_columns` of ``body`` over every ``label`` node, as ``readers`` queries at once.

        Each query takes the nodes of one share of ``_seq``; the columns come
        back share after share, so callers order rows themselves.
        """
        query = build_query("match_share", body, label=label)

        def share(number: int) -> list[list[Any]]:
            return self._columns(query, width, share=number, shares=self.readers, **params)

        with no_gc(), ThreadPoolExecutor(self.readers, thread_name_prefix="abmgraph-read") as pool:
            return joined(list(pool.map(share, range(self.readers))), width)

    def table(
        self, kind: Kind, ids: pd.Series | None = None, columns: Collection[str] | None = None
    ) -> pd.DataFrame:
        if kind == "engagements":
            raise StoreError("Engagements are read through engagement_summary().")
        stored = self._table_columns(kind)
        if not stored:
            frame = empty_table(kind)
            frame = frame if ids is None else frame[frame[KEYS[kind][0]].isin(ids)]
            return only_columns(frame, columns)
        # Only the properties asked for travel: each is one list per chunk of nodes.
        wanted = stored.keys() if columns is None else set(columns)
        read = {name: dtype for name, dtype in stored.items() if name in wanted}
        label, key = LABELS[kind], KEYS[kind][0]
        params: dict[str, Any] = {
            "columns": [*read, SEQ],
            "temporal": [c for c in temporal_columns(kind) if c in read],
            "chunk": self.read_chunk,
        }
        if ids is None:
            found = self._shared_columns("node_rows", label, len(read) + 1, **params)
        else:
            query = build_query("match_keys", "node_rows", label=label, key=key)
            found = self._columns(query, len(read) + 1, ids=distinct(ids), **params)
        return typed_frame(found, read)

    def ids(self, kind: Kind) -> pd.Series:
        if not self._table_columns(kind):
            return pd.Series([], dtype="str")
        query = build_query("match_all", "node_rows", label=LABELS[kind])
        (found,) = self._columns(
            query, 1, columns=[KEYS[kind][0]], temporal=[], chunk=self.read_chunk
        )
        return restore(found, "str").dropna().reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        out = {kind: self._count(LABELS[kind]) for kind in KEYS if kind != "engagements"}
        out["engagements"] = self.event_count()
        return out

    def resolve(self, kind: Kind, by: str, values: pd.Series) -> pd.Series:
        nothing = pd.Series(pd.NA, index=values.index, dtype="str")
        columns = self._table_columns(kind)
        if by not in columns or by not in column_dtypes(kind) or not self._count(LABELS[kind]):
            return nothing
        query = build_query("resolve", label=LABELS[kind], key=KEYS[kind][0], by=by)
        lookup: dict[Any, Any] = {}
        wanted = distinct(values)
        for start in range(0, len(wanted), self.lookup_chunk):
            chunk = wanted[start : start + self.lookup_chunk]
            lookup.update(self._read(tx_single, query, values=chunk))
        return values.map(lookup).astype("str")

    def existing_event_keys(self, keys: pd.Series) -> pd.Series:
        signed = keys.to_numpy(dtype=np.uint64).view(np.int64)
        wanted = np.unique(signed).tolist()
        found: list[int] = []
        query = build_query("existing_event_keys")
        for start in range(0, len(wanted), self.lookup_chunk):
            found += self._read(tx_single, query, keys=wanted[start : start + self.lookup_chunk])
        return pd.Series(np.isin(signed, np.array(found, dtype=np.int64)), index=keys.index)

    def event_count(self) -> int:
        return self._count(LABELS["engagements"])

    def engagement_summary(
        self, window: EventWindow, contact_ids: pd.Series | None = None
    ) -> pd.DataFrame:
        if not self.event_count():
            return pd.DataFrame({c: pd.Series(dtype=_SUMMARY_DTYPES[c]) for c in SUMMARY_COLUMNS})
        params: dict[str, Any] = {
            "start_us": window.start.value // 1000,
            "as_of_us": window.as_of.value // 1000,
            "half_life_days": float(window.half_life_days),
            "recent_days": float(window.recent_days),
            "recent_prior_days": float(window.recent_days + window.prior_days),
            "chunk": self.summary_chunk,
        }
        if contact_ids is None:
            found = self._shared_columns("engagement_summary", "Contact", 7, **params)
        else:
            query = build_query(
                "match_keys", "engagement_summary", label="Contact", key="contact_id"
            )
            found = self._columns(query, 7, ids=distinct(contact_ids), **params)
        contact, kind, events, decayed, recent, prior, last = found
        return pd.DataFrame(
            {
                "contact_id": restore(contact, "str"),
                "type": restore(kind, "str"),
                "events": np.array(events, dtype=np.int64),
                "decayed": np.array(decayed, dtype=np.float64),
                "recent": np.array(recent, dtype=np.int64),
                "prior": np.array(prior, dtype=np.int64),
                "last_at": pd.to_datetime(np.array(last, dtype=np.int64), unit="us", utc=True),
            }
        )

    def scores(self, level: ScoreLevel) -> pd.DataFrame:
        """The last complete run's scores; refused while another run is half written.

        Scores are written batch by batch onto the nodes, so a run that
        stops part-way leaves nodes of two runs. A run marks itself
        (``SCORES_WRITING``) before its first batch and records itself as
        the scores once its last batch is in; while the mark names another
        run than the record, reading is refused rather than returning a
        shorter or mixed ranking.
        """
        meta = self._meta(SCORES)
        if meta is None:
            return pd.DataFrame()
        kind = SCORED[level]
        writing = self._meta(SCORES_WRITING)
        if writing is not None and writing["run"] != meta["run"]:
            raise StoreError(
                "The stored scores are incomplete: a scoring run is being written or "
                "stopped part-way. Run 'abmgraph score' again once no other score runs."
            )
        columns = dict(zip(meta[f"{level}_columns"], meta[f"{level}_dtypes"], strict=True))
        query = build_query("match_scored", "node_rows", label=LABELS[kind])
        # Accounts in rank order; contacts in the contacts table's, as a full run holds them.
        names = [*meta[f"{level}_properties"], SCORE_RANK if level == "accounts" else SEQ]
        found = self._columns(query, len(names), columns=names, temporal=[], chunk=self.read_chunk)
        frame = typed_frame(found, columns)
        # List columns: an empty list is stored as no property (see scores_as_properties).
        for name in (c for c, dtype in columns.items() if dtype == "object"):
            frame[name] = [[] if v is None else v for v in frame[name]]
        return frame

    def contacts_of(
        self, account_ids: pd.Series, contact_ids: pd.Series | None = None
    ) -> pd.Series:
        if not self._table_columns("contacts"):
            return pd.Series([], dtype="str")
        found = self._read(
            tx_single,
            build_query("contacts_of_accounts"),
            accounts=distinct(account_ids),
            contacts=[] if contact_ids is None else distinct(contact_ids),
        )
        return pd.Series(found, dtype="str")

    def changes(self, after: int) -> Changes:
        last, accounts, contacts = self._read(
            tx_record, build_query("read_changes"), after=int(after)
        )
        return Changes(
            seq=int(last),
            accounts=_flat_ids(accounts),
            contacts=_flat_ids(contacts),
        )

    def scores_interrupted(self) -> bool:
        writing = self._meta(SCORES_WRITING)
        return writing is not None and writing["run"] != (self._meta(SCORES) or {}).get("run")

    def score_meta(self) -> dict[str, Any] | None:
        meta = self._meta(SCORES)
        return None if meta is None else json.loads(meta["meta"])

    def score_properties(self, level: ScoreLevel) -> dict[str, str]:
        """Score column → the node property holding it (``scored_<name>`` when a table column has the name)."""
        meta = self._meta(SCORES) or {}
        columns = meta.get(f"{level}_columns", [])
        properties = meta.get(f"{level}_properties", [])
        return dict(zip(columns, properties, strict=True))


def _flat_ids(lists: list[list[str]]) -> pd.Series:
    """The distinct ids of several change entries, as one text column."""
    ids = pd.Series([i for entry in lists for i in entry or []], dtype="str")
    return ids.drop_duplicates().reset_index(drop=True)
