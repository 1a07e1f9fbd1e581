"""The files Neo4j's offline importer reads: typed CSV headers, cells, and their writer.

A node file names its id column ``:ID`` and each property ``name:type``; a
relationship file names ``:START_ID`` and ``:END_ID``. Values are written as
the importer parses them: datetimes as ISO-8601 UTC, arrays split by a unit
separator, text with line breaks quoted. :class:`ImportWriter` numbers the
nodes (one sequence across every node file, ``--id-type=actual``) and writes
each file to a temporary name first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from abmgraph.errors import StoreError

__all__ = [
    "ARGUMENTS_FILE",
    "ImportFiles",
    "ImportWriter",
    "arrow_table",
    "is_text_list",
    "rows_of",
    "unwritable",
]

# The importer reads its arguments from this file: `neo4j-admin database import full @<file>`.
ARGUMENTS_FILE = "neo4j-admin.args"
# Splits array values (only bookkeeping lists and list-valued scores use arrays). A unit
# separator, so no column name in practice contains it; one that does is refused.
_ARRAY_DELIMITER = "\x1f"


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


def rows_of(values: pd.Series | pa.ChunkedArray, keys: pd.Series) -> np.ndarray:
    """Row number in ``keys`` of each value, NaN where it is missing or not there."""
    found = pc.index_in(_text(values), value_set=_text(keys))
    return found.to_numpy(zero_copy_only=False).astype(np.float64)


def _text(values: pd.Series | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, pd.Series):
        return pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True)
    return values.cast(pa.large_string())


# -- files -----------------------------------------------------------------------------
def arrow_table(rows: pd.DataFrame | pa.Table, temporal: list[str]) -> pa.Table:
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
    if is_text_list(kind):
        return f"{name}:string[]"
    raise StoreError(unwritable(name, kind))


def unwritable(name: str, kind: pa.DataType) -> str:
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
    if is_text_list(column.type):
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


def is_text_list(kind: pa.DataType) -> bool:
    return (pa.types.is_list(kind) or pa.types.is_large_list(kind)) and (
        pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)
    )


class ImportWriter:
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
