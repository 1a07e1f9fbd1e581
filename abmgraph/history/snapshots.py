"""What a run keeps: the compact account and contact tables of the stored scores after it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.graph.role_lists import SEPARATOR

if TYPE_CHECKING:
    from abmgraph.graph.store import GraphStore
    from abmgraph.scoring.engine import ScoreResult

__all__ = ["ACCOUNT_SNAPSHOT", "CONTACT_SNAPSHOT", "among", "contributions", "snapshot"]

# A snapshot's fixed columns; accounts also keep every contribution column (a dotted name).
ACCOUNT_SNAPSHOT = [
    "account_id",
    "name",
    "priority",
    "tier",
    "stage",
    "engaged_contacts",
    "departments_engaged",
    "departments",
    "roles_covered",
    "missing_roles",
    "recent_points",
    "prior_points",
]
CONTACT_SNAPSHOT = ["contact_id", "account_id", "score", "stage", "engaged"]


def snapshot(
    store: GraphStore, result: ScoreResult, prior_accounts: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The compact account and contact tables of the store's scores after ``result``."""
    scores = store.scores("accounts")
    people = store.scores("contacts")
    contacts = (
        people.reindex(columns=CONTACT_SNAPSHOT)
        .astype({"score": "float64"})
        .assign(engaged=lambda f: f["engaged"].fillna(False).astype(bool))
        .sort_values("contact_id", kind="stable")
        .reset_index(drop=True)
    )
    departments = _departments(store, contacts)
    accounts = scores.assign(
        departments=scores["account_id"].map(departments).astype(object).fillna(""),
        roles_covered=_joined(scores["roles_covered"]),
        missing_roles=_joined(scores["missing_roles"]),
    ).reindex(columns=ACCOUNT_SNAPSHOT)
    accounts = accounts.merge(
        contributions(scores, result.accounts, prior_accounts), on="account_id", how="left"
    )
    accounts = accounts.astype({"priority": "float64", "tier": "int64"})
    return accounts.sort_values("account_id", kind="stable").reset_index(drop=True), contacts


def contributions(
    scores: pd.DataFrame, fresh: pd.DataFrame, prior: pd.DataFrame | None
) -> pd.DataFrame:
    """Each account's contribution columns (a dotted name: ``fit.industry`` …).

    From the stored scores when they keep them; else the rows this run
    scored, and for accounts it left alone, their values in the run before.
    """
    stored = _dotted(scores)
    if stored:
        return scores[["account_id", *stored]]
    out = fresh[["account_id", *_dotted(fresh)]]
    if prior is not None:
        kept = prior.loc[~among(prior["account_id"], out["account_id"])]
        out = pd.concat([out, kept[["account_id", *_dotted(prior)]]], ignore_index=True)
    return out[among(out["account_id"], scores["account_id"])]


def among(column: pd.Series, values: pd.Series) -> np.ndarray:
    """``column.isin(values)`` for id columns, through Arrow (far faster on long text columns)."""
    text = pa.large_string()
    found = pc.is_in(pa.array(column, type=text), value_set=pa.array(values, type=text))
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def _dotted(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if "." in c and pd.api.types.is_numeric_dtype(frame[c])]


def _departments(store: GraphStore, contacts: pd.DataFrame) -> pd.Series:
    """The distinct departments of each account's engaged contacts, ``;``-joined and sorted."""
    engaged = contacts.loc[contacts["engaged"], ["contact_id", "account_id"]]
    # The whole column and a hash join: cheaper than selecting the engaged ids in the store.
    known = store.table("contacts", columns=["contact_id", "department"])
    pairs = (
        engaged.merge(known.reindex(columns=["contact_id", "department"]), on="contact_id")
        .dropna(subset=["account_id", "department"])
        .drop_duplicates(["account_id", "department"])
        .sort_values(["account_id", "department"])
    )
    # Summing "name;" strings per account joins them in one pass (no Python call per group).
    joined = (pairs["department"].astype(object) + SEPARATOR).groupby(pairs["account_id"]).sum()
    return joined.str[:-1].astype(object)


def _joined(lists: pd.Series) -> pd.Series:
    """Role lists as stored (lists or arrays, or ``a;b`` text) as ``a;b`` text ("" when missing)."""
    values = lists.astype(object).where(lists.notna(), None).tolist()
    if any(isinstance(v, str) for v in values):
        return pd.Series(values, index=lists.index, dtype=object).fillna("")
    texts = pc.binary_join(pa.array(values, type=pa.list_(pa.string())), SEPARATOR)
    return pd.Series(texts.to_pylist(), index=lists.index, dtype=object).fillna("")
