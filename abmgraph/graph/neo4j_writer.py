"""The Neo4j store's writes: rows in batched, idempotent transactions, and scores.

Rows travel as one parameter list per column (see ``neo4j_columns``), in
transactions of a few thousand rows, by one or several sessions at once; rows
that lock the same nodes always share a session, so writers never wait on
each other.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, LiteralString

import numpy as np
import pandas as pd

from abmgraph.errors import StoreError
from abmgraph.graph.changelog import Changes
from abmgraph.graph.event_identity import collision_error
from abmgraph.graph.neo4j_columns import column_params, composite_keys, micros, values
from abmgraph.graph.neo4j_connection import Neo4jConnection
from abmgraph.graph.neo4j_cypher import build_query, row_query, tx_consume, tx_record, tx_single
from abmgraph.graph.neo4j_model import (
    CLEAR_ORDER,
    COMPOSITE_KEY,
    LABELS,
    SCORE_RANK,
    SCORE_RUN,
    SCORED,
    SCORES,
    SCORES_WRITING,
    SEQ,
    check_columns,
    level_record,
    score_record,
    scores_as_properties,
    temporal_columns,
)
from abmgraph.graph.schema import Kind
from abmgraph.graph.store import KEYS
from abmgraph.graph.tables import empty_table

__all__ = ["Neo4jWriter"]

# The parameters of event_key_collisions.cypher.
_IDENTITY_PARAMS = (
    "keys",
    "ids",
    "contacts",
    "types",
    "occurred_s",
    "occurred_ns",
    "assets",
    "campaigns",
    "channels",
)

# How rows are shared among writers: rows that lock the same nodes share a writer.
_SPREAD: dict[Kind, str] = {
    "accounts": "account_id",
    "contacts": "account_id",
    "engagements": "contact_id",
    "intent": "account_id",
    "opportunities": "account_id",
    "opportunity_contacts": "contact_id",
    "feedback": "account_id",
    "sales_activities": "account_id",
}


class Neo4jWriter(Neo4jConnection):
    """Upserts, clearing and score writes of the Neo4j store."""

    # Rows per write transaction; events are the bulk and cheapest per row.
    batch_size = 10_000
    event_batch_size = 20_000
    # Sessions writing events at once: a server waits on commits and page faults,
    # so a few writers keep it busy (each contact's events stay with one writer).
    event_writers = 3
    writers = 1

    def upsert(self, kind: Kind, rows: pd.DataFrame) -> int:
        """Write ``rows`` in transactions of ``batch_size`` (events: ``event_batch_size``).

        Not all or nothing: a write interrupted part-way keeps the batches
        already committed, whole. Every batch is idempotent (``MERGE`` on the
        key; events insert-if-absent), so the same rows written again
        complete the load with nothing doubled.
        """
        check_columns(kind, rows.columns)
        self._ensure_schema()
        if kind == "engagements":
            return self._add_events(rows)
        keys = list(KEYS[kind])
        if len(keys) == 1 and rows[keys[0]].isna().any():
            raise StoreError(f"Cannot store {kind} rows without {keys[0]}.")
        rows = rows.drop_duplicates(keys, keep="last").reset_index(drop=True)
        self._log_changes(self._touched(kind, rows))
        # Only the columns the rows carry are set: the others keep their stored values.
        registered = self._register_columns(kind, rows)
        columns = [*(c for c in registered if c in rows.columns), SEQ]
        if rows.empty:
            return 0
        first = int(self._write(tx_single, build_query("next_sequence"), count=len(rows)))
        rows = rows.assign(**{SEQ: np.arange(first, first + len(rows), dtype=np.int64)})
        if len(keys) > 1:
            rows[COMPOSITE_KEY] = composite_keys(rows, keys)
            columns.append(COMPOSITE_KEY)
        temporal = temporal_columns(kind)
        created = self._write_batches(
            row_query(f"upsert_{kind}", columns, temporal),
            rows,
            partial(column_params, columns=columns, temporal=temporal),
            self.batch_size,
            workers=self.writers,
            spread_by=_SPREAD[kind],
        )
        if kind == "accounts":
            account_ids = rows["account_id"].astype(object).tolist()
            self._run(build_query("link_worked_at"), account_ids=account_ids)
        return created

    def _log_changes(self, changes: Changes | None) -> None:
        """One ChangeLog node for a write, committed before its first batch."""
        if changes is None or changes.empty:
            return
        self._write(
            tx_single,
            build_query("log_changes"),
            accounts=changes.accounts.tolist(),
            contacts=changes.contacts.tolist(),
        )

    def forget_changes(self, upto: int) -> None:
        self._write(tx_consume, build_query("forget_changes"), upto=int(upto))

    def _register_columns(self, kind: Kind, rows: pd.DataFrame) -> dict[str, str]:
        """Record the table's columns and dtypes: the stored ones, then new ones in order."""
        meta = self._meta(f"table:{kind}")
        incoming = {str(c): str(rows[c].dtype) for c in rows.columns}
        if meta and self._count(LABELS[kind]):
            columns = dict(zip(meta["columns"], meta["dtypes"], strict=True))
        else:
            # The stored layout first, so a first write of a few columns reads back whole.
            columns = {str(c): str(d) for c, d in empty_table(kind).dtypes.items()}
            columns.update({c: d for c, d in incoming.items() if c in columns})
        columns.update({c: d for c, d in incoming.items() if c not in columns})
        if not meta or [list(columns), list(columns.values())] != [meta["columns"], meta["dtypes"]]:
            self._set_meta(
                f"table:{kind}",
                {"columns": list(columns), "dtypes": list(columns.values())},
            )
        return columns

    def _add_events(self, rows: pd.DataFrame) -> int:
        rows = rows.drop_duplicates("event_key").reset_index(drop=True)
        self._refuse_collisions(rows)
        if self.score_meta() is not None:  # only new events touch their contacts
            stored = self.existing_event_keys(rows["event_key"]).to_numpy()
            self._log_changes(self._touched("engagements", rows[~stored]))
        # The contact is the PERFORMED relationship's start, not a property of the event.
        columns = [str(c) for c in rows.columns if c != "contact_id"]
        temporal = [c for c in temporal_columns("engagements") if c in columns]
        keys = f"c{columns.index('event_key')}"

        def payload(part: pd.DataFrame) -> dict[str, Any]:
            params = column_params(part, columns, temporal)
            params["keys"] = params[keys]
            params["contacts"] = values(part["contact_id"])
            params["occurred"] = micros(part["occurred_at"]).tolist()
            return params

        # Events of one contact go to one writer: writers never wait on each other's locks.
        return self._write_batches(
            row_query("upsert_engagements", columns, temporal),
            rows,
            payload,
            self.event_batch_size,
            workers=self.event_writers,
            spread_by="contact_id",
        )

    def _refuse_collisions(self, rows: pd.DataFrame) -> None:
        """Raise, before anything is written, when an event's key is a stored key of another event.

        A key is a 64-bit hash, which can be forced to collide on purpose: an
        event sharing a stored event's key is a re-ingest only when it is that
        event (see ``event_identity``). The server compares them,
        ``lookup_chunk`` events a query; only the count and the first
        differing pair travel back.
        """
        if rows.empty or not self._count(LABELS["engagements"]):
            return
        query = build_query("event_key_collisions")
        differ, first = 0, None
        for start in range(0, len(rows), self.lookup_chunk):
            part = rows.iloc[start : start + self.lookup_chunk]
            count, pair = self._read(tx_record, query, **_identity_params(part))
            differ += count
            first = first or pair
        if differ:
            raise collision_error(differ, *first)

    def _write_batches(
        self,
        query: LiteralString,
        rows: pd.DataFrame,
        payload: Callable[[pd.DataFrame], dict[str, Any]],
        size: int,
        workers: int = 1,
        spread_by: str | None = None,
    ) -> int:
        """Write ``rows`` in transactions of ``size``; return the sum of what each reports.

        ``payload`` turns a slice of rows into the query's parameters. With
        several ``workers``, rows are split by a hash of ``spread_by`` and
        each share is written by its own session, which keeps the server busy
        while the client packs the next batch. A failure stops every writer
        after its current batch and is raised here.
        """
        if rows.empty:
            return 0
        if workers <= 1 or spread_by is None or len(rows) <= size:
            return self._write_share(query, rows, payload, size, threading.Event())
        share = pd.util.hash_pandas_object(rows[spread_by], index=False).to_numpy() % workers
        stop = threading.Event()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="abmgraph-write") as pool:
            futures = [
                pool.submit(self._write_share, query, rows[share == w], payload, size, stop)
                for w in range(workers)
            ]
            try:
                return sum(future.result() for future in futures)
            finally:
                stop.set()

    def _write_share(
        self,
        query: LiteralString,
        rows: pd.DataFrame,
        payload: Callable[[pd.DataFrame], dict[str, Any]],
        size: int,
        stop: threading.Event,
    ) -> int:
        written = 0
        try:
            with self._errors(), self._session() as session:
                for start in range(0, len(rows), size):
                    if stop.is_set():
                        break
                    params = payload(rows.iloc[start : start + size])
                    written += self._write_batch(session, query, params)
        except BaseException:
            stop.set()
            raise
        return written

    def _write_batch(self, session: Any, query: LiteralString, params: dict[str, Any]) -> int:
        """One transaction; the driver re-runs it on transient errors, and it is idempotent."""
        return int(session.execute_write(tx_single, query, params))

    def clear(self) -> None:
        # Small transactions, the bulk (events) first: memory stays flat however big the graph.
        for label in CLEAR_ORDER:
            query = build_query("clear", label=label)
            while self._write(tx_single, query, batch=self.batch_size):
                pass

    def write_scores(
        self,
        contacts: pd.DataFrame,
        accounts: pd.DataFrame,
        meta: dict[str, Any],
        *,
        partial: bool = False,
    ) -> None:
        """Scores onto the nodes in batches, then the run's record; see :meth:`scores`.

        A partial run sets its rows' nodes only and leaves the other nodes'
        scores (and their earlier run ids) in place, then re-ranks the accounts.
        """
        self._ensure_schema()
        previous = self._meta(SCORES) or {}
        run = uuid.uuid4().hex
        self._set_meta(SCORES_WRITING, {"run": run})
        levels: dict[str, list[str]] = {}
        newly_scored: dict[str, int] = {}
        for level, frame in (("contacts", contacts), ("accounts", accounts)):
            record, newly_scored[level] = self._write_level_scores(
                level, frame, run, previous, merging=partial
            )
            levels.update(record)
        if partial:
            self._run(build_query("rank_scores"))
            meta = {**meta, **self._partial_summary(previous, newly_scored)}
        self._set_meta(SCORES, {**score_record(run, meta), **levels})
        self._write(tx_consume, build_query("delete_meta"), key=SCORES_WRITING)

    def _partial_summary(
        self, previous: dict[str, Any], newly_scored: dict[str, int]
    ) -> dict[str, Any]:
        """Rows stored per level and the oldest row's as_of after a partial run.

        Counting them on the server reads every scored node, a cost that grows
        with the graph rather than the run. A partial run only adds scores, at
        an as_of no earlier than the stored ones (an earlier one makes the run
        a full one), and scored nodes are never deleted: the rows stored are
        the last record's plus the nodes scored for the first time, and the
        oldest as_of stays while a node still holds it, which the first such
        node found shows. The full count is the fallback for a record without
        the figures.
        """
        before = json.loads(previous.get("meta") or "{}")
        oldest = before.get("oldest_as_of")
        if oldest is None or any(before.get(level) is None for level in newly_scored):
            return self._scored_summary()
        out: dict[str, Any] = {
            level: int(before[level]) + count for level, count in newly_scored.items()
        }
        as_of_us = pd.Timestamp(oldest).value // 1000
        for level in newly_scored:
            query = build_query("scored_at_or_before", label=LABELS[SCORED[level]])
            if self._read(tx_single, query, as_of_us=as_of_us):
                return {**out, "oldest_as_of": oldest}
        return {**out, "oldest_as_of": self._scored_summary()["oldest_as_of"]}

    def _scored_summary(self) -> dict[str, Any]:
        """Rows stored per level and the oldest row's as_of, counted on the server."""
        out: dict[str, Any] = {}
        oldest = []
        for level in ("contacts", "accounts"):
            query = build_query("scored_summary", label=LABELS[SCORED[level]])
            count, first = self._read(tx_single, query)
            out[level] = int(count)
            if first is not None:
                oldest.append(pd.Timestamp(int(first), unit="us", tz="UTC"))
        out["oldest_as_of"] = min(oldest).isoformat() if oldest else None
        return out

    def _write_level_scores(
        self,
        level: str,
        frame: pd.DataFrame,
        run: str,
        previous: dict[str, Any],
        *,
        merging: bool,
    ) -> tuple[dict[str, list[str]], int]:
        """Score columns as properties of the level's nodes; a full run removes earlier runs'.

        Returns the level's record and how many nodes held no scores before.
        """
        kind = SCORED[level]
        label, key = LABELS[kind], KEYS[kind][0]
        table_columns = set(self._table_columns(kind))
        properties, names = scores_as_properties(frame, key, table_columns)
        old = set(previous.get(f"{level}_properties", [])) - table_columns - {key}
        # A full run writes properties of earlier runs that it lacks as nulls.
        columns = [*names, *([] if merging else sorted(old - set(names))), SCORE_RUN]
        properties[SCORE_RUN] = run
        # Accounts carry their rank; contacts read back in the contacts table's order.
        if level == "accounts" and not merging:
            properties[SCORE_RANK] = np.arange(len(properties), dtype=np.int64)
            columns.append(SCORE_RANK)
        query = row_query("write_scores", columns, (), label=label, key=key)
        # Each row sets one node's properties and nothing else: writers never collide.
        newly_scored = self._write_batches(
            query,
            properties,
            partial(column_params, columns=columns),
            self.batch_size,
            workers=self.readers,
            spread_by=key,
        )
        record = level_record(level, frame, names)
        if merging:
            return _widened(record, previous, level), newly_scored
        cleared = dict.fromkeys((old | set(names)) - {key} | {SCORE_RUN, SCORE_RANK})
        self._run(build_query("clear_scores", label=label), run=run, cleared=cleared)
        return record, newly_scored


