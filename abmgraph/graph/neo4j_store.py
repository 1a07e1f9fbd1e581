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
travel as parameters, and the few label or property names that vary come
from allow-lists and are backtick-quoted.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from typing import Any, LiteralString, cast

import numpy as np
import pandas as pd

from abmgraph.errors import StoreError, StoreUnavailableError
from abmgraph.graph.schema import Kind
from abmgraph.graph.store import KEYS, SUMMARY_COLUMNS, EventWindow, GraphStore, ScoreLevel
from abmgraph.graph.tables import column_dtypes, empty_table

try:
    import neo4j
    from neo4j import exceptions as neo4j_errors
except ImportError:  # the embedded store works without the driver
    neo4j = None  # type: ignore[assignment]
    neo4j_errors = None  # type: ignore[assignment]

__all__ = ["DEFAULT_DATABASE", "DEFAULT_URI", "LABELS", "Neo4jStore", "load_query"]

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
_SCORED: dict[str, Kind] = {"contacts": "contacts", "accounts": "accounts"}
# Kinds keyed by several columns are merged on one derived property.
_COMPOSITE_KEY = "_key"
_SEQ = "_seq"
_SCORE_RUN = "_score_run"
_SCORE_RANK = "_score_rank"
_RESERVED = {_COMPOSITE_KEY, _SEQ, _SCORE_RUN, _SCORE_RANK, "occurred_us"}
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


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _query(*parts: str, **names: str) -> LiteralString:
    """Join query files and fill ``{{placeholder}}`` with backtick-quoted names.

    Callers pass only names from an allow-list: labels from ``LABELS``, keys
    from ``KEYS`` and columns from ``column_dtypes``.
    """
    text = "\n".join(load_query(part) for part in parts)
    for placeholder, name in names.items():
        text = text.replace("{{" + placeholder + "}}", _quote(name))
    return cast(LiteralString, text)


def _statements(name: str) -> list[LiteralString]:
    text = "\n".join(
        line for line in load_query(name).splitlines() if not line.lstrip().startswith("//")
    )
    return [cast(LiteralString, s.strip()) for s in text.split(";") if s.strip()]


