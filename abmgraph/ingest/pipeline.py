"""Ingest one file: read it in chunks, validate, write rejects, load the good rows at once.

Nothing reaches the store until the whole file has been read and validated;
then the good rows go to ``store.upsert`` in a single call. A file that
cannot be read, or (with ``strict``) any rejected row, leaves the store
exactly as it was. An interrupted write is all or nothing on the embedded
store; on Neo4j it leaves whole batches, and ingesting the file again
completes it with nothing doubled (see ``GraphStore.upsert``). Re-ingesting
a file replaces rows with identical ones and adds no events, so the store and
every score stay the same.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from abmgraph.errors import InputError, RejectedRowsError
from abmgraph.graph.schema import KINDS, Kind
from abmgraph.graph.store import GraphStore
from abmgraph.graph.tables import empty_table
from abmgraph.ingest.readers import Chunk, open_input
from abmgraph.ingest.rejects import LEADING, default_rejects_path, raw_text, write_rejects
from abmgraph.ingest.validate import Validator

__all__ = ["CLI_KINDS", "IngestReport", "ingest_file", "store_kind"]

# CLI spelling → store kind.
CLI_KINDS: dict[str, Kind] = {kind.replace("_", "-"): kind for kind in KINDS}


def store_kind(kind: str) -> Kind:
    """The store kind for a CLI or store spelling (``opportunity-contacts`` or ``opportunity_contacts``)."""
    key = kind.strip().lower().replace("_", "-")
    if key not in CLI_KINDS:
        raise InputError(f"unknown kind {kind!r}; use one of: {', '.join(CLI_KINDS)}.")
    return CLI_KINDS[key]


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did. ``read`` = ``loaded`` + ``rejected`` always holds."""

    kind: str
    read: int
    loaded: int
    rejected: int
    rejects_file: str | None
    new: int = 0
    unmatched: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "read": self.read,
            "loaded": self.loaded,
            "rejected": self.rejected,
            "rejects_file": self.rejects_file,
        }

    def summary_line(self) -> str:
        """One line for humans, e.g. ``contacts: read 120, loaded 118 (118 new), rejected 2 …``."""
        details = [f"{self.new} new"]
        if self.unmatched:
            details.append(f"{self.unmatched} unmatched leads without an account")
        text = f"{self.kind}: read {self.read}, loaded {self.loaded} ({', '.join(details)})"
        text += f", rejected {self.rejected}"
        if self.rejects_file:
            text += f" (see {self.rejects_file})"
        return text + "."


def ingest_file(
    store: GraphStore,
    kind: str,
    path: str | Path,
    *,
    preset: str = "native",
    rejects_path: str | Path | None = None,
    strict: bool = False,
    quiet: bool = False,
    engagement_types: set[str] | list[str] | tuple[str, ...] | None = None,
    block_bytes: int | None = None,
    parquet_rows: int | None = None,
) -> IngestReport:
    """Load a CSV, Parquet or JSON Lines file of ``kind`` into ``store``.

    Rejected rows go to ``rejects_path`` (default: ``<name>.rejects.csv`` next
    to the input), written only when there are rejects. With ``strict``, any
    rejected row raises ``RejectedRowsError`` and nothing is loaded.
    ``engagement_types`` adds types (from the scoring config) to the contract's.
    ``block_bytes`` / ``parquet_rows`` set the chunk size (for tests).
    """
    target = store_kind(kind)
    cli_kind = target.replace("_", "-")
    path = Path(path)
    options: dict[str, int] = {}
    if block_bytes:
        options["block_bytes"] = block_bytes
    if parquet_rows:
        options["parquet_rows"] = parquet_rows
    reader = open_input(path, **options)
    validator = Validator(
        store, target, preset=preset, engagement_types=engagement_types, source=path
    )
    checked = False
    if reader.columns:
        validator.check_columns(reader.columns)
        checked = True

    read = 0
    goods: list[pd.DataFrame] = []
    rejects: list[pd.DataFrame] = []
    raw_columns: list[str] = list(reader.columns or [])
    for chunk in _prefetched(reader.chunks(quiet=quiet)):
        read += len(chunk.frame) + len(chunk.bad)
        if len(chunk.bad):
            rejects.append(chunk.bad)
        if not len(chunk.frame):
            continue
        columns = list(chunk.frame.columns)
        raw_columns += [c for c in columns if c not in raw_columns]
        if not checked:
            validator.check_columns(columns)
            checked = True
        result = validator.validate(chunk.frame, chunk.source_line)
        goods.append(result.good)
        if len(result.rejects):
            positions = result.rejects["position"].to_numpy()
            raw = raw_text(chunk.frame.iloc[positions]).reset_index(drop=True)
            rejects.append(pd.concat([result.rejects[list(LEADING)], raw], axis=1))

    good = _concat_good(goods, target)
    duplicate, duplicate_rejects = validator.duplicates(good)
    if duplicate.any():
        lines = duplicate_rejects["source_line"].to_numpy()
        rows = reader.rows_at(lines)
        raw = raw_text(rows.drop(columns="source_line"))
        raw.insert(0, "source_line", rows["source_line"].to_numpy())
        rejects.append(duplicate_rejects.merge(raw, on="source_line", how="left"))
        good = good[~duplicate].reset_index(drop=True)

    rejected = sum(len(r) for r in rejects)
    loaded = len(good)
    assert read == loaded + rejected, (read, loaded, rejected)

    rejects_file = None
    if rejected:
        destination = Path(rejects_path) if rejects_path else default_rejects_path(path)
        rejects_file = str(write_rejects(destination, rejects, raw_columns))
        if strict:
            raise RejectedRowsError(
                f"{rejected} of {read} rows of {path} were rejected (see {rejects_file}); "
                "nothing was loaded because of --strict. Fix those rows, or ingest without "
                "--strict to load the good ones."
            )

    unmatched = int(good["account_id"].isna().sum()) if target == "contacts" and loaded else 0
    new = store.upsert(target, good.drop(columns="source_line")) if loaded else 0
    return IngestReport(cli_kind, read, loaded, rejected, rejects_file, int(new), unmatched)


