"""How a write merges into stored rows: what a file names replaces, what it omits stays.

A row handed to ``GraphStore.upsert`` carries only the columns its file named
(plus the columns derived from those). For a key already stored:

- a column the rows do not carry keeps its stored value, whatever the kind:
  a title refresh leaves emails, accounts and opt-outs alone;
- a column they carry replaces the stored value, and an empty cell clears it
  (the file says the field is empty now: a manager left, a parent was
  removed) — except for the compliance columns below;
- a compliance column (``opted_out``, ``email_status``, ``consent``) changes
  only with an explicit value: an empty cell keeps what is stored, so an
  opt-out, a bounce or a consent decision is lifted only by a file that says
  so (``opted_out=false``, ``email_status=valid``, ``consent=true``).
  One value of these is not a decision but a verdict on the address:
  ``email_status=invalid`` (set by ingest when the email is not an address)
  follows the email, so a file that names ``email`` re-judges it and a
  corrected address is no longer marked invalid.

Engagements are insert-if-absent and never merged. Both stores follow these
rules; the Neo4j store's contact upsert applies the compliance rule in Cypher
(``upsert_contacts.cypher``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from abmgraph.graph.schema import Kind
from abmgraph.graph.store import KEYS
from abmgraph.graph.tables import empty_table

__all__ = ["DERIVED_FROM", "STICKY", "merge_rows", "named_only"]

# Columns an empty cell never clears.
STICKY: Mapping[Kind, tuple[str, ...]] = {"contacts": ("opted_out", "email_status", "consent")}

# Derived columns and the contract fields they come from: a file naming none of
# the sources says nothing about them, so they are not written.
DERIVED_FROM: Mapping[Kind, Mapping[str, tuple[str, ...]]] = {
    "contacts": {
        "email_domain": ("email",),
        "is_free_mail": ("email",),
        "is_disposable": ("email",),
        "email_status": ("email_status", "email"),
        "account_id": ("account_id", "email"),
        "account_match": ("account_id", "email"),
        "seniority": ("seniority", "title"),
        "seniority_source": ("seniority", "title"),
        "department": ("department", "title"),
        "department_source": ("department", "title"),
    },
    # An activity's account is the contact's when the file names none.
    "sales_activities": {"account_id": ("account_id", "contact_id")},
}


def named_only(kind: Kind, rows: pd.DataFrame, named: Collection[str]) -> pd.DataFrame:
    """``rows`` without the stored columns a file did not name (nor any of their sources).

    ``named`` holds the contract fields the file's header maps to. Key columns
    and attributes outside the contract always stay.

    >>> rows = pd.DataFrame({"contact_id": ["c1"], "title": ["CTO"], "opted_out": [pd.NA],
    ...                      "email_domain": [pd.NA], "seniority": ["c_level"]})
    >>> list(named_only("contacts", rows, {"contact_id", "title"}).columns)
    ['contact_id', 'title', 'seniority']
    """
    if kind == "engagements":
        return rows
    named = set(named)
    stored = set(empty_table(kind).columns)
    derived = DERIVED_FROM.get(kind, {})
    keys = _keys(kind)

    def kept(column: str) -> bool:
        if column in keys or column not in stored:
            return True
        if column in derived:
            return any(source in named for source in derived[column])
        return column in named

    return rows[[c for c in rows.columns if kept(c)]]


def merge_rows(kind: Kind, stored: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The stored table after writing ``rows`` (see the module docstring for the rules).

    Rows not written keep their place; written rows (new or replaced) follow
    in their given order, the last of a repeated key winning. New keys get
    missing values in the columns ``rows`` lacks.
    """
    keys = list(_keys(kind))
    if stored.empty and not len(stored.columns):
        stored = empty_table(kind)
    # One hash of every key, stored and written, answers each question below.
    stored_codes, row_codes, count = _codes(stored, rows, keys)
    positions = np.arange(len(rows))
    last = np.full(count, -1, dtype=np.int64)
    np.maximum.at(last, row_codes, positions)
    keep = last[row_codes] == positions
    if not keep.all():
        rows, row_codes = rows[keep], row_codes[keep]
    rows = rows.reset_index(drop=True)
    at = np.full(count, -1, dtype=np.intp)
    at[stored_codes] = np.arange(len(stored))
    previous = _take(stored, at[row_codes])
    written = previous.copy()
    sticky = set(STICKY.get(kind, ()))
    for column in rows.columns:
        value = rows[column]
        if column in sticky and column in previous.columns:
            value = value.astype(previous[column].dtype)
            held = previous[column]
            if column == "email_status":  # a verdict on the old address, not a decision
                held = held.where(held != "invalid")
            value = value.where(value.notna(), held)
        written[column] = value
    written = written[[*stored.columns, *(c for c in written.columns if c not in stored.columns)]]
    replaced = np.zeros(count, dtype=bool)
    replaced[row_codes] = True
    kept = stored[~replaced[stored_codes]]
    if not len(kept):
        return written.reset_index(drop=True)
    return pd.concat([kept, written], ignore_index=True)


def _codes(
    stored: pd.DataFrame, rows: pd.DataFrame, keys: list[str]
) -> tuple[np.ndarray, np.ndarray, int]:
    """Integer codes of the stored and the written keys (equal keys, equal codes) and their count."""
    both = pd.concat([stored[keys].astype("str"), rows[keys].astype("str")], ignore_index=True)
    if len(keys) == 1:
        codes, uniques = pd.factorize(both[keys[0]], use_na_sentinel=False)
    else:
        codes, uniques = pd.factorize(pd.MultiIndex.from_frame(both), use_na_sentinel=False)
    return codes[: len(stored)], codes[len(stored) :], len(uniques)


def _take(stored: pd.DataFrame, positions: np.ndarray) -> pd.DataFrame:
    """Stored rows at ``positions`` (``-1``: a row of missing values), every column typed."""
    columns = {
        name: pd.api.extensions.take(stored[name].array, positions, allow_fill=True)
        for name in stored.columns
    }
    return pd.DataFrame(columns, index=pd.RangeIndex(len(positions)))


def _keys(kind: Kind) -> tuple[str, ...]:
    return KEYS[kind]