def _temporal(kind: Kind) -> list[str]:
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
    # Rows per write transaction, per kind; events are the bulk and cheapest per row.
    batch_size = 10_000
    event_batch_size = 20_000
    # Nodes per record when reading: few large records read far faster than many.
    read_chunk = 10_000
    # Contacts aggregated per step of engagement_summary: bounds server memory.
    summary_chunk = 5_000
    # Values per lookup query (resolve, existing_event_keys).
    lookup_chunk = 50_000

    def __init__(self, driver: Any, uri: str, database: str, user: str | None = None) -> None:
        self._driver = driver
        self.uri = uri
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
            The server cannot be reached, refuses the credentials, or has no
            such database.
        """
        uri = uri or os.environ.get("NEO4J_URI") or DEFAULT_URI
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
        except (ValueError, neo4j_errors.ConfigurationError) as exc:
            raise StoreUnavailableError(
                f"Cannot use Neo4j URI {uri!r}: {exc}. Set NEO4J_URI to e.g. {DEFAULT_URI}."
            ) from exc
        store = cls(driver, uri, database, user)
        try:
            with store._errors():
                # verify_connectivity fails fast when nothing listens; the query
                # then checks the credentials and that the database exists.
                driver.verify_connectivity()
                with store._session() as session:
                    session.run(_query("ping")).consume()
        except BaseException:
            driver.close()
            raise
        return store

    def close(self) -> None:
        self._driver.close()

    # -- plumbing ----------------------------------------------------------------------
    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn driver errors about the connection into one clear StoreUnavailableError."""
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
        except neo4j_errors.ClientError as exc:
            if exc.code == "Neo.ClientError.Database.DatabaseNotFound":
                raise StoreUnavailableError(
                    f"Neo4j at {self.uri} has no database {self.database!r}; "
                    "set NEO4J_DATABASE to one that exists."
                ) from exc
            raise

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

    def _meta(self, key: str) -> dict[str, Any] | None:
        found = self._read(_column, _query("read_meta"), key=key)
        return found[0] if found else None

    def _set_meta(self, key: str, properties: dict[str, Any]) -> None:
        self._write(_consume, _query("write_meta"), key=key, properties=properties)

    def _count(self, label: str) -> int:
        return int(self._read(_single, _query("count", label=label)))

    def _rows(self, query: LiteralString, **params: Any) -> list[list[Any]]:
        chunks = self._read(_column, query, chunk=self.read_chunk, **params)
        return [row for chunk in chunks for row in chunk]

    # -- writing -----------------------------------------------------------------------
    def upsert(self, kind: Kind, rows: pd.DataFrame) -> int:
        _check_columns(kind, rows)
        self._ensure_schema()
        if kind == "engagements":
            return self._add_events(rows)
        keys = list(KEYS[kind])
        if len(keys) == 1 and rows[keys[0]].isna().any():
            raise StoreError(f"Cannot store {kind} rows without {keys[0]}.")
        rows = rows.drop_duplicates(keys, keep="last")
        columns = self._register_columns(kind, rows)
        if rows.empty:
            return 0
        payload = _records(rows, columns, pairs=_temporal(kind))
        if len(keys) > 1:
            for record, key in zip(payload, _composite_keys(rows, keys), strict=True):
                record[_COMPOSITE_KEY] = key
        first = int(self._write(_single, _query("next_sequence"), count=len(payload)))
        for offset, record in enumerate(payload):
            record[_SEQ] = first + offset
        created = self._write_batches(_query(f"upsert_{kind}"), payload, self.batch_size)
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
            columns.update({c: d for c, d in incoming.items() if c not in columns})
        else:
            columns = incoming
        if not meta or list(columns.items()) != list(zip(meta["columns"], meta["dtypes"])):
            self._set_meta(
                f"table:{kind}",
                {"columns": list(columns), "dtypes": list(columns.values())},
            )
        return columns

    def _add_events(self, rows: pd.DataFrame) -> int:
        rows = rows.drop_duplicates("event_key")
        if rows.empty:
            return 0
        columns = {str(c): str(rows[c].dtype) for c in rows.columns}
        payload = _records(rows, columns, pairs=["occurred_at"])
        micros = _python_values(rows["occurred_at"])
        for record, at in zip(payload, micros, strict=True):
            record["occurred_us"] = at
        return self._write_batches(_query("upsert_engagements"), payload, self.event_batch_size)

    def _write_batches(self, query: LiteralString, payload: list[dict], size: int) -> int:
        created = 0
        with self._errors(), self._session() as session:
            for start in range(0, len(payload), size):
                created += self._write_batch(session, query, payload[start : start + size])
        return created

    def _write_batch(self, session: Any, query: LiteralString, rows: list[dict]) -> int:
        """One transaction; the driver re-runs it on transient errors, and it is idempotent."""
        return int(session.execute_write(_single, query, {"rows": rows}))

    def clear(self) -> None:
        self._run(_query("clear"))

    def write_scores(
        self, contacts: pd.DataFrame, accounts: pd.DataFrame, meta: dict[str, Any]
    ) -> None:
        self._ensure_schema()
        previous = self._meta("scores") or {}
        run = uuid.uuid4().hex
        record: dict[str, Any] = {"run": run, "meta": json.dumps(meta, indent=2, default=str)}
        for level, frame in (("contacts", contacts), ("accounts", accounts)):
            kind = _SCORED[level]
            label, key = LABELS[kind], KEYS[kind][0]
            table_columns = set(self._table_columns(kind))
            names = [
                c if c == key or c not in table_columns else _SCORED_PREFIX + c
                for c in map(str, frame.columns)
            ]
            written = [n for n in names if n != key]
            old = set(previous.get(f"{level}_properties", [])) - table_columns - {key}
            stale = dict.fromkeys(old - set(written))
            values = _records(frame, {c: str(frame[c].dtype) for c in frame.columns}, pairs=[])
            payload = []
            for rank, row in enumerate(values):
                properties = {n: v for n, v in zip(names, row.values(), strict=True) if n != key}
                properties.update(stale, **{_SCORE_RUN: run, _SCORE_RANK: rank})
                payload.append({"key": row[str(key)], "properties": properties})
            self._write_batches(
                _query("write_scores", label=label, key=key), payload, self.batch_size
            )
            cleared = dict.fromkeys(old | set(written) | {_SCORE_RUN, _SCORE_RANK})
            self._run(_query("clear_scores", label=label), run=run, cleared=cleared)
            record[f"{level}_columns"] = [str(c) for c in frame.columns]
            record[f"{level}_dtypes"] = [str(frame[c].dtype) for c in frame.columns]
            record[f"{level}_properties"] = names
        self._set_meta("scores", record)

    # -- reading -----------------------------------------------------------------------
    def _table_columns(self, kind: Kind) -> dict[str, str]:
        meta = self._meta(f"table:{kind}")
        if meta is None:
            return {}
        return dict(zip(meta["columns"], meta["dtypes"], strict=True))

    def table(self, kind: Kind, ids: pd.Series | None = None) -> pd.DataFrame:
        if kind == "engagements":
            raise StoreError("Engagements are read through engagement_summary().")
        columns = self._table_columns(kind)
        if not columns:
            frame = empty_table(kind)
            return frame if ids is None else frame[frame[KEYS[kind][0]].isin(ids)]
        label, key = LABELS[kind], KEYS[kind][0]
        params: dict[str, Any] = {
            "columns": [*columns, _SEQ],
            "temporal": [c for c in _temporal(kind) if c in columns],
        }
        if ids is None:
            query = _query("match_all", "node_rows", label=label)
        else:
            query = _query("match_keys", "node_rows", label=label, key=key)
            params["ids"] = _distinct(ids)
        return _frame(self._rows(query, **params), columns)

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
        wanted = _distinct(values)
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
            query = _query("match_all", "engagement_summary", label="Contact")
        else:
            query = _query("match_keys", "engagement_summary", label="Contact", key="contact_id")
            params["ids"] = _distinct(contact_ids)
        chunks = self._read(_column, query, **params)
        rows = [row for chunk in chunks for row in chunk]
        contact, kind, events, decayed, recent, prior, last = (
            list(c) for c in (zip(*rows, strict=True) if rows else [()] * 7)
        )
        out = pd.DataFrame(
            {
                "contact_id": pd.Series(contact, dtype=object),
                "type": pd.Series(kind, dtype=object),
                "events": np.array(events, dtype=np.int64),
                "decayed": np.array(decayed, dtype=np.float64),
                "recent": np.array(recent, dtype=np.int64),
                "prior": np.array(prior, dtype=np.int64),
                "last_at": pd.to_datetime(np.array(last, dtype=np.int64), unit="us", utc=True),
            }
        )
        return out.astype({"contact_id": "str", "type": "str"})

    def scores(self, level: ScoreLevel) -> pd.DataFrame:
        meta = self._meta("scores")
        if meta is None:
            return pd.DataFrame()
        kind = _SCORED[level]
        columns = dict(zip(meta[f"{level}_columns"], meta[f"{level}_dtypes"], strict=True))
        query = _query("match_scored", "node_rows", label=LABELS[kind])
        rows = self._rows(
            query, run=meta["run"], columns=[*meta[f"{level}_properties"], _SCORE_RANK], temporal=[]
        )
        return _frame(rows, columns)

    def score_meta(self) -> dict[str, Any] | None:
        meta = self._meta("scores")
        return None if meta is None else json.loads(meta["meta"])


