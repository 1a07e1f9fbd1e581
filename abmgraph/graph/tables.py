"""The column layout of each stored table: the contract's fields, normalised, plus derived columns."""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from abmgraph.graph.schema import Kind, Parser, field_specs

__all__ = ["DERIVED_COLUMNS", "PARSER_DTYPES", "column_dtypes", "empty_table", "only_columns"]

PARSER_DTYPES: dict[Parser, str] = {
    "int": "Int64",
    "number": "float64",
    "score": "float64",
    "bool": "boolean",
    "datetime": "datetime64[us, UTC]",
}

# Columns ingest adds to what the input carries.
DERIVED_COLUMNS: dict[Kind, dict[str, str]] = {
    "contacts": {
        "email_domain": "str",
        "is_free_mail": "boolean",
        "is_disposable": "boolean",  # a disposable-address service (mailinator.com, …)
        "seniority_source": "str",  # explicit | inferred
        "department_source": "str",
        "account_match": "str",  # explicit | email_domain
    },
    "engagements": {"event_key": "uint64"},
}

# Engagements are stored without the `email` alias column: it was resolved to contact_id.
_DROPPED: dict[Kind, set[str]] = {"engagements": {"email"}, "intent": {"domain"}}


def column_dtypes(kind: Kind) -> dict[str, str]:
    """Stored column name → pandas dtype, contract columns first."""
    columns = {
        spec.name: PARSER_DTYPES.get(spec.parser, "str")
        for spec in field_specs(kind)
        if spec.name not in _DROPPED.get(kind, set())
    }
    columns.update(DERIVED_COLUMNS.get(kind, {}))
    return columns


def only_columns(frame: pd.DataFrame, columns: Collection[str] | None) -> pd.DataFrame:
    """The frame's columns among ``columns``, in the frame's order; all of them when None."""
    if columns is None:
        return frame
    wanted = set(columns)
    return frame[[c for c in frame.columns if c in wanted]]


def empty_table(kind: Kind) -> pd.DataFrame:
    """A table of ``kind`` with no rows and every stored column typed."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in column_dtypes(kind).items()})
