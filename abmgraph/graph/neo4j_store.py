"""The Neo4j store: the buying-group graph in a Neo4j database, over Bolt.

Accounts, contacts, opportunities, roles and topics are nodes joined by the
relationships of the domain model, kept in step with the table columns on
every upsert. Every engagement is an ``Engagement`` node linked by
``PERFORMED`` and aggregated in Cypher, so event rows never travel to Python.
Intent and opportunity-contact rows are also kept as ``IntentObservation`` and
``OpportunityContact`` nodes, so a row whose account or contact arrives later
is not lost; its ``SHOWS_INTENT`` / ``CONTACT_ROLE`` relationship appears once
both ends exist.

Table columns are node properties, so ``table()`` is a plain read. Neo4j drops
null properties and has no column or row order, so an ``AbmgraphMeta`` record
per table keeps the column order and dtypes, and a ``_seq`` property keeps the
row order: both stores return identical frames. Scores are properties of the
Contact and Account nodes, where Browser, Bloom and BI tools see them.

Every query is a ``.cypher`` file in ``abmgraph/graph/cypher``; values only
travel as parameters. The few label and key names that vary come from the
graph model's allow-list; a write's ``{{row}}`` is a map of the table's
column names (backtick-quoted) to parameter lists, see ``neo4j_columns``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache, partial
from importlib.resources import files
from itertools import chain
from typing import Any, LiteralString, cast

import numpy as np
import pandas as pd

from abmgraph.errors import StoreError, StoreUnavailableError
from abmgraph.graph.neo4j_columns import (
    column_params,
    composite_keys,
    distinct,
    micros,
    no_gc,
    quote,
    restore,
    row_map,
    typed_frame,
    values,
)
from abmgraph.graph.neo4j_uri import check_uri, redact_uri
from abmgraph.graph.schema import Kind
from abmgraph.graph.store import KEYS, SUMMARY_COLUMNS, EventWindow, GraphStore, ScoreLevel
from abmgraph.graph.tables import column_dtypes, empty_table, only_columns

try:
    import neo4j
    from neo4j import exceptions as neo4j_errors
except ImportError:  # the embedded store works without the driver
    neo4j = None  # type: ignore[assignment]
    neo4j_errors = None  # type: ignore[assignment]

# The driver logs the server's query notifications ("label does not exist" on an empty
# database, …) as warnings, which Python prints to stderr when nothing is configured. A
# handler here keeps them off every command's output; an application that configures
# logging still gets them. (Filtering them on the server needs Neo4j 5.7 or later.)
logging.getLogger("neo4j.notifications").addHandler(logging.NullHandler())

__all__ = [
    "COMPOSITE_KEY",
    "DEFAULT_DATABASE",
    "DEFAULT_URI",
    "LABELS",
    "SCHEMA_PENDING",
    "SCORES",
    "SCORES_WRITING",
    "SCORE_RANK",
    "SCORE_RUN",
    "SEQ",
    "Neo4jStore",
    "check_columns",
    "level_record",
    "load_query",
    "score_record",
    "scores_as_properties",
    "temporal_columns",
]

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_DATABASE = "neo4j"

LABELS: dict[Kind, str] = {
    "accounts": "Account",
    "contacts": "Contact",
    "engagements": "Engagement",
    "intent": "IntentObservation",
    "opportunities": "Opportunity",
    "opportunity_contacts": "OpportunityContact",
}
# How rows are shared among writers: rows that lock the same nodes share a writer.
_SPREAD: dict[Kind, str] = {
    "accounts": "account_id",
    "contacts": "account_id",
    "engagements": "contact_id",
    "intent": "account_id",
    "opportunities": "account_id",
    "opportunity_contacts": "contact_id",
}
_CLEAR_ORDER = (
    "Engagement",
    "IntentObservation",
    "OpportunityContact",
    "Contact",
    "Opportunity",
    "Account",
    "Role",
    "Topic",
    "AbmgraphMeta",
)
_SCORED: dict[str, Kind] = {"contacts": "contacts", "accounts": "accounts"}
# Kinds keyed by several columns are merged on one derived property.
COMPOSITE_KEY = "_key"
SEQ = "_seq"
# The AbmgraphMeta record a bulk import leaves: constraints and indexes are still to be made.
SCHEMA_PENDING = "schema"
# The AbmgraphMeta record of the stored scores: their run and what each level holds.
SCORES = "scores"
# The AbmgraphMeta record of a scoring run being written: gone once it is recorded as SCORES.
SCORES_WRITING = "scores_writing"
# Which run scored a node, and its row in that run's frame.
SCORE_RUN = "_score_run"
SCORE_RANK = "_score_rank"
_RESERVED = {COMPOSITE_KEY, SEQ, SCORE_RUN, SCORE_RANK}
# A score column whose name is already a table column is stored with this prefix.
_SCORED_PREFIX = "scored_"
_SUMMARY_DTYPES = {
    "contact_id": "str",
    "type": "str",
    "events": "int64",
    "decayed": "float64",
    "recent": "int64",
    "prior": "int64",
    "last_at": "datetime64[us, UTC]",
}


# -- queries -----------------------------------------------------------------------
@cache
def load_query(name: str) -> str:
    """The text of ``abmgraph/graph/cypher/<name>.cypher``."""
    return (files("abmgraph.graph") / "cypher" / f"{name}.cypher").read_text(encoding="utf-8")


@cache
def _allowed_names() -> frozenset[str]:
    """Labels and property names a query may be built with: the graph model's own."""
    columns = {c for kind in LABELS for c in column_dtypes(kind)}
    return frozenset({*LABELS.values(), *_CLEAR_ORDER, *columns, COMPOSITE_KEY})


