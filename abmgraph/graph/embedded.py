"""The embedded store: Parquet tables in the workspace, networkx for the structure.

Accounts, contacts, opportunities and intent are small tables kept whole;
engagement events are columnar and append-only, one Parquet part per ingest,
and are only ever aggregated with vectorised operations. The structural graph
(WORKS_AT, REPORTS_TO, SUBSIDIARY_OF, HAS_ROLE, …) is a networkx view built
from the tables on demand, for as much of the graph as a question needs.

Every file is written to a temporary name and renamed into place, so a crash
mid-write leaves the previous state readable. A scoring run is written into a
folder of its own under ``scores/runs/`` and switched in by replacing one
pointer file, ``scores/CURRENT``: readers see the previous run or the new one,
never contacts from one and accounts from another.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from abmgraph.errors import StoreError
from abmgraph.graph.changelog import Changes, EmbeddedChangeLog
from abmgraph.graph.embedded_scores import EmbeddedScores, write_parquet
from abmgraph.graph.event_identity import compared_columns, refuse_other_events
from abmgraph.graph.event_index import EventIndex
from abmgraph.graph.store import KEYS, SUMMARY_COLUMNS, EventWindow, GraphStore
from abmgraph.graph.walks import EmbeddedWalks
from abmgraph.safe_io import clean_stale_temps

# networkx and the contract's models load only for what needs them (``graph()``, empty
# tables): most reads are Parquet and pandas alone.
if TYPE_CHECKING:
    import networkx as nx

    from abmgraph.graph.schema import Kind

__all__ = ["EmbeddedStore"]

_EVENT_COLUMNS = ["event_key", "event_id", "contact_id", "type", "occurred_at"]
_SECONDS_PER_DAY = 86_400.0


class EmbeddedStore(EmbeddedWalks, EmbeddedScores, GraphStore):
    """A workspace folder holding the graph as Parquet tables."""

    backend = "embedded"

    def __init__(self, workspace: Path) -> None:
        self.root = Path(workspace) / "store"
        self._tables: dict[str, pd.DataFrame] = {}
        # Per stored file read by select(): its schema and the columns decoded so far.
        self._decoded: dict[str, tuple[pa.Schema, dict[str, pa.ChunkedArray]]] = {}
        # The scoring run this store reads, fixed at its first score read so that
        # contacts and accounts come from one run even if another is switched in.
        self._run: Path | None = None
        self._cleaned = False
        self._log = EmbeddedChangeLog(self.root / "changes")
        self._index = EventIndex(self.root / "events_index")

    # -- tables ------------------------------------------------------------------
    def _path(self, kind: str) -> Path:
        return self.root / f"{kind}.parquet"

    def table(
        self, kind: Kind, ids: pd.Series | None = None, columns: Collection[str] | None = None
    ) -> pd.DataFrame:
        if kind == "engagements":
            raise StoreError("Engagements are read through engagement_summary().")
        path = self._path(kind)
        if kind not in self._tables and columns is not None and path.exists():
            # Some columns of a table not in memory: decode only those (see select()).
            order = [c for c in self._stored_columns(kind, path) if c in set(columns)]
            where = None if ids is None else (KEYS[kind][0], ids)
            return self.select(kind, order, where)
        if kind not in self._tables:
            path = self._path(kind)
            self._tables[kind] = pd.read_parquet(path) if path.exists() else _empty(kind)
        frame = self._tables[kind]
        from abmgraph.graph.tables import only_columns  # loaded on use, as in _empty

        if ids is None:
            return only_columns(frame, columns)
        # The columns asked for first: filtering rows then copies those columns only.
        keep = _among(frame[KEYS[kind][0]], _value_set(ids))
        return only_columns(frame, columns)[keep]

    def upsert(self, kind: Kind, rows: pd.DataFrame) -> int:
        if kind == "engagements":
            return self._add_events(rows)
        from abmgraph.graph.merge import merge_rows

        self._clean_once()
        keys = list(KEYS[kind])
        old = self.table(kind)
        new_keys = _key_index(rows, keys).difference(_key_index(old, keys))
        changed = self._touched(kind, rows)
        merged = merge_rows(kind, old, rows)
        if changed is not None:  # before the rows: an interrupted write over-reports only
            self._log.append(changed)
        write_parquet(merged, self._path(kind))
        self._tables[kind] = merged
        self._decoded.pop(kind, None)
        return len(new_keys)

    def contacts_of(
        self, account_ids: pd.Series, contact_ids: pd.Series | None = None
    ) -> pd.Series:
        # Filtered in Arrow: the contacts of a few accounts never turn every id into pandas.
        found = self.select("contacts", ["contact_id"], ("account_id", account_ids))["contact_id"]
        if contact_ids is not None and len(contact_ids):
            extra = self.select("contacts", ["contact_id"], ("contact_id", contact_ids))
            found = pd.concat([found, extra["contact_id"]]).drop_duplicates()
        return found.astype("str").reset_index(drop=True)

    def resolve(self, kind: Kind, by: str, values: pd.Series) -> pd.Series:
        id_column = KEYS[kind][0]
        frame = self.table(kind)
        if by not in frame.columns or frame.empty:
            return pd.Series(pd.NA, index=values.index, dtype="str")
        if by == id_column:
            known = values.isin(frame[id_column])
            return values.where(known).astype("str")
        lookup = (
            frame.loc[frame[by].notna(), [by, id_column]]
            .drop_duplicates(by, keep="first")
            .set_index(by)[id_column]
        )
        return values.map(lookup).astype("str")

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self._tables.clear()
        self._decoded.clear()
        self._run = None

    # -- events ------------------------------------------------------------------
    def _event_parts(self) -> list[Path]:
        folder = self.root / "events"
        return sorted(folder.glob("part-*.parquet")) if folder.exists() else []

    def existing_event_keys(self, keys: pd.Series) -> pd.Series:
        # The event index answers for the parts it covers without reading their keys.
        held = self._index.held(keys.to_numpy(dtype=np.uint64), self._event_parts())
        return pd.Series(held, index=keys.index)

    def _add_events(self, rows: pd.DataFrame) -> int:
        # A mask rather than drop_duplicates copies nothing when no key repeats. Repeats
        # within a batch are rare (ingest rejects them): a sort finds out cheaply first.
        self._clean_once()
        keys = rows["event_key"]
        seen = self.existing_event_keys(keys)
        ordered = np.sort(keys.to_numpy())
        if (ordered[1:] == ordered[:-1]).any():
            seen |= keys.duplicated()
        if seen.any():
            self._refuse_collisions(rows[seen.to_numpy()])
            rows = rows[~seen]
        if rows.empty:
            return 0
        changed = self._touched("engagements", rows)
        if changed is not None:
            self._log.append(changed)
        part = (
            self.root
            / "events"
            / f"part-{len(self._event_parts()):06d}-{uuid.uuid4().hex[:8]}.parquet"
        )
        write_parquet(rows.reset_index(drop=True), part)
        self._index.refresh(self._event_parts())
        return len(rows)

    def _refuse_collisions(self, matched: pd.DataFrame) -> None:
        """Raise when an event's key is a stored key of a different event.

        A key is a 64-bit hash, which can be forced to collide on purpose: an
        event sharing a stored event's key is a re-ingest only when it is that
        event (the same event_id, or for events without one the same fields
        the key was derived from); anything else would be dropped unseen.
        """
        matched, present = compared_columns(matched)
        keys = matched["event_key"].to_numpy(dtype=np.uint64)
        stored = self._index.events_with_keys(keys, self._event_parts(), ["event_key", *present])
        refuse_other_events(matched, stored.to_pandas(), present)

    def _events_of(self, contact_ids: pd.Series) -> pa.Table:
        """The events of these contacts: from the contact-ordered index, then the parts after it."""
        ids = pd.Series(contact_ids, dtype="str").dropna().unique()
        wanted = pa.array(np.asarray(ids, dtype=object), type=pa.string())
        columns = ["contact_id", "type", "occurred_at"]
        parts = self._event_parts()
        covered = self._index.covered(parts)
        found = [self._index.events_of(wanted)] if covered else []
        for path in parts:
            if path.name not in covered:
                table = pq.ParquetFile(path).read(columns=columns)  # no dataset set up
                found.append(table.filter(pc.is_in(table.column("contact_id"), value_set=wanted)))
        if not found:
            return pa.table({c: pa.array([], type=pa.string()) for c in columns})
        # Parts written by different pandas versions hold text as string or large_string.
        return pa.concat_tables(found, promote_options="permissive")

    def event_count(self) -> int:
        return sum(pq.ParquetFile(p).metadata.num_rows for p in self._event_parts())

    def engagement_summary(
        self, window: EventWindow, contact_ids: pd.Series | None = None
    ) -> pd.DataFrame:
        events = (
            self.events(["contact_id", "type", "occurred_at"])
            if contact_ids is None
            else self._events_of(contact_ids)
        )
        if len(events) == 0:
            return pd.DataFrame({c: pd.Series(dtype=_SUMMARY_DTYPES[c]) for c in SUMMARY_COLUMNS})
        micros = events.column("occurred_at").cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
        micros = micros.to_numpy()
        as_of = window.as_of.value // 1000
        keep = (micros >= window.start.value // 1000) & (micros <= as_of)
        if contact_ids is not None:
            wanted = pc.is_in(events.column("contact_id"), pa.array(contact_ids))
            keep &= wanted.to_numpy(zero_copy_only=False)
        # Encode first and mask the integer codes: filtering the strings would copy them all.
        contact_codes, contacts = _factorize(events.column("contact_id"))
        type_codes, types = _factorize(events.column("type"))
        micros = micros[keep]
        age_days = (as_of - micros) / (_SECONDS_PER_DAY * 1e6)
        # One integer per (contact, type) pair, so every sum is a single bincount.
        n_types = max(len(types), 1)
        pair = contact_codes.astype(np.int64)[keep] * n_types
        pair += type_codes[keep]
        n_pairs = len(contacts) * n_types
        if n_pairs <= 4 * len(pair) + 1_000_000:
            # Dense bins: linear time, no sort of the events.
            counts = np.bincount(pair, minlength=n_pairs)
            pairs = np.flatnonzero(counts)
            bin_of = np.zeros(n_pairs, dtype=np.int64)
            bin_of[pairs] = np.arange(len(pairs))
            inverse = bin_of[pair]
        else:
            pairs, inverse = np.unique(pair, return_inverse=True)
        recent = age_days < window.recent_days
        prior = ~recent & (age_days < window.recent_days + window.prior_days)
        last = np.full(len(pairs), np.iinfo(np.int64).min)
        np.maximum.at(last, inverse, micros)

        def total(weights: np.ndarray | None = None) -> np.ndarray:
            return np.bincount(inverse, weights=weights, minlength=len(pairs))

        out = pd.DataFrame(
            {
                "contact_id": contacts.take(pairs // n_types),
                "type": types.take(pairs % n_types),
                "events": total().astype(np.int64),
                "decayed": total(np.exp2(-age_days / window.half_life_days)),
                "recent": total(recent).astype(np.int64),
                "prior": total(prior).astype(np.int64),
                "last_at": pd.to_datetime(last, unit="us", utc=True),
            }
        )
        return out.astype({"contact_id": "str", "type": "str"})

    # -- what changed ------------------------------------------------------------
    def changes(self, after: int) -> Changes:
        return self._log.since(after)

    def forget_changes(self, upto: int) -> None:
        self._log.forget(upto)

    def _clean_once(self) -> None:
        """Before this store's first write: remove what killed writers left behind."""
        if self._cleaned:
            return
        self._cleaned = True
        for folder in (self.root, self.root / "events", self._scores_root, self._index.folder):
            clean_stale_temps(folder)
        for staging in self.root.glob(".events_index-*"):  # a killed index build
            shutil.rmtree(staging, ignore_errors=True)
        runs = self._scores_root / "runs"
        if runs.is_dir():
            for staging in runs.glob(".*.tmp"):
                shutil.rmtree(staging, ignore_errors=True)

    # -- structure ---------------------------------------------------------------
    def graph(self, account_ids: pd.Series | None = None) -> nx.MultiDiGraph:
        """The structural graph, for all accounts or only those given (and their people)."""
        from abmgraph.graph.structure import build_graph

        accounts = self.table("accounts", account_ids)
        contacts = self.table("contacts")
        if account_ids is not None:
            contacts = contacts[contacts["account_id"].isin(account_ids)]
        return build_graph(
            accounts,
            contacts,
            self.table("opportunities"),
            self.table("opportunity_contacts"),
        )

    # -- narrow reads ------------------------------------------------------------
    def events(
        self,
        columns: Sequence[str] | None = None,
        start: pd.Timestamp | None = None,
        end: pd.Timestamp | None = None,
    ) -> pa.Table:
        """Engagement events as an Arrow table of ``columns``, only ``start <= occurred_at <= end``.

        The time filter is applied while reading, so a question about the
        last weeks decodes only those weeks' events. Without ``columns``,
        every stored column, null for events whose ingest lacked it.
        """
        filters = [("occurred_at", ">=", start)] if start is not None else []
        filters += [("occurred_at", "<=", end)] if end is not None else []
        parts = self._event_parts()
        if not parts:
            return pa.table({c: pa.array([], type=pa.string()) for c in columns or _EVENT_COLUMNS})
        return pa.concat_tables(
            (
                pq.read_table(
                    p, columns=None if columns is None else list(columns), filters=filters or None
                )
                for p in parts
            ),
            promote_options="default",
        )

    def _stored_columns(self, name: str, path: Path) -> list[str]:
        if name not in self._decoded:
            self._decoded[name] = (pq.read_schema(path), {})
        return self._decoded[name][0].names

    def _decode(self, name: str, path: Path, columns: list[str]) -> pa.Table:
        """These stored columns of a file, each decoded from Parquet once per store.

        A question reads the same columns several times (an account's
        contacts for the org chart, again for the paths to power), and one
        row group must be decoded whole whatever the filter: decoding a
        column once and filtering it in memory is cheaper.
        """
        if not columns:
            return pq.read_table(path, columns=[])  # no data, but the row count
        schema, decoded = self._decoded[name]
        missing = [c for c in dict.fromkeys(columns) if c not in decoded]
        if missing:
            read = self._read_stored(name, path, missing)
            decoded.update((c, read.column(c)) for c in missing)
        fields = [schema.field(c) for c in dict.fromkeys(columns)]
        return pa.Table.from_arrays(
            [decoded[f.name] for f in fields], schema=pa.schema(fields, metadata=schema.metadata)
        )

    def select(
        self,
        name: str,
        columns: Sequence[str],
        where: tuple[str, Collection[Any]] | None = None,
    ) -> pd.DataFrame:
        """Some columns of a stored table, optionally only the rows whose ``where[0]`` is in ``where[1]``.

        ``name`` is a kind or ``scores/contacts`` / ``scores/accounts``. A
        table already in memory is filtered there; otherwise only these
        columns are decoded from Parquet, each once per store, and filtered in
        Arrow before they become pandas, so a question about one account never
        turns the whole contacts file into a frame. Columns the table does not
        have come back empty.
        """
        columns = list(dict.fromkeys(columns))
        values = None if where is None else _value_set(where[1])
        path = (
            self._score_path(name.removeprefix("scores/"))
            if name.startswith("scores/")
            else self.root / f"{name}.parquet"
        )
        if values is not None and not len(values):
            frame = pd.DataFrame()
        elif name in self._tables:
            frame = self._tables[name]
            if where is not None:
                frame = frame[_among(frame[where[0]], values)]
        elif not path.exists():
            frame = pd.DataFrame()
        else:
            stored = self._stored_columns(name, path)
            if where is not None and where[0] not in stored:
                return _columns_of(pd.DataFrame(), columns)
            wanted = [c for c in columns if c in stored]
            table = self._decode(name, path, wanted if where is None else [*wanted, where[0]])
            if where is not None:
                # The same set lookup a Parquet "in" filter does: nulls match only a null value.
                table = table.filter(pc.is_in(table.column(where[0]), value_set=values))
            frame = table.select(wanted).to_pandas()
        if frame.empty and name in KEYS:
            frame = _empty(name)  # type: ignore[arg-type]
        return _columns_of(frame, columns).reset_index(drop=True)


