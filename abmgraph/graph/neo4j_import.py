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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.errors import StoreError
from abmgraph.graph.embedded import EmbeddedStore
from abmgraph.graph.neo4j_columns import composite_keys
from abmgraph.graph.neo4j_import_csv import (
    ARGUMENTS_FILE,
    ImportFiles,
    ImportWriter,
    arrow_table,
    is_text_list,
    rows_of,
    unwritable,
)
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

# Rows are written in ingest order and numbered by one sequence, as the store does.
_TABLE_ORDER: tuple[Kind, ...] = (
    "accounts",
    "contacts",
    "intent",
    "opportunities",
    "opportunity_contacts",
    "feedback",
    "sales_activities",
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
    *(t.lower() for t in ("HAS_FEEDBACK", "TOUCHED")),
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
    writer = ImportWriter(folder, progress)

    tables = {kind: store.table(kind) for kind in _TABLE_ORDER}
    # Relationships point at nodes by their row in these tables.
    ids = {kind: tables[kind][KEYS[kind][0]] for kind in ("accounts", "contacts", "opportunities")}
    meta: list[dict[str, object]] = []
    scores: dict[Kind, pd.DataFrame] = {}
    scored = store.score_meta()
    if scored is not None:
        # The graph's change log numbers on from the workspace's. Changes the scores do
        # not cover yet stay behind, so then the graph's first score is a full one.
        changes = store.changes(int(scored.get("changes_seq") or 0))
        meta.append({"key": "changes", "last": changes.seq})
        if not changes.empty:
            scored = {k: v for k, v in scored.items() if k != "changes_seq"}
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
        table = arrow_table(rows, temporal_columns(kind))
        for name, column in zip(table.column_names, table.columns, strict=True):
            if is_text_list(column.type):  # only scores hold lists: a table's are refused
                raise StoreError(unwritable(name, column.type))
        extra = None
        if kind in scores:
            extra = dict(
                zip(scores[kind].columns, arrow_table(scores[kind], []).columns, strict=True)
            )
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
        # Accounts carry their rank; contacts read back in the contacts table's order.
        properties[SCORE_RANK] = pd.array(np.arange(len(properties)), dtype="Int64")
        aligned = properties.set_index(key).reindex(rows[key].to_numpy())
        aligned[SCORE_RUN] = pd.array(
            np.where(aligned[SCORE_RANK].notna().to_numpy(), run, None), dtype="str"
        )
        if kind == "contacts":
            aligned = aligned.drop(columns=SCORE_RANK)
        carried[kind] = aligned.reset_index(drop=True)
        record.update(level_record(kind, frame, names))
    return carried, record


# -- the graph -----------------------------------------------------------------------
def _structure(
    writer: ImportWriter, tables: dict[Kind, pd.DataFrame], ids: dict[Kind, pd.Series]
) -> None:
    """The relationships the store keeps in step with the tables' columns."""
    accounts, contacts = tables["accounts"], tables["contacts"]
    account_ids, contact_ids = ids["accounts"], ids["contacts"]
    every_account = ("Account", np.arange(len(accounts)))
    every_contact = ("Contact", np.arange(len(contacts)))
    parent = rows_of(accounts["parent_account_id"], account_ids)
    writer.links("SUBSIDIARY_OF", every_account, ("Account", parent))
    writer.links(
        "WORKS_AT", every_contact, ("Account", rows_of(contacts["account_id"], account_ids))
    )
    writer.links(
        "REPORTS_TO", every_contact, ("Contact", rows_of(contacts["manager_id"], contact_ids))
    )

    # Job history: each distinct stored account in the `;`-separated list.
    history = pc.split_pattern(
        pa.array(contacts["previous_account_ids"], type=pa.large_string()), ";"
    )
    pairs = pd.DataFrame(
        {
            "contact": pc.list_parent_indices(history).to_numpy(),
            "account": rows_of(pc.list_flatten(history), account_ids),
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
        ("Role", rows_of(held["role"], roles)),
        pa.table({"source": pa.array(["explicit"] * len(held))}),
    )

    opportunities = tables["opportunities"]
    writer.links(
        "HAS_OPPORTUNITY",
        ("Account", rows_of(opportunities["account_id"], account_ids)),
        ("Opportunity", np.arange(len(opportunities))),
    )
    _intent(writer, tables["intent"], account_ids)
    _contact_roles(writer, tables["opportunity_contacts"], contact_ids, ids["opportunities"])
    # Verdicts and rep touches hang off their contact and their account, as the store links them.
    _subject_links(writer, tables["feedback"], "HAS_FEEDBACK", "Feedback", ids)
    _subject_links(writer, tables["sales_activities"], "TOUCHED", "SalesActivity", ids)


def _subject_links(
    writer: ImportWriter,
    rows: pd.DataFrame,
    relationship: str,
    label: str,
    ids: dict[Kind, pd.Series],
) -> None:
    """``relationship`` from the contact and from the account of each row to its node.

    One file holds both: the start ids are made absolute here (contacts' and
    accounts' numbering), so the writer adds no offset of its own ("" has none).
    """
    node = np.arange(len(rows))
    starts = [
        rows_of(rows[column], ids[kind]) + writer.first_id.get(end, 0)
        for column, kind, end in (
            ("contact_id", "contacts", "Contact"),
            ("account_id", "accounts", "Account"),
        )
    ]
    writer.links(relationship, ("", np.concatenate(starts)), (label, np.concatenate([node, node])))


def _intent(writer: ImportWriter, intent: pd.DataFrame, account_ids: pd.Series) -> None:
    """SHOWS_INTENT per stored (account, topic, observed_at); the last row's score wins."""
    rows = intent.assign(_account=rows_of(intent["account_id"], account_ids))
    rows = rows.dropna(subset=["_account", "topic", "observed_at"])
    rows = rows.drop_duplicates(["_account", "topic", "observed_at"], keep="last")
    topics = writer.names("Topic", "topics", rows["topic"])
    writer.links(
        "SHOWS_INTENT",
        ("Account", rows["_account"].to_numpy()),
        ("Topic", rows_of(rows["topic"], topics)),
        arrow_table(rows[["observed_at", "score"]], ["observed_at"]),
    )


def _contact_roles(
    writer: ImportWriter, links: pd.DataFrame, contact_ids: pd.Series, opportunity_ids: pd.Series
) -> None:
    """CONTACT_ROLE per stored (contact, opportunity) with both ends stored; the last row wins."""
    rows = links.assign(
        _contact=rows_of(links["contact_id"], contact_ids),
        _opportunity=rows_of(links["opportunity_id"], opportunity_ids),
    )
    rows = rows.dropna(subset=["_contact", "_opportunity"])
    rows = rows.drop_duplicates(["_contact", "_opportunity"], keep="last")
    writer.links(
        "CONTACT_ROLE",
        ("Contact", rows["_contact"].to_numpy()),
        ("Opportunity", rows["_opportunity"].to_numpy()),
        arrow_table(rows[["role", "is_primary"]], []),
    )


def _events(writer: ImportWriter, store: EmbeddedStore, contact_ids: pd.Series) -> None:
    """Engagement nodes, PERFORMED from their contact, :AwaitingContact when it is not stored."""
    events = store.events()
    if not len(events):
        return
    check_columns("engagements", events.column_names)
    occurred_us = events.column("occurred_at").cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    contact = rows_of(events.column("contact_id"), contact_ids)
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
        arrow_table(events, temporal_columns("engagements")),
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
