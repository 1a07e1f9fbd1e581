"""How the Neo4j store models the graph: labels, bookkeeping properties and records.

Plain names and pure functions, no driver: the store builds its queries from
them, and the bulk import writes files the store reads back as its own.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from typing import Any

import numpy as np
import pandas as pd

from abmgraph.errors import StoreError
from abmgraph.graph.schema import Kind
from abmgraph.graph.tables import column_dtypes

__all__ = [
    "CLEAR_ORDER",
    "COMPOSITE_KEY",
    "LABELS",
    "SCHEMA_PENDING",
    "SCORED",
    "SCORES",
    "SCORES_WRITING",
    "SCORE_RANK",
    "SCORE_RUN",
    "SEQ",
    "check_columns",
    "level_record",
    "score_record",
    "scores_as_properties",
    "temporal_columns",
]

LABELS: dict[Kind, str] = {
    "accounts": "Account",
    "contacts": "Contact",
    "engagements": "Engagement",
    "intent": "IntentObservation",
    "opportunities": "Opportunity",
    "opportunity_contacts": "OpportunityContact",
    "feedback": "Feedback",
    "sales_activities": "SalesActivity",
}
# Every label the store writes, in the order clear() deletes them: the bulk (events) first.
CLEAR_ORDER = (
    "Engagement",
    "Feedback",
    "SalesActivity",
    "IntentObservation",
    "OpportunityContact",
    "Contact",
    "Opportunity",
    "Account",
    "Role",
    "Topic",
    "ChangeLog",
    "AbmgraphMeta",
)
# The tables whose nodes carry the scores of each score level.
SCORED: dict[str, Kind] = {"contacts": "contacts", "accounts": "accounts"}
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


def temporal_columns(kind: Kind) -> list[str]:
    """Columns stored as Neo4j DateTime values (the contract's datetime fields)."""
    return [c for c, d in column_dtypes(kind).items() if d.startswith("datetime64")]


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