_SUMMARY_DTYPES = {
    "contact_id": "str",
    "type": "str",
    "events": "int64",
    "decayed": "float64",
    "recent": "int64",
    "prior": "int64",
    "last_at": "datetime64[us, UTC]",
}


def _factorize(column: pa.ChunkedArray) -> tuple[np.ndarray, pd.api.extensions.ExtensionArray]:
    """Integer codes and the distinct values of a string column (faster than Arrow's encoder)."""
    array = column.combine_chunks()
    codes, uniques = pd.factorize(pd.Series(array, dtype=pd.ArrowDtype(array.type)))
    return codes, uniques


def _value_set(values: Collection[Any]) -> pa.Array:
    """``values`` as Arrow, straight from pandas or numpy: a long id column is no Python loop."""
    if isinstance(values, pd.Series | pd.Index | np.ndarray):
        return pa.array(values)
    return pa.array(list(values))


def _among(column: pd.Series, values: pa.Array) -> np.ndarray:
    """``column.isin(values)`` matched in Arrow: pandas' isin on Arrow strings loops in Python.

    As there and in a Parquet "in" filter, a null matches only a null value.
    """
    try:
        array = pa.array(column, from_pandas=True)
        found = pc.is_in(array, value_set=values.cast(array.type))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return column.isin(values.to_pylist()).to_numpy(dtype=bool)  # types Arrow won't mix
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def _key_index(frame: pd.DataFrame, keys: list[str]) -> pd.Index:
    if frame.empty:
        return pd.Index([])
    if len(keys) == 1:
        return pd.Index(frame[keys[0]])
    return pd.MultiIndex.from_frame(frame[keys].astype("str"))


def _columns_of(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame`` with exactly ``columns``, in that order; absent ones all missing."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        frame = frame.assign(
            **{c: pd.Series(pd.NA, index=frame.index, dtype=object) for c in missing}
        )
    return frame[columns]


def _empty(kind: Kind) -> pd.DataFrame:
    from abmgraph.graph.tables import empty_table

    return empty_table(kind)
