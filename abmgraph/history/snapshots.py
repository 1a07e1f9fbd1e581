"""What a run keeps: the compact account and contact tables of the stored scores after it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.graph.role_lists import SEPARATOR
from abmgraph.idsets import among, positions

if TYPE_CHECKING:
    from abmgraph.graph.store import GraphStore
    from abmgraph.scoring.engine import ScoreResult

__all__ = [
    "ACCOUNT_SNAPSHOT",
    "CONTACT_SNAPSHOT",
    "contributions",
    "replaced",
    "score_digest",
    "snapshot",
    "updated_snapshot",
]

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
# Up to this many contacts the run did not score, their departments are read by id.
_FEW_IDS = 20_000


def snapshot(
    store: GraphStore, result: ScoreResult, prior_accounts: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The compact account and contact tables of the store's scores after ``result``."""
    return _full_snapshot(store, result, prior_accounts)


def updated_snapshot(
    store: GraphStore,
    result: ScoreResult,
    prior_accounts: pd.DataFrame,
    prior_contacts: pd.DataFrame,
    prior_stored: tuple[int, int] | None,
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[int, int]] | None:
    """An incremental run's rescored rows, as its snapshot holds them, and ``score_digest``.

    ``prior_accounts`` is the run before's account table, or (with
    ``prior_stored``, the ``score_digest`` recorded after it) its rows of the
    rescored accounts; ``prior_contacts`` at least its rows of the contacts
    this run rescored and of the rescored accounts. The snapshot is the run
    before's with these rows in place of theirs (``replaced``), equal to
    ``snapshot`` at a cost that follows the run's size, because every score
    the run left alone is the one the run before recorded. None (build it in
    full) when the stored scores of the accounts it left alone are not those
    the run before recorded: a run scored without being recorded.
    """
    if getattr(result, "mode", "full") != "incremental":
        return None
    rescored = result.accounts["account_id"]
    scores = store.scores("accounts")
    mine = among(scores["account_id"], rescored)
    theirs_before = among(prior_accounts["account_id"], rescored)
    hashes = _row_hashes(scores)
    if prior_stored is None:  # a run recorded before digests: compare the rows themselves
        same = _same_scores(scores.loc[~mine], prior_accounts.loc[~theirs_before])
    else:
        # The run before's digest less its rows of the rescored accounts is that of the
        # rows this run left alone, if nothing rescored them since.
        rows, digest = prior_stored
        before = _row_hashes(prior_accounts.loc[theirs_before])
        same = int((~mine).sum()) == rows - len(before) and _sum(hashes[~mine]) == (
            (digest - _sum(before)) % _MODULUS
        )
    if not same:
        return None
    fresh = _as_dtypes(_compact_contacts(result.contacts), prior_contacts)
    # An account's departments come from its engaged contacts, all rescored with it (a
    # contact the store no longer has keeps its row in the snapshot, and counts).
    left = prior_contacts.loc[~among(prior_contacts["contact_id"], fresh["contact_id"])]
    theirs = pd.concat(
        [frame.loc[among(frame["account_id"], rescored)] for frame in (fresh, left)],
        ignore_index=True,
    )
    stored = (len(scores), _sum(hashes))
    scores = scores.loc[mine].reset_index(drop=True)
    accounts = _compact_accounts(store, scores, theirs, result, prior_accounts.loc[theirs_before])
    accounts = _as_dtypes(accounts, prior_accounts).reindex(columns=prior_accounts.columns)
    return accounts, fresh, stored


def score_digest(scores: pd.DataFrame) -> tuple[int, int]:
    """The rows of stored account scores, and a digest of what a snapshot keeps of them.

    The digest is the sum of one hash per row (modulo 2**64), so the digest of
    some rows is the whole one less the others': the next incremental run
    checks the rows it left alone against the run before without reading
    them back.
    """
    return len(scores), _sum(_row_hashes(scores))


# The stored score columns a snapshot keeps as they are, and the check compares.
_COMPARED = ["priority", "tier", "stage", "engaged_contacts", "recent_points", "prior_points"]
_MODULUS = 2**64


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """One hash per row of an account table, the same for stored scores and snapshot rows."""
    # Ids are unique: hashed as they are (no factorizing first).
    hashed = pd.util.hash_array(frame["account_id"].to_numpy(dtype=object), categorize=False)
    for position, column in enumerate(_COMPARED, start=1):
        data = frame[column] if column in frame.columns else pd.Series(np.nan, index=frame.index)
        if column == "stage":
            # Few distinct stages: hash each once.
            codes, names = pd.factorize(data.astype(object), use_na_sentinel=False)
            part = pd.util.hash_array(np.asarray(names, dtype=object))[codes]
        else:
            # Numbers as floats, whatever the width they were stored with: 1 and 1.0
            # hash alike (and every NaN alike).
            values = data.to_numpy(dtype="float64", na_value=np.nan)
            values = np.where(np.isnan(values), np.nan, values + 0.0)  # -0.0 and 0.0 alike
            part = pd.util.hash_array(values)
        # Each column's hash mixed in with its own odd multiplier: equal values in
        # different columns do not cancel out.
        with np.errstate(over="ignore"):
            hashed = hashed ^ (part * np.uint64(2 * position + 0x9E3779B97F4A7C15))
    return hashed