# -- frames <-> property values ---------------------------------------------------------
def _reason(exc: Exception) -> str:
    """The useful part of a driver error, on one line."""
    text = str(exc).strip()
    found = re.search(r"\(reason (.+?)\)$", text)
    if found:
        return found.group(1)
    return text.splitlines()[0].rstrip(".") if text else type(exc).__name__


def _check_columns(kind: Kind, rows: pd.DataFrame) -> None:
    clash = sorted(_RESERVED.intersection(map(str, rows.columns)))
    if clash:
        raise StoreError(f"Cannot store {kind}: column name {clash[0]!r} is reserved; rename it.")


def _distinct(values: pd.Series) -> list[Any]:
    return _python_values(pd.Series(values.dropna().unique()))


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray | list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _python_values(column: pd.Series, pair: bool = False) -> list[Any]:
    """A column as Bolt-ready Python values, None where missing.

    Datetimes become epoch microseconds (``pair``: ``[seconds, nanoseconds]``
    for Cypher's ``datetime.fromepoch``), uint64 the int64 with the same bits.
    """
    dtype = column.dtype
    missing = column.isna().to_numpy()
    values: list[Any]
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if getattr(dtype, "tz", None) is not None:
            column = column.dt.tz_convert("UTC").dt.tz_localize(None)
        micros = column.to_numpy(dtype="datetime64[us]").astype(np.int64)
        if pair:
            seconds, rest = np.divmod(micros, 1_000_000)
            values = [[s, n] for s, n in zip(seconds.tolist(), (rest * 1000).tolist(), strict=True)]
        else:
            values = micros.tolist()
    elif dtype == np.uint64:
        values = column.to_numpy().view(np.int64).tolist()
    elif isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        values = column.to_numpy().tolist()
    elif isinstance(dtype, np.dtype):
        values = [_plain(v) for v in column.to_numpy()]
    else:
        values = column.to_numpy(dtype=object, na_value=None).tolist()
    if missing.any():
        values = [None if gone else v for v, gone in zip(values, missing, strict=True)]
    return values


def _records(frame: pd.DataFrame, columns: dict[str, str], pairs: Sequence[str]) -> list[dict]:
    """One property map per row, with every column (None where the frame has none)."""
    arrays = [
        _python_values(frame[c], pair=c in pairs) if c in frame.columns else [None] * len(frame)
        for c in columns
    ]
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*arrays, strict=True)]


def _composite_keys(rows: pd.DataFrame, keys: list[str]) -> list[str]:
    parts = [_python_values(rows[k]) for k in keys]
    return [json.dumps(list(p), ensure_ascii=False) for p in zip(*parts, strict=True)]


def _restore(values: Sequence[Any], dtype: str) -> pd.Series:
    """Property values read back as a column of the recorded dtype."""
    if dtype.startswith("datetime64"):
        stamps = pd.to_datetime(pd.Series(values, dtype="Int64"), unit="us", utc="," in dtype)
        return stamps.astype(dtype)
    if dtype == "uint64":
        return pd.Series(np.array(values, dtype=np.int64).view(np.uint64))
    return pd.Series(values, dtype=object).astype(dtype)


def _frame(rows: list[list[Any]], columns: dict[str, str]) -> pd.DataFrame:
    """Rows of ``[*columns, order]`` as a frame of the recorded dtypes, sorted by order."""
    width = len(columns) + 1
    by_column = list(zip(*rows, strict=True)) if rows else [()] * width
    order = np.argsort(np.array(by_column[-1], dtype=np.int64), kind="stable")
    return pd.DataFrame(
        {
            name: _restore([values[i] for i in order], dtype)
            for (name, dtype), values in zip(columns.items(), by_column, strict=False)
        }
    )
