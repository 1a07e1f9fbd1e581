"""Neo4j bulk import: an embedded workspace as files for ``neo4j-admin database import full``.

A first load of millions of events through transactions is bound by the
server's per-row work (index seeks, record writes, commits). Neo4j's offline
importer writes the store files directly and is many times faster, but only
into an empty or new database while it is stopped. This module writes the
graph the Neo4j store would build from the workspace's tables (the same
nodes, labels, properties and relationships as loading the tables in ingest
order through the driver) as CSV files the importer reads, plus an argument
file for it.

The imported database has no constraints or indexes yet: the record format
of Neo4j Community cannot build them during an import. A ``schema`` record
among the ``AbmgraphMeta`` nodes marks them pending, and the Neo4j store
creates them on its first connection.

Each node is given its record id (``--id-type=actual``): nodes are numbered
in file order, one sequence across every node file, and relationships name
those numbers, found with vectorised lookups here. The importer then maps no
ids at all, which makes its relationship stage about five times faster than
with integer ids.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from abmgraph.errors import StoreError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.neo4j_columns import composite_keys
from abmgraph.graph.neo4j_model import (
    COMPOSITE_KEY,
    LABELS,
    SCHEMA_PENDING,
    SCORE_RANK,
    SCORE_RUN,
    SCORES,
    SEQ,
    check_columns,
    level_record,
    score_record,
    scores_as_properties,
    temporal_columns,
)
from abmgraph.graph.role_lists import split_roles
from abmgraph.graph.schema import Kind
from abmgraph.graph.store import KEYS

__all__ = ["ARGUMENTS_FILE", "ImportFiles", "write_import_files"]

# The importer reads its arguments from this file: `neo4j-admin database import full @<file>`.
ARGUMENTS_FILE = "neo4j-admin.args"
# Splits array values (only bookkeeping lists and list-valued scores use arrays). A unit
# separator, so no column name in practice contains it; one that does is refused.
_ARRAY_DELIMITER = "\x1f"
# Rows are written in ingest order and numbered by one sequence, as the store does.
_TABLE_ORDER: tuple[Kind, ...] = (
    "accounts",
    "contacts",
    "intent",
    "opportunities",
    "opportunity_contacts",
)
# Every file an import writes, <stem>.csv: a node label's table or a relationship type.
_FILE_STEMS = (
    *_TABLE_ORDER,
    "engagements",
    "roles",
    "topics",
    "meta",
    *(t.lower() for t in ("SUBSIDIARY_OF", "WORKS_AT", "REPORTS_TO", "WORKED_AT", "HAS_ROLE")),
    *(t.lower() for t in ("HAS_OPPORTUNITY", "SHOWS_INTENT", "CONTACT_ROLE", "PERFORMED")),
)


@dataclass
class ImportFiles:
    """The files written for one import and what they hold."""

    folder: Path
    nodes: dict[str, int] = field(default_factory=dict)  # file → nodes
    relationships: dict[str, int] = field(default_factory=dict)  # file → relationships
    arguments: list[str] = field(default_factory=list)
    scores_as_of: str | None = None  # the as-of instant of the scores carried, if any

    @property
    def node_count(self) -> int:
        return sum(self.nodes.values())

    @property
    def relationship_count(self) -> int:
        return sum(self.relationships.values())

    def command(self, database: str = "neo4j") -> str:
        """The importer's command line, run from :attr:`folder` (the server stopped)."""
        return (
            f"neo4j-admin database import full @{ARGUMENTS_FILE} --overwrite-destination {database}"
        )


