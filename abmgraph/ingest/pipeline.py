"""Ingest one file: read it in chunks, validate, write rejects, load the good rows at once.

Nothing reaches the store until the whole file has been read and validated;
then the good rows go to ``store.upsert`` in a single call. A file that
cannot be read, or (with ``strict``) any rejected row, leaves the store
exactly as it was. An interrupted write is all or nothing on the embedded
store; on Neo4j it leaves whole batches, and ingesting the file again
completes it with nothing doubled (see ``GraphStore.upsert``). Re-ingesting
a file replaces rows with identical ones and adds no events, so the store and
every score stay the same.
A dry run does everything but that last call: the same counts (new rows
included), the same rejects file, and the store untouched.
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

from abmgraph.errors import InputError, InternalError, RejectedRowsError
from abmgraph.graph.merge import named_only
from abmgraph.graph.schema import KINDS, Kind
from abmgraph.graph.store import KEYS, GraphStore
from abmgraph.graph.tables import empty_table
from abmgraph.ingest.chunks import Chunk
from abmgraph.ingest.readers import open_input
from abmgraph.ingest.rejects import (
    LEADING,
    WARNING,
    default_rejects_path,
    raw_text,
    write_rejects,
)
from abmgraph.ingest.validate import Validator
from abmgraph.safe_io import check_output

__all__ = ["CLI_KINDS", "CRM_PRESETS", "IngestReport", "count_new", "ingest_file", "store_kind"]

# Presets whose files come from a CRM: accounts and contacts loaded through one keep
# its name in ``crm_source`` (a file loaded natively leaves a stored origin alone).
CRM_PRESETS = ("salesforce", "hubspot")

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
    """What an ingest did. ``read`` = ``loaded`` + ``rejected`` always holds.

    ``warnings`` counts the warning lines of the rejects file: problems noted
    on rows that were loaded (one line per row), not counted in ``read``.
    ``encoding`` is the codec a CSV or JSON Lines file was read in (None for
    Parquet), ``nul_bytes_removed`` how many NUL bytes were dropped from it.
    In a ``dry_run`` nothing was stored: ``loaded`` and ``new`` are what a
    real ingest would have loaded and added.
    """

    kind: str
    read: int
    loaded: int
    rejected: int
    rejects_file: str | None
    new: int = 0
    unmatched: int = 0
    warnings: int = 0
    date_order: str | None = None
    encoding: str | None = None
    nul_bytes_removed: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "read": self.read,
            "loaded": self.loaded,
            "rejected": self.rejected,
            "rejects_file": self.rejects_file,
            "new": self.new,
            "warnings": self.warnings,
            "date_order": self.date_order,
            "encoding": self.encoding,
            "nul_bytes_removed": self.nul_bytes_removed,
            "dry_run": self.dry_run,
        }

    def summary_line(self) -> str:
        """One line for humans, e.g. ``contacts: read 120, loaded 118 (118 new), rejected 2 …``."""
        details = [f"{self.new} new"]
        if self.unmatched:
            details.append(f"{self.unmatched} unmatched leads without an account")
        kind = f"{self.kind} (dry run, nothing stored)" if self.dry_run else self.kind
        verb = "would load" if self.dry_run else "loaded"
        text = f"{kind}: read {self.read}, {verb} {self.loaded} ({', '.join(details)})"
        text += f", rejected {self.rejected}"
        if self.warnings:
            text += f", {self.warnings} warning{'s' if self.warnings != 1 else ''}"
        if self.rejects_file:
            text += f" (see {self.rejects_file})"
        if self.date_order:
            text += f"; dates read {self.date_order}"
        if self.encoding:
            text += f"; encoding {self.encoding}"
        if self.nul_bytes_removed:
            text += f", {self.nul_bytes_removed} NUL bytes removed"
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
    dayfirst: bool = False,
    encoding: str | None = None,
    dry_run: bool = False,
) -> IngestReport:
    """Load a CSV, Parquet or JSON Lines file of ``kind`` into ``store``.

    Rejected rows go to ``rejects_path`` (default: a new
    ``<name>.rejects-<time>-<random>.csv`` next to the input), with the
    warnings, written only when there are rejects or warnings, never over the
    input or anything but a regular file. With ``strict``, any rejected row or
    warning raises ``RejectedRowsError`` and nothing is loaded.
    ``engagement_types`` adds types (from the scoring config) to the contract's.
    ``encoding`` forces a text file's encoding (see ``ingest.encoding``).
    With ``dry_run`` the file is read, validated and reported (rejects file
    included) exactly as it would be, but nothing is written to the store.
    ``block_bytes`` / ``parquet_rows`` set the chunk size (for tests).
    ``dayfirst`` reads local dates such as ``05/06/2026`` day-first when no
    value of the file settles the order (``23/02/2026`` does).
    """
    target = store_kind(kind)
    cli_kind = target.replace("_", "-")
    path = Path(path)
    options: dict[str, int] = {}
    if block_bytes:
        options["block_bytes"] = block_bytes
    if parquet_rows:
        options["parquet_rows"] = parquet_rows
    reader = open_input(path, encoding=encoding, **options)
    validator = Validator(
        store,
        target,
        preset=preset,
        engagement_types=engagement_types,
        source=path,
        dayfirst=dayfirst,
    )
    checked = False
    if reader.columns:
        validator.check_columns(reader.columns)
        checked = True

    read = 0
    goods: list[pd.DataFrame] = []
    rejects: list[pd.DataFrame] = []
    warnings: list[pd.DataFrame] = []
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
        if len(result.warnings):
            positions = result.warnings["position"].to_numpy()
            raw = raw_text(chunk.frame.iloc[positions]).reset_index(drop=True)
            notes = result.warnings[list(LEADING)].reset_index(drop=True)
            warnings.append(pd.concat([notes.assign(severity=WARNING), raw], axis=1))

    good = _concat_good(goods, target)
    if target != "engagements":
        # Only what the file names reaches the store: absent columns keep their stored values.
        plan = validator.plan(raw_columns)
        named = {spec.name for spec in validator.specs if plan.has(spec.name)}
        good = named_only(target, good, named)
        if preset in CRM_PRESETS and target in ("accounts", "contacts"):
            # The record's id is the CRM's own: score write-back files are keyed by it.
            good["crm_source"] = preset
    duplicate, duplicate_rejects = validator.duplicates(good)
    if duplicate.any():
        lines = duplicate_rejects["source_line"].to_numpy()
        rows = reader.rows_at(lines)
        raw = raw_text(rows.drop(columns="source_line"))
        raw.insert(0, "source_line", rows["source_line"].to_numpy())
        rejects.append(duplicate_rejects.merge(raw, on="source_line", how="left"))
        good = good[~duplicate].reset_index(drop=True)
        warnings = [w[~w["source_line"].isin(lines)] for w in warnings]

    rejected = sum(len(r) for r in rejects)
    warned = sum(len(w) for w in warnings)
    loaded = len(good)
    nul_bytes = reader.nul_bytes
    if read != loaded + rejected:  # every row read is loaded or rejected: never lost
        raise InternalError(
            f"{path}: {read} rows read but {loaded} loaded and {rejected} rejected; "
            "nothing was written. This is a bug in abmgraph: please report it."
        )

    rejects_file = None
    if rejected or warned:
        destination = Path(rejects_path) if rejects_path else default_rejects_path(path)
        destination = check_output(destination, option="--rejects", inputs=[path])
        rejects_file = str(write_rejects(destination, rejects + warnings, raw_columns))
        if strict:
            problems = f"{rejected} of {read} rows of {path} were rejected"
            if warned:
                problems += f" and {warned} value{'s' if warned != 1 else ''} drew a warning"
            raise RejectedRowsError(
                f"{problems} (see {rejects_file}); nothing was loaded because of --strict. "
                "Fix those rows, or ingest without --strict to load the good ones."
            )

    matched = target == "contacts" and loaded and "account_id" in good.columns
    unmatched = int(good["account_id"].isna().sum()) if matched else 0
    rows = good.drop(columns="source_line")
    if not loaded:
        new = 0
    elif dry_run:
        new = count_new(store, target, rows)
    else:
        new = store.upsert(target, rows)
    return IngestReport(
        cli_kind,
        read,
        loaded,
        rejected,
        rejects_file,
        int(new),
        unmatched,
        warnings=warned,
        date_order=validator.date_order.describe(),
        encoding=reader.encoding,
        nul_bytes_removed=nul_bytes,
        dry_run=dry_run,
    )


def count_new(store: GraphStore, kind: Kind, rows: pd.DataFrame) -> int:
    """How many keys of ``rows`` the store does not hold: what ``upsert`` would report as new."""
    keys = list(KEYS[kind])
    if kind == "engagements":
        unique = rows["event_key"].drop_duplicates().reset_index(drop=True)
        return int((~store.existing_event_keys(unique).to_numpy(dtype=bool)).sum())
    if len(keys) == 1:
        unique = rows[keys[0]].drop_duplicates().reset_index(drop=True)
        held = store.table(kind, unique, columns=keys)[keys[0]]
        return len(unique) - int(unique.isin(held).sum())
    stored = store.table(kind, columns=keys)
    incoming = pd.MultiIndex.from_frame(rows[keys].astype("str")).unique()
    if stored.empty:
        return len(incoming)
    return len(incoming.difference(pd.MultiIndex.from_frame(stored[keys].astype("str"))))


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