def _sum(hashes: np.ndarray) -> int:
    return int(hashes.sum(dtype=np.uint64))


def _as_dtypes(frame: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the dtypes of ``like``'s columns (casting only those that differ)."""
    differ = {c: t for c, t in like.dtypes.items() if c in frame.columns and frame[c].dtype != t}
    return frame.astype(differ) if differ else frame


def _same_scores(stored: pd.DataFrame, recorded: pd.DataFrame) -> bool:
    """Whether the stored account scores are those a snapshot recorded (same ids and values)."""
    if len(stored) != len(recorded):
        return False
    # Each stored row's place in the snapshot (ids are unique on both sides).
    at = positions(recorded["account_id"], stored["account_id"])
    if (at < 0).any() or len(np.unique(at)) != len(at):  # an id unknown, or stored twice
        return False
    for column in _COMPARED:
        if column not in stored.columns or column not in recorded.columns:
            if (column in stored.columns) != (column in recorded.columns):
                return False
            continue
        a, b = stored[column].to_numpy(), recorded[column].to_numpy()[at]
        if a.dtype.kind in "fiub" and b.dtype.kind in "fiub":
            if not np.allclose(a.astype(float), b.astype(float), rtol=0, atol=1e-9, equal_nan=True):
                return False
        elif not np.array_equal(a.astype(object), b.astype(object)):
            return False
    return True


def _full_snapshot(
    store: GraphStore, result: ScoreResult, prior_accounts: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    contacts = _compact_contacts(store.scores("contacts"))
    scores = store.scores("accounts")
    return _compact_accounts(store, scores, contacts, result, prior_accounts), contacts


def _compact_contacts(people: pd.DataFrame) -> pd.DataFrame:
    return (
        people.reindex(columns=CONTACT_SNAPSHOT)
        .astype({"score": "float64"})
        .assign(engaged=lambda f: f["engaged"].fillna(False).astype(bool))
        .sort_values("contact_id", kind="stable")
        .reset_index(drop=True)
    )


def _compact_accounts(
    store: GraphStore,
    scores: pd.DataFrame,
    contacts: pd.DataFrame,
    result: ScoreResult,
    prior_accounts: pd.DataFrame | None,
) -> pd.DataFrame:
    """The snapshot rows of the accounts in ``scores`` (``contacts``: at least theirs)."""
    departments = _departments(store, contacts, result.contacts)
    accounts = scores.assign(
        departments=scores["account_id"].map(departments).astype(object).fillna(""),
        roles_covered=_joined(scores["roles_covered"]),
        missing_roles=_joined(scores["missing_roles"]),
    ).reindex(columns=ACCOUNT_SNAPSHOT)
    accounts = accounts.merge(
        contributions(scores, result.accounts, prior_accounts), on="account_id", how="left"
    )
    accounts = accounts.astype({"priority": "float64", "tier": "int64"})
    return accounts.sort_values("account_id", kind="stable").reset_index(drop=True)


def replaced(prior: pd.DataFrame, rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """``prior`` (sorted by ``key``) with ``rows`` in place of those with their keys, sorted."""
    if rows.empty:
        return prior
    kept = prior.loc[~among(prior[key], rows[key])]
    merged = pd.concat([kept, rows.reindex(columns=prior.columns)], ignore_index=True)
    # Both parts are sorted: a stable merge sort of two runs is close to linear.
    return merged.sort_values(key, kind="stable").reset_index(drop=True)


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


def _dotted(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if "." in c and pd.api.types.is_numeric_dtype(frame[c])]


def _departments(store: GraphStore, contacts: pd.DataFrame, scored: pd.DataFrame) -> pd.Series:
    """The distinct departments of each account's engaged contacts, ``;``-joined and sorted.

    A contact the run scored carries the department it was scored with (the
    stored one); only the others are read from the store.
    """
    engaged = contacts.loc[contacts["engaged"], ["contact_id", "account_id"]]
    known = scored.reindex(columns=["contact_id", "department"])
    known = known.loc[among(known["contact_id"], engaged["contact_id"])]
    unknown = engaged.loc[~among(engaged["contact_id"], known["contact_id"]), "contact_id"]
    if not unknown.empty:
        # Many ids: the whole column and a hash join is cheaper than selecting them.
        ids = unknown if len(unknown) <= _FEW_IDS else None
        stored = store.table("contacts", ids, columns=["contact_id", "department"])
        stored = stored.reindex(columns=["contact_id", "department"])
        known = pd.concat([known, stored.loc[among(stored["contact_id"], unknown)]])
    pairs = (
        engaged.merge(known, on="contact_id")
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