def write_import_files(
    store: EmbeddedStore,
    folder: Path,
    *,
    overwrite: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportFiles:
    """Write the workspace's graph into ``folder`` as neo4j-admin import files.

    ``folder`` must be empty or missing unless ``overwrite``. ``progress`` is
    told the name of each file before it is written.

    Raises
    ------
    StoreError
        The workspace holds no accounts or contacts, the folder is not empty,
        or a column cannot be written for the importer (a name with ``:``,
        list values, infinite numbers).
    """
    counts = store.counts()
    if not counts["accounts"] and not counts["contacts"]:
        raise StoreError(
            f"The workspace at {store.root.parent} holds no accounts or contacts; "
            "ingest data first (abmgraph ingest KIND FILE)."
        )
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not overwrite:
        raise StoreError(f"{folder} is not empty; choose an empty folder or pass --force.")
    # Files are written next to the folder and moved in at the end: a failure
    # leaves the folder as it was.
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        files = _write_all(store, staging, progress or (lambda name: None))
        folder.mkdir(exist_ok=True)
        # Only files an import writes are replaced; anything else in the folder stays.
        for name in (ARGUMENTS_FILE, *(f"{stem}.csv" for stem in _FILE_STEMS)):
            (folder / name).unlink(missing_ok=True)
        for path in staging.iterdir():
            path.replace(folder / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files.folder = folder
    return files


def _write_all(store: EmbeddedStore, folder: Path, progress: Callable[[str], None]) -> ImportFiles:
    writer = _Writer(folder, progress)

    tables = {kind: store.table(kind) for kind in _TABLE_ORDER}
    # Relationships point at nodes by their row in these tables.
    ids = {kind: tables[kind][KEYS[kind][0]] for kind in ("accounts", "contacts", "opportunities")}
    meta: list[dict[str, object]] = []
    scores: dict[Kind, pd.DataFrame] = {}
    scored = store.score_meta()
    if scored is not None:
        scores, scores_record = _carried_scores(store, tables, scored)
        meta.append(scores_record)
        writer.files.scores_as_of = scored["as_of"]
    sequence = 0
    for kind in _TABLE_ORDER:
        rows = tables[kind]
        if rows.empty:
            continue
        check_columns(kind, rows.columns)
        meta.append(_table_meta(kind, rows))
        rows = rows.assign(**{SEQ: np.arange(sequence, sequence + len(rows), dtype=np.int64)})
        sequence += len(rows)
        if len(KEYS[kind]) > 1:
            rows[COMPOSITE_KEY] = composite_keys(rows, list(KEYS[kind]))
        table = _arrow(rows, temporal_columns(kind))
        for name, column in zip(table.column_names, table.columns, strict=True):
            if _is_text_list(column.type):  # only scores hold lists: a table's are refused
                raise StoreError(_unwritable(name, column.type))
        extra = None
        if kind in scores:
            extra = dict(zip(scores[kind].columns, _arrow(scores[kind], []).columns, strict=True))
        writer.nodes(LABELS[kind], kind, table, extra)
    meta.append({"key": "sequence", "next": sequence})
    meta.append({"key": SCHEMA_PENDING, "pending": True})

    _structure(writer, tables, ids)
    _events(writer, store, ids["contacts"])
    writer.meta(meta)
    writer.finish()
    return writer.files


def _carried_scores(
    store: EmbeddedStore, tables: dict[Kind, pd.DataFrame], meta: dict[str, Any]
) -> tuple[dict[Kind, pd.DataFrame], dict[str, object]]:
    """The workspace's scores (``meta`` is their record) as properties of the contact and
    account rows, and the store's bookkeeping record of them.

    As the Neo4j store writes them, so the imported graph shows the scores at
    once and the next score overwrites them. A row without scores (stored
    after the last score) gets none; scores of rows no longer stored are left
    out.
    """
    run = uuid.uuid4().hex
    record: dict[str, object] = {"key": SCORES, **score_record(run, meta)}
    carried: dict[Kind, pd.DataFrame] = {}
    for kind in ("contacts", "accounts"):
        frame, rows, key = store.scores(kind), tables[kind], KEYS[kind][0]
        properties, names = scores_as_properties(frame, key, rows.columns)
        # Nullable types, so a row without scores leaves integers and booleans as they are.
        properties = properties.astype(
            {
                name: "Int64" if column.dtype.kind in "iu" else "boolean"
                for name, column in properties.items()
                if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iub"
            }
        )
        properties[SCORE_RANK] = pd.array(np.arange(len(properties)), dtype="Int64")
        aligned = properties.set_index(key).reindex(rows[key].to_numpy())
        aligned[SCORE_RUN] = pd.array(
            np.where(aligned[SCORE_RANK].notna().to_numpy(), run, None), dtype="str"
        )
        carried[kind] = aligned.reset_index(drop=True)
        record.update(level_record(kind, frame, names))
    return carried, record


# -- the graph -----------------------------------------------------------------------
def _structure(
    writer: _Writer, tables: dict[Kind, pd.DataFrame], ids: dict[Kind, pd.Series]
) -> None:
    """The relationships the store keeps in step with the tables' columns."""
    accounts, contacts = tables["accounts"], tables["contacts"]
    account_ids, contact_ids = ids["accounts"], ids["contacts"]
    every_account = ("Account", np.arange(len(accounts)))
    every_contact = ("Contact", np.arange(len(contacts)))
    parent = _rows_of(accounts["parent_account_id"], account_ids)
    writer.links("SUBSIDIARY_OF", every_account, ("Account", parent))
    writer.links(
        "WORKS_AT", every_contact, ("Account", _rows_of(contacts["account_id"], account_ids))
    )
    writer.links(
        "REPORTS_TO", every_contact, ("Contact", _rows_of(contacts["manager_id"], contact_ids))
    )

    # Job history: each distinct stored account in the `;`-separated list.
    history = pc.split_pattern(
        pa.array(contacts["previous_account_ids"], type=pa.large_string()), ";"
    )
    pairs = pd.DataFrame(
        {
            "contact": pc.list_parent_indices(history).to_numpy(),
            "account": _rows_of(pc.list_flatten(history), account_ids),
        }
    )
    pairs = pairs.dropna().drop_duplicates()
    writer.links(
        "WORKED_AT",
        ("Contact", pairs["contact"].to_numpy()),
        ("Account", pairs["account"].to_numpy()),
    )

    # Explicit buying roles: one Role node per distinct name, one HAS_ROLE per role held.
    held = split_roles(contacts["buying_role"])
    roles = writer.names("Role", "roles", held["role"])
    writer.links(
        "HAS_ROLE",
        ("Contact", held["row"].to_numpy()),
        ("Role", _rows_of(held["role"], roles)),
        pa.table({"source": pa.array(["explicit"] * len(held))}),
    )

    opportunities = tables["opportunities"]
    writer.links(
        "HAS_OPPORTUNITY",
        ("Account", _rows_of(opportunities["account_id"], account_ids)),
        ("Opportunity", np.arange(len(opportunities))),
    )
    _intent(writer, tables["intent"], account_ids)
    _contact_roles(writer, tables["opportunity_contacts"], contact_ids, ids["opportunities"])


def _intent(writer: _Writer, intent: pd.DataFrame, account_ids: pd.Series) -> None:
    """SHOWS_INTENT per stored (account, topic, observed_at); the last row's score wins."""
    rows = intent.assign(_account=_rows_of(intent["account_id"], account_ids))
    rows = rows.dropna(subset=["_account", "topic", "observed_at"])
    rows = rows.drop_duplicates(["_account", "topic", "observed_at"], keep="last")
    topics = writer.names("Topic", "topics", rows["topic"])
    writer.links(
        "SHOWS_INTENT",
        ("Account", rows["_account"].to_numpy()),
        ("Topic", _rows_of(rows["topic"], topics)),
        _arrow(rows[["observed_at", "score"]], ["observed_at"]),
    )


def _contact_roles(
    writer: _Writer, links: pd.DataFrame, contact_ids: pd.Series, opportunity_ids: pd.Series
) -> None:
    """CONTACT_ROLE per stored (contact, opportunity) with both ends stored; the last row wins."""
    rows = links.assign(
        _contact=_rows_of(links["contact_id"], contact_ids),
        _opportunity=_rows_of(links["opportunity_id"], opportunity_ids),
    )
    rows = rows.dropna(subset=["_contact", "_opportunity"])
    rows = rows.drop_duplicates(["_contact", "_opportunity"], keep="last")
    writer.links(
        "CONTACT_ROLE",
        ("Contact", rows["_contact"].to_numpy()),
        ("Opportunity", rows["_opportunity"].to_numpy()),
        _arrow(rows[["role", "is_primary"]], []),
    )


def _events(writer: _Writer, store: EmbeddedStore, contact_ids: pd.Series) -> None:
    """Engagement nodes, PERFORMED from their contact, :AwaitingContact when it is not stored."""
    events = store.events()
    if not len(events):
        return
    check_columns("engagements", events.column_names)
    occurred_us = events.column("occurred_at").cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    contact = _rows_of(events.column("contact_id"), contact_ids)
    waiting = np.isnan(contact)
    # As the driver writes them: only a waiting event keeps its contact_id (empty is no property).
    contact_column = events.schema.get_field_index("contact_id")
    events = events.set_column(
        contact_column,
        "contact_id",
        pc.if_else(pa.array(waiting), events.column("contact_id"), None),
    )
    writer.nodes(
        "Engagement",
        "engagements",
        _arrow(events, temporal_columns("engagements")),
        {":LABEL": pa.array(np.where(waiting, "AwaitingContact", None), type=pa.string())},
    )
    # Relationships are stored in file order. Grouped by contact, each contact's PERFORMED
    # relationships and their properties sit side by side: the engagement summary, which
    # walks contacts in order, then reads the relationship store front to back.
    order = np.argsort(contact, kind="stable")
    properties = pa.table({"type": events.column("type"), "occurred_us": occurred_us})
    writer.links(
        "PERFORMED", ("Contact", contact[order]), ("Engagement", order), properties.take(order)
    )


def _table_meta(kind: Kind, rows: pd.DataFrame) -> dict[str, object]:
    """The store's record of a table's columns and dtypes."""
    return {
        "key": f"table:{kind}",
        "columns": [str(c) for c in rows.columns],
        "dtypes": [str(rows[c].dtype) for c in rows.columns],
    }


def _rows_of(values: pd.Series | pa.ChunkedArray, keys: pd.Series) -> np.ndarray:
    """Row number in ``keys`` of each value, NaN where it is missing or not there."""
    found = pc.index_in(_text(values), value_set=_text(keys))
    return found.to_numpy(zero_copy_only=False).astype(np.float64)


def _text(values: pd.Series | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, pd.Series):
        return pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True)
    return values.cast(pa.large_string())


# -- files -----------------------------------------------------------------------------
def _arrow(rows: pd.DataFrame | pa.Table, temporal: list[str]) -> pa.Table:
    """Columns as the Neo4j store writes them: the contract's datetimes as DateTime,
    other datetimes as epoch microseconds, uint64 as the int64 with the same bits."""
    table = rows if isinstance(rows, pa.Table) else pa.Table.from_pandas(rows, preserve_index=False)
    for i, name in enumerate(table.column_names):
        column = table.column(i)
        if pa.types.is_timestamp(column.type) and name not in temporal:
            column = column.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
        elif pa.types.is_uint64(column.type):
            column = pa.array(column.combine_chunks().to_numpy(zero_copy_only=False).view(np.int64))
        elif pa.types.is_dictionary(column.type):
            column = column.cast(pa.large_string())
        table = table.set_column(i, name, column)
    return table


def _typed_name(name: str, kind: pa.DataType) -> str:
    """``name:type`` for the importer's header; text is its default type."""
    # A ':' would end the name in the header, U+001F split it in the bookkeeping lists.
    if ":" in name or _ARRAY_DELIMITER in name:
        raise StoreError(
            f"Column {name!r} cannot be bulk imported (its name holds ':' or U+001F); rename "
            "it, or load through the driver with abmgraph --backend neo4j ingest."
        )
    if pa.types.is_timestamp(kind):
        return f"{name}:datetime"
    if pa.types.is_integer(kind):
        return f"{name}:long"
    if pa.types.is_floating(kind):
        return f"{name}:double"
    if pa.types.is_boolean(kind):
        return f"{name}:boolean"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind):
        return name
    if _is_text_list(kind):
        return f"{name}:string[]"
    raise StoreError(_unwritable(name, kind))


