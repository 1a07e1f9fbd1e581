"""A connection to Neo4j: the driver, sessions, one-line errors and bookkeeping records.

The base of the Neo4j store. It opens the driver from ``NEO4J_*`` settings,
turns driver errors into ``StoreError`` / ``StoreUnavailableError`` messages
that never show credentials, runs transaction functions in sessions that keep
reads causally after writes, and reads and writes the store's ``AbmgraphMeta``
records.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, LiteralString, Self

from abmgraph.errors import StoreError, StoreUnavailableError
from abmgraph.graph.neo4j_cypher import (
    build_query,
    statements,
    tx_column,
    tx_consume,
    tx_pairs,
    tx_single,
)
from abmgraph.graph.neo4j_model import SCHEMA_PENDING
from abmgraph.graph.neo4j_uri import check_uri, redact_uri
from abmgraph.graph.schema import Kind

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

__all__ = ["DEFAULT_DATABASE", "DEFAULT_URI", "Neo4jConnection", "neo4j"]

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_DATABASE = "neo4j"

_SCHEMA_INDEXES = build_query("schema_indexes")
# The statements of schema.cypher, by the name they create or drop.
_CREATED = re.compile(r"CREATE (?P<what>CONSTRAINT|INDEX) (?P<name>\w+) IF NOT EXISTS\b")
_DROPPED = re.compile(r"DROP INDEX (?P<name>\w+) IF EXISTS\b")


class Neo4jConnection:
    """A driver bound to one database, with the store's sessions, errors and records."""

    # Queries at once for the big reads (whole tables, the engagement summary) and
    # score writes: the server runs each query on one core.
    readers = 2
    # Values per lookup query (resolve, existing_event_keys, event key collisions).
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
    ) -> Self:
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
                    pending = session.run(build_query("ping"), key=SCHEMA_PENDING).single(
                        strict=True
                    )
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
        wanted = statements("schema")
        # Each statement is a write transaction of its own, and a store is opened for
        # every command and every watched batch: one read says whether any is needed.
        if not self._schema_in_place(wanted):
            with self._errors(), self._session() as session:
                for statement in wanted:
                    session.execute_write(tx_consume, statement, {})
        self._schema_ready = True

    def _schema_in_place(self, wanted: list[LiteralString]) -> bool:
        """Whether the database has every constraint and index of ``wanted``, online, and
        none that it drops."""
        found = {name: tuple(state) for name, state in self._read(tx_pairs, _SCHEMA_INDEXES)}
        for statement in wanted:
            if created := _CREATED.match(statement):
                if found.get(created["name"]) != (True, created["what"] == "CONSTRAINT"):
                    return False
            elif (dropped := _DROPPED.match(statement)) and dropped["name"] in found:
                return False
        return True

    def _finish_import(self) -> None:
        """Create the constraints and indexes a bulk import could not (a minute for 10M events)."""
        self._ensure_schema()
        self._write(tx_consume, build_query("delete_meta"), key=SCHEMA_PENDING)

    def _meta(self, key: str) -> dict[str, Any] | None:
        """The properties of the ``AbmgraphMeta`` record ``key``; None when there is none."""
        found = self._read(tx_column, build_query("read_meta"), key=key)
        return found[0] if found else None

    def _set_meta(self, key: str, properties: dict[str, Any]) -> None:
        self._write(tx_consume, build_query("write_meta"), key=key, properties=properties)

    def _count(self, label: str) -> int:
        return int(self._read(tx_single, build_query("count", label=label)))

    def _table_columns(self, kind: Kind) -> dict[str, str]:
        """The stored columns of ``kind`` and their dtypes, in order; none before its first write."""
        meta = self._meta(f"table:{kind}")
        if meta is None:
            return {}
        return dict(zip(meta["columns"], meta["dtypes"], strict=True))


def _reason(exc: Exception) -> str:
    """The useful part of a driver error, on one line."""
    text = redact_uri(str(exc).strip())
    found = re.search(r"\(reason (.+?)\)$", text)
    if found:
        return found.group(1)
    return text.splitlines()[0].rstrip(".") if text else type(exc).__name__