def _prefetched(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
    """Read the next chunk in a background thread while the current one is validated.

    Decoding (Arrow, numpy) releases the GIL, so reading and validating overlap.
    Errors raised while reading are re-raised here; stopping early stops the reader.
    """
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for chunk in chunks:
                if not put(("chunk", chunk)):
                    break
            else:
                put(("done", None))
        except BaseException as exc:  # handed to the consuming thread
            put(("error", exc))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=work, name="abmgraph-reader", daemon=True)
    worker.start()
    try:
        while True:
            what, item = handoff.get()
            if what == "chunk":
                yield item
            elif what == "error":
                raise item
            else:
                return
    finally:
        stop.set()
        worker.join()


def _concat_good(goods: list[pd.DataFrame], kind: Kind) -> pd.DataFrame:
    """The good rows of all chunks as one frame in the stored layout, plus ``source_line``.

    Concatenated column by column: text columns are Arrow-backed, so their chunks
    are linked without copying. Stored columns the input lacks are added here,
    once; extra attributes seen in only some chunks (JSON Lines) are missing
    elsewhere.
    """
    goods = [g for g in goods if len(g)]
    stored = empty_table(kind)
    total = sum(len(g) for g in goods)
    names = list(stored.columns)
    names += [n for n in dict.fromkeys(c for g in goods for c in g.columns) if n not in names]
    if "source_line" in names:
        names.remove("source_line")
    names.append("source_line")
    columns = {}
    missing: dict[str, pd.Series] = {}  # one all-missing column per dtype, shared
    for name in names:
        parts = [g[name] for g in goods if name in g.columns]
        if name == "source_line":
            dtype = "int64"
        elif name in stored.columns:
            dtype = str(stored[name].dtype)
        else:
            dtype = "str"
        if not parts:
            if dtype not in missing:
                missing[dtype] = _missing_column(total, dtype)
            columns[name] = missing[dtype]
            continue
        if len(parts) < len(goods):
            parts = [
                g[name] if name in g.columns else _missing_column(len(g), dtype) for g in goods
            ]
        column = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        columns[name] = column.reset_index(drop=True)
    good = pd.DataFrame(columns, index=pd.RangeIndex(total), copy=False)
    lines = good["source_line"].to_numpy()
    if len(lines) > 1 and np.any(np.diff(lines) < 0):
        good = good.sort_values("source_line", kind="stable").reset_index(drop=True)
    return good


def _missing_column(n: int, dtype: str) -> pd.Series:
    if dtype == "str":
        return pd.Series(pa.nulls(n, pa.string()).to_pandas(), index=pd.RangeIndex(n))
    return pd.Series(index=pd.RangeIndex(n), dtype=dtype)