def _query(*parts: str, **names: str) -> LiteralString:
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


def _statements(name: str) -> list[LiteralString]:
    text = "\n".join(
        line for line in load_query(name).splitlines() if not line.lstrip().startswith("//")
    )
    return [cast(LiteralString, s.strip()) for s in text.split(";") if s.strip()]


def _row_query(
    name: str, columns: Sequence[str], temporal: Collection[str], **names: str
) -> LiteralString:
    """A query file whose ``{{row}}`` reads row ``idx`` of the column parameters."""
    return cast(LiteralString, _query(name, **names).replace("{{row}}", row_map(columns, temporal)))


def temporal_columns(kind: Kind) -> list[str]:
    """Columns stored as Neo4j DateTime values (the contract's datetime fields)."""
    return [c for c, d in column_dtypes(kind).items() if d.startswith("datetime64")]


# -- transaction functions (re-run from the start if the driver retries) ------------
def _single(tx: Any, query: LiteralString, params: dict[str, Any]) -> Any:
    return tx.run(query, params).single(strict=True)[0]


def _column(tx: Any, query: LiteralString, params: dict[str, Any]) -> list[Any]:
    return [record[0] for record in tx.run(query, params)]


def _consume(tx: Any, query: LiteralString, params: dict[str, Any]) -> None:
    tx.run(query, params).consume()