def _unwritable(name: str, kind: pa.DataType) -> str:
    return (
        f"Column {name!r} holds {kind} values, which the bulk import does not write; "
        "load it through the driver with abmgraph --backend neo4j ingest."
    )


def _for_csv(name: str, column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column as the importer parses it back to the same value."""
    if pa.types.is_timestamp(column.type):
        # Each distinct instant is formatted once: events share their seconds, and a
        # lookup is several times faster than formatting every row.
        distinct = pc.unique(column)
        return pc.take(_iso_utc(distinct), pc.index_in(column, value_set=distinct))
    if pa.types.is_floating(column.type) and pc.any(pc.is_inf(column)).as_py():
        raise StoreError(f"Column {name!r} holds infinite numbers, which the importer cannot read.")
    if _is_text_list(column.type):
        if pc.any(pc.match_substring(pc.list_flatten(column), _ARRAY_DELIMITER)).as_py():
            raise StoreError(f"Column {name!r} holds text with U+001F, which splits lists.")
        # An empty list is no property, as the Neo4j store writes it.
        joined = pc.binary_join(column, _ARRAY_DELIMITER)
        return pc.if_else(pc.equal(pc.list_value_length(column), 0), None, joined)
    return column


def _iso_utc(stamps: pa.Array) -> pa.Array:
    """ISO 8601 in UTC, which the importer reads as a DateTime.

    A cast of the wall-clock time to text and a few edits are ten times
    faster than strftime. Whole seconds leave out the ".000000": the importer
    parses them about a tenth faster.
    """
    wall = stamps.cast(pa.timestamp("us", tz="UTC")).cast(pa.timestamp("us"))
    text = pc.utf8_replace_slice(wall.cast(pa.string()), start=10, stop=11, replacement="T")
    whole = pc.ends_with(text, ".000000")
    text = pc.if_else(whole, pc.utf8_slice_codeunits(text, 0, 19), text)
    return pc.binary_join_element_wise(text, "Z", "")


def _has_line_break(column: pa.ChunkedArray | pa.Array) -> bool:
    """Whether any text in ``column`` holds a line break.

    Scans the raw character bytes at memory speed. A sliced chunk's buffer
    can hold bytes of rows outside it, which at worst turns on the slower
    multiline parsing for nothing.
    """
    for chunk in getattr(column, "chunks", [column]):
        data = chunk.buffers()[2]
        if data is not None:
            raw = np.frombuffer(data, dtype=np.uint8)
            if (raw == ord("\n")).any() or (raw == ord("\r")).any():
                return True
    return False


def _is_text_list(kind: pa.DataType) -> bool:
    return (pa.types.is_list(kind) or pa.types.is_large_list(kind)) and (
        pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)
    )


class _Writer:
    """Writes node and relationship files and collects the importer's arguments."""

    def __init__(self, folder: Path, progress: Callable[[str], None]) -> None:
        self.files = ImportFiles(folder)
        self.progress = progress
        self.multiline = False
        # Node ids run on across the node files, in the order the importer reads them.
        self.next_id = 0
        self.first_id: dict[str, int] = {}  # label → id of its file's first node

    def _write(self, name: str, table: pa.Table) -> str:
        file = f"{name}.csv"
        self.progress(file)
        names, columns = [], []
        for column_name, column in zip(table.column_names, table.columns, strict=True):
            special = column_name.startswith(":")
            names.append(column_name if special else _typed_name(column_name, column.type))
            columns.append(column if special else _for_csv(column_name, column))
            if pa.types.is_string(columns[-1].type) or pa.types.is_large_string(columns[-1].type):
                self.multiline = self.multiline or _has_line_break(columns[-1])
        pcsv.write_csv(pa.table(columns, names=names), self.files.folder / file)
        return file

    def nodes(
        self, label: str, stem: str, table: pa.Table, extra: dict[str, pa.Array] | None = None
    ) -> None:
        """Nodes of ``label``, numbered on from the nodes of earlier files (``:ID``)."""
        first = self.first_id[label] = self.next_id
        self.next_id += len(table)
        table = table.append_column(":ID", pa.array(np.arange(first, self.next_id)))
        for column, values in (extra or {}).items():
            table = table.append_column(column, values)
        file = self._write(stem, table)
        self.files.nodes[file] = len(table)
        self.files.arguments.append(f"--nodes={label}={file}")

    def names(self, label: str, stem: str, names: pd.Series) -> pd.Series:
        """One node of ``label`` per distinct name, in order of appearance; returns the names."""
        distinct = pd.Series(names.unique(), dtype="str")
        self.nodes(label, stem, pa.table({"name": pa.array(distinct, type=pa.large_string())}))
        return distinct

    def links(
        self,
        type: str,
        start: tuple[str, np.ndarray],
        end: tuple[str, np.ndarray],
        properties: pa.Table | None = None,
    ) -> None:
        """Relationships from row ``start[1][i]`` of label ``start[0]`` to row ``end[1][i]``.

        Rows where either end is NaN (not stored) are left out. Both labels'
        nodes are written first; a label with no nodes has no relationships.
        """
        starts = np.asarray(start[1], dtype=np.float64)
        ends = np.asarray(end[1], dtype=np.float64)
        keep = ~(np.isnan(starts) | np.isnan(ends))
        table = pa.table(
            {
                ":START_ID": starts[keep].astype(np.int64) + self.first_id.get(start[0], 0),
                ":END_ID": ends[keep].astype(np.int64) + self.first_id.get(end[0], 0),
            }
        )
        if properties is not None:
            for name, column in zip(properties.column_names, properties.columns, strict=True):
                table = table.append_column(name, column.filter(pa.array(keep)))
        file = self._write(type.lower(), table)
        self.files.relationships[file] = len(table)
        self.files.arguments.append(f"--relationships={type}={file}")

    def meta(self, records: list[dict[str, object]]) -> None:
        """The AbmgraphMeta records, one node each; lists become arrays."""
        names = list(dict.fromkeys(name for record in records for name in record))
        self.nodes(
            "AbmgraphMeta",
            "meta",
            pa.table({name: [record.get(name) for record in records] for name in names}),
        )

    def finish(self) -> None:
        options = ["--id-type=actual", "--array-delimiter=U+001F"]
        if self.multiline:
            # Slower to parse, so only when some text holds a line break.
            options.append("--multiline-fields=true")
        self.files.arguments[:0] = options
        text = "\n".join(self.files.arguments) + "\n"
        (self.files.folder / ARGUMENTS_FILE).write_text(text, encoding="utf-8")