def _widened(
    record: dict[str, list[str]], previous: dict[str, Any], level: str
) -> dict[str, list[str]]:
    """A partial run's level record: the stored columns (other nodes hold them), then new ones.

    The stored dtypes win: a partial run's frame may be empty, its dtypes then undecided.
    """
    names = [f"{level}_columns", f"{level}_dtypes", f"{level}_properties"]
    stored = list(zip(*(previous.get(n, []) for n in names), strict=True))
    known = {entry[0] for entry in stored}
    written = zip(*(record[n] for n in names), strict=True)
    entries = [*stored, *(entry for entry in written if entry[0] not in known)]
    return {n: [entry[i] for entry in entries] for i, n in enumerate(names)}


def _identity_params(rows: pd.DataFrame) -> dict[str, Any]:
    """The fields of ``event_key_collisions`` for ``rows``; a column they lack is null.

    Events that all have an id are told apart by their ids alone: only the
    keys and ids travel.
    """
    ids = values(rows["event_id"]) if "event_id" in rows.columns else None
    if ids is not None and rows["event_id"].notna().all():
        return dict.fromkeys(_IDENTITY_PARAMS) | {"keys": values(rows["event_key"]), "ids": ids}

    def given(column: str) -> list[Any] | None:
        return values(rows[column]) if column in rows.columns else None

    occurred = column_params(rows, ["occurred_at"], ["occurred_at"])
    return {
        "keys": values(rows["event_key"]),
        "ids": ids,
        "contacts": values(rows["contact_id"]),
        "types": values(rows["type"]),
        "occurred_s": occurred["c0"],
        "occurred_ns": occurred["c0_ns"],
        "assets": given("asset"),
        "campaigns": given("campaign"),
        "channels": given("channel"),
    }