class Neo4jStore(GraphStore):
    """The buying-group graph in a Neo4j database (Community, Enterprise or Aura)."""

    backend = "neo4j"
    # Rows per write transaction; events are the bulk and cheapest per row.
    batch_size = 10_000
    event_batch_size = 20_000
    # Sessions writing events at once: a server waits on commits and page faults,
    # so a few writers keep it busy (each contact's events stay with one writer).
    event_writers = 3
    writers = 1
    # Nodes per record when reading: few large records read far faster than many.
    read_chunk = 10_000
    # Contacts aggregated per step of engagement_summary: bounds server memory.
    summary_chunk = 5_000
    # Queries at once for the big reads (whole tables, the engagement summary):
    # the server runs each query on one core.
    readers = 2
    # Values per lookup query (resolve, existing_event_keys).
    lookup_chunk = 50_000

    def __init__(self, driver: Any, uri: str, database: str, user: str | None = None) -> None:
        self._driver = driver
        self.uri = redact_uri(uri)  # shown in messages: never with credentials
        self.database = database
        self.user = user
        self._schema_ready = False

    @classmethod
    def connect(
        cls,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> Neo4jStore:
        """Connect and check that the database answers.

        Missing arguments fall back to ``NEO4J_URI``, ``NEO4J_USER``,
        ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``, then to a local server
        without authentication and the ``neo4j`` database.

        Raises
        ------
        StoreUnavailableError
            The URI is not a Bolt one or holds credentials (they belong in
            ``NEO4J_USER`` / ``NEO4J_PASSWORD``), the server cannot be
            reached, refuses the credentials, or has no such database.
        """
        uri = check_uri(uri or os.environ.get("NEO4J_URI") or DEFAULT_URI)
        user = user or os.environ.get("NEO4J_USER") or None
        if password is None:
            password = os.environ.get("NEO4J_PASSWORD") or None
        database = database or os.environ.get("NEO4J_DATABASE") or DEFAULT_DATABASE
        if neo4j is None:
            raise StoreUnavailableError(
                "The neo4j backend needs the Neo4j Python driver: pip install neo4j."
            )
        auth = (user or "neo4j", password or "") if user or password else None
        try:
            driver = neo4j.GraphDatabase.driver(
                uri, auth=auth, user_agent="abmgraph", connection_timeout=10.0
            )
        except (ValueError, ImportError, neo4j_errors.ConfigurationError) as exc:
            raise StoreUnavailableError(
                f"Cannot use Neo4j URI {redact_uri(uri)!r}: {_reason(exc)}. "
                f"Set NEO4J_URI to e.g. {DEFAULT_URI}."
            ) from None
        store = cls(driver, uri, database, user)
        try:
            with store._errors():
                # verify_connectivity fails fast when nothing listens; the query
                # then checks the credentials and that the database exists.
                driver.verify_connectivity()
                with store._session() as session:
                    pending = session.run(_query("ping"), key=SCHEMA_PENDING).single(strict=True)
                if pending["pending"]:
                    store._finish_import()
        except BaseException:
            driver.close()
            raise
        return store

    def close(self) -> None:
        self._driver.close()

    # -- plumbing ----------------------------------------------------------------------
    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn driver errors into one-line StoreErrors; connection ones into StoreUnavailableError."""
        try:
            yield
        except neo4j_errors.AuthError as exc:
            raise StoreUnavailableError(
                f"Neo4j at {self.uri} refused the credentials for user {self.user or 'neo4j'}; "
                "check NEO4J_USER and NEO4J_PASSWORD."
            ) from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
            raise StoreUnavailableError(
                f"Cannot reach Neo4j at {self.uri}: {_reason(exc)}. "
                "Start one with scripts/neo4j-local start or set NEO4J_URI."
            ) from exc
        except neo4j_errors.Neo4jError as exc:
            if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreUnavailableError(
                    f"Neo4j at {self.uri} has no database {self.database!r}; "
                    "set NEO4J_DATABASE to one that exists."
                ) from exc
            raise StoreError(f"Neo4j at {self.uri} failed: {_reason(exc)} ({exc.code}).") from exc

    def _session(self) -> Any:
        # One bookmark manager for every call keeps reads causally after writes,
        # also on clusters behind a neo4j:// routing URI.
        return self._driver.session(
            database=self.database,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        )

    def _read(self, function: Any, query: LiteralString, **params: Any) -> Any:
        with self._errors(), self._session() as session:
            return session.execute_read(function, query, params)

    def _write(self, function: Any, query: LiteralString, **params: Any) -> Any:
        with self._errors(), self._session() as session:
            return session.execute_write(function, query, params)

    def _run(self, query: LiteralString, **params: Any) -> None:
        """An auto-commit query: ``CALL { … } IN TRANSACTIONS`` commits batch by batch."""
        with self._errors(), self._session() as session:
            session.run(query, params).consume()

    def _ensure_schema(self) -> None:
        if self._schema_ready:
            return
        with self._errors(), self._session() as session:
            for statement in _statements("schema"):
                session.execute_write(_consume, statement, {})
        self._schema_ready = True

    def _finish_import(self) -> None:
        """Create the constraints and indexes a bulk import could not (a minute for 10M events)."""
        self._ensure_schema()
        self._write(_consume, _query("delete_meta"), key=SCHEMA_PENDING)

    def _meta(self, key: str) -> dict[str, Any] | None:
        found = self._read(_column, _query("read_meta"), key=key)
        return found[0] if found else None

    def _set_meta(self, key: str, properties: dict[str, Any]) -> None:
        self._write(_consume, _query("write_meta"), key=key, properties=properties)

    def _count(self, label: str) -> int:
        return int(self._read(_single, _query("count", label=label)))

    def _columns(self, query: LiteralString, width: int, **params: Any) -> list[list[Any]]:
        """Run a query whose records each hold ``width`` lists; join them column by column."""
        with no_gc():
            return _joined(self._read(_column, query, **params), width)

    def _shared_columns(self, body: str, label: str, width: int, **params: Any) -> list[list[Any]]:
        """:meth:`_columns` of ``body`` over every ``label`` node, as ``readers`` queries at once.

        Each query takes the nodes of one share of ``_seq``; the columns come
        back share after share, so callers order rows themselves.
        """
        query = _query("match_share", body, label=label)

        def share(number: int) -> list[list[Any]]:
            return self._columns(query, width, share=number, shares=self.readers, **params)

        with no_gc(), ThreadPoolExecutor(self.readers, thread_name_prefix="abmgraph-read") as pool:
            return _joined(list(pool.map(share, range(self.readers))), width)

    # -- writing -----------------------------------------------------------------------
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
        # Only the columns the rows carry are set: the others keep their stored values.
        registered = self._register_columns(kind, rows)
        columns = [*(c for c in registered if c in rows.columns), SEQ]
        if rows.empty:
            return 0
        first = int(self._write(_single, _query("next_sequence"), count=len(rows)))
        rows = rows.assign(**{SEQ: np.arange(first, first + len(rows), dtype=np.int64)})
        if len(keys) > 1:
            rows[COMPOSITE_KEY] = composite_keys(rows, keys)
            columns.append(COMPOSITE_KEY)
        temporal = temporal_columns(kind)
        created = self._write_batches(
            _row_query(f"upsert_{kind}", columns, temporal),
            rows,
            partial(column_params, columns=columns, temporal=temporal),
            self.batch_size,
            workers=self.writers,
            spread_by=_SPREAD[kind],
        )
        if kind == "accounts":
            account_ids = rows["account_id"].astype(object).tolist()
            self._run(_query("link_worked_at"), account_ids=account_ids)
        return created

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
            _row_query("upsert_engagements", columns, temporal),
            rows,
            payload,
            self.event_batch_size,
            workers=self.event_writers,
            spread_by="contact_id",
        )

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
        return int(session.execute_write(_single, query, params))

    def clear(self) -> None:
        # Small transactions, the bulk (events) first: memory stays flat however big the graph.
        for label in _CLEAR_ORDER:
            query = _query("clear", label=label)
            while self._write(_single, query, batch=self.batch_size):
                pass

    def write_scores(
        self, contacts: pd.DataFrame, accounts: pd.DataFrame, meta: dict[str, Any]
    ) -> None:
        """Scores onto the nodes in batches, then the run's record; see :meth:`scores`."""
        self._ensure_schema()
        previous = self._meta(SCORES) or {}
        run = uuid.uuid4().hex
        self._set_meta(SCORES_WRITING, {"run": run})
        record = score_record(run, meta)
        for level, frame in (("contacts", contacts), ("accounts", accounts)):
            record.update(self._write_level_scores(level, frame, run, previous))
        self._set_meta(SCORES, record)
        self._write(_consume, _query("delete_meta"), key=SCORES_WRITING)

    def _write_level_scores(
        self, level: str, frame: pd.DataFrame, run: str, previous: dict[str, Any]
    ) -> dict[str, list[str]]:
        """Score columns as properties of the level's nodes; earlier runs' properties go."""
        kind = _SCORED[level]
        label, key = LABELS[kind], KEYS[kind][0]
        table_columns = set(self._table_columns(kind))
        properties, names = scores_as_properties(frame, key, table_columns)
        old = set(previous.get(f"{level}_properties", [])) - table_columns - {key}
        # Properties of earlier runs that this run lacks are written as nulls.
        columns = [*names, *sorted(old - set(names)), SCORE_RUN, SCORE_RANK]
        properties[SCORE_RUN] = run
        properties[SCORE_RANK] = np.arange(len(properties), dtype=np.int64)
        query = _row_query("write_scores", columns, (), label=label, key=key)
        # Each row sets one node's properties and nothing else: writers never collide.
        self._write_batches(
            query,
            properties,
            partial(column_params, columns=columns),
            self.batch_size,
            workers=self.readers,
            spread_by=key,
        )
        cleared = dict.fromkeys((old | set(names)) - {key} | {SCORE_RUN, SCORE_RANK})
        self._run(_query("clear_scores", label=label), run=run, cleared=cleared)
        return level_record(level, frame, names)

    # -- reading -----------------------------------------------------------------------
    def _table_columns(self, kind: Kind) -> dict[str, str]:
        meta = self._meta(f"table:{kind}")
        if meta is None:
            return {}
        return dict(zip(meta["columns"], meta["dtypes"], strict=True))

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
            query = _query("match_keys", "node_rows", label=label, key=key)
            found = self._columns(query, len(read) + 1, ids=distinct(ids), **params)
        return typed_frame(found, read)

    def ids(self, kind: Kind) -> pd.Series:
        if not self._table_columns(kind):
            return pd.Series([], dtype="str")
        query = _query("match_all", "node_rows", label=LABELS[kind])
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
        query = _query("resolve", label=LABELS[kind], key=KEYS[kind][0], by=by)
        lookup: dict[Any, Any] = {}
        wanted = distinct(values)
        for start in range(0, len(wanted), self.lookup_chunk):
            chunk = wanted[start : start + self.lookup_chunk]
            lookup.update(self._read(_single, query, values=chunk))
        return values.map(lookup).astype("str")

    def existing_event_keys(self, keys: pd.Series) -> pd.Series:
        signed = keys.to_numpy(dtype=np.uint64).view(np.int64)
        wanted = np.unique(signed).tolist()
        found: list[int] = []
        query = _query("existing_event_keys")
        for start in range(0, len(wanted), self.lookup_chunk):
            found += self._read(_single, query, keys=wanted[start : start + self.lookup_chunk])
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
            query = _query("match_keys", "engagement_summary", label="Contact", key="contact_id")
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
        kind = _SCORED[level]
        writing = self._meta(SCORES_WRITING)
        if writing is not None and writing["run"] != meta["run"]:
            raise StoreError(
                "The stored scores are incomplete: a scoring run is being written or "
                "stopped part-way. Run 'abmgraph score' again once no other score runs."
            )
        columns = dict(zip(meta[f"{level}_columns"], meta[f"{level}_dtypes"], strict=True))
        query = _query("match_scored", "node_rows", label=LABELS[kind])
        names = [*meta[f"{level}_properties"], SCORE_RANK]
        found = self._columns(
            query, len(names), run=meta["run"], columns=names, temporal=[], chunk=self.read_chunk
        )
        frame = typed_frame(found, columns)
        # List columns: an empty list is stored as no property (see scores_as_properties).
        for name in (c for c, dtype in columns.items() if dtype == "object"):
            frame[name] = [[] if v is None else v for v in frame[name]]
        return frame

    def score_meta(self) -> dict[str, Any] | None:
        meta = self._meta(SCORES)
        return None if meta is None else json.loads(meta["meta"])

    # -- graph questions: read-only Cypher (abmgraph.queries, abmgraph cypher) ---------
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
        work = neo4j.unit_of_work(timeout=timeout)(partial(Neo4jStore._plain_records, limit=limit))
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

    def score_properties(self, level: ScoreLevel) -> dict[str, str]:
        """Score column → the node property holding it (``scored_<name>`` when a table column has the name)."""
        meta = self._meta(SCORES) or {}
        columns = meta.get(f"{level}_columns", [])
        properties = meta.get(f"{level}_properties", [])
        return dict(zip(columns, properties, strict=True))

    @staticmethod
    def _plain_records(
        tx: Any, query: LiteralString, params: dict[str, Any], limit: int | None = None
    ) -> list[dict]:
        rows = []
        for record in tx.run(query, params):
            if limit is not None and len(rows) >= limit:
                break
            rows.append({key: Neo4jStore._plain_value(value) for key, value in record.items()})
        return rows

    @staticmethod
    def _plain_value(value: Any) -> Any:
        """A Bolt value as JSON-ready Python: graph entities as property maps."""
        graph = neo4j.graph
        if isinstance(value, graph.Node):
            return {
                **{k: Neo4jStore._plain_value(v) for k, v in value.items() if k[:1] != "_"},
                "_labels": sorted(value.labels),
            }
        if isinstance(value, graph.Relationship):
            return {
                **{k: Neo4jStore._plain_value(v) for k, v in value.items() if k[:1] != "_"},
                "_type": value.type,
            }
        if isinstance(value, graph.Path):
            return [Neo4jStore._plain_value(n) for n in value.nodes]
        if isinstance(value, list | tuple):
            return [Neo4jStore._plain_value(v) for v in value]
        if isinstance(value, dict):
            return {k: Neo4jStore._plain_value(v) for k, v in value.items()}
        if hasattr(value, "iso_format"):
            return value.iso_format()
        if value is None or isinstance(value, bool | int | float | str):
            return value
        return str(value)


# -- helpers -------------------------------------------------------------------------
def _joined(parts: Sequence[list[list[Any]]], width: int) -> list[list[Any]]:
    """Parts that each hold ``width`` lists, joined column by column."""
    return [list(chain.from_iterable(part[j] for part in parts)) for j in range(width)]


def _reason(exc: Exception) -> str:
    """The useful part of a driver error, on one line."""
    text = redact_uri(str(exc).strip())
    found = re.search(r"\(reason (.+?)\)$", text)
    if found:
        return found.group(1)
    return text.splitlines()[0].rstrip(".") if text else type(exc).__name__


def scores_as_properties(
    frame: pd.DataFrame, key: str, table_columns: Collection[str]
) -> tuple[pd.DataFrame, list[str]]:
    """A level's score columns as the node properties that hold them, and their names.

    A score column named like a table column (``account_id`` on contacts,
    ``name`` on accounts, or an extra) is stored as ``scored_<name>`` so it
    never overwrites the table's value. An empty list is stored as no
    property (Neo4j's importer cannot write one); :meth:`Neo4jStore.scores`
    reads it back as an empty list.
    """
    names = [
        c if c == key or c not in table_columns else _SCORED_PREFIX + c
        for c in map(str, frame.columns)
    ]
    properties = frame.set_axis(names, axis=1).reset_index(drop=True)
    for name in names:
        if properties[name].dtype == object:
            empty = properties[name].map(_is_empty_list)
            properties[name] = properties[name].mask(empty, None)
    return properties, names


def _is_empty_list(value: Any) -> bool:
    return isinstance(value, list | tuple | np.ndarray) and len(value) == 0


def score_record(run: str, meta: dict[str, Any]) -> dict[str, Any]:
    """The ``scores`` bookkeeping record of run ``run``, before its levels are added."""
    return {"run": run, "meta": json.dumps(meta, default=str)}


def level_record(level: str, frame: pd.DataFrame, names: list[str]) -> dict[str, list[str]]:
    """What the ``scores`` record keeps of a level: its columns, dtypes and property names."""
    return {
        f"{level}_columns": [str(c) for c in frame.columns],
        f"{level}_dtypes": [str(frame[c].dtype) for c in frame.columns],
        f"{level}_properties": names,
    }


def check_columns(kind: Kind, columns: Iterable[Any]) -> None:
    """Refuse a table whose column names the store keeps for its own bookkeeping."""
    clash = sorted(_RESERVED.intersection(map(str, columns)))
    if clash:
        raise StoreError(f"Cannot store {kind}: column name {clash[0]!r} is reserved; rename it.")
