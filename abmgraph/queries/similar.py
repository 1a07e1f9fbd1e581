"""``abmgraph similar``: look-alike accounts by firmographics, technologies and committee shape.

Similarity (0–100) is a weighted sum of six terms, each 0–1: same industry,
same country, size and revenue within a factor of ten (on a log scale),
the Jaccard overlap of technologies, and the shape of the engaged buying
committee (engaged contacts, departments, roles covered). It is plain
arithmetic over account rows every store returns (the accounts table and
the account scores), computed once here with numpy, chunk by chunk, so
``--to-customers`` compares every prospect with every customer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from abmgraph.errors import NotFoundError
from abmgraph.graph.store import GraphStore
from abmgraph.idsets import among
from abmgraph.queries.engine import customer_ids, records

__all__ = ["LOOKALIKE_KEYS", "SIMILAR_KEYS", "WEIGHTS", "similar_accounts", "similar_to_customers"]

WEIGHTS = {
    "industry": 25.0,
    "technologies": 25.0,
    "employees": 15.0,
    "committee": 15.0,
    "revenue": 10.0,
    "country": 10.0,
}
SIMILAR_KEYS = ["account_id", "name", "similarity", "priority", "tier", "is_customer", "why"]
LOOKALIKE_KEYS = [
    "account_id",
    "name",
    "similarity",
    "like_id",
    "like_name",
    "priority",
    "tier",
    "why",
]
_COMMITTEE = ["engaged_contacts", "departments_engaged", "roles_covered"]
# Cells of the prospect × customer matrix computed at once: small enough to stay in cache.
_CHUNK_CELLS = 250_000


@dataclass
class Features:
    """Per account, aligned with ``frame``: codes, logs, technology sets, committee shape.

    Technology sets and committee shapes repeat a lot, so each account holds
    a code and the pairwise terms of the distinct ones sit in small tables.
    """

    frame: pd.DataFrame
    industry: np.ndarray  # codes, -1 when missing
    country: np.ndarray
    employees: np.ndarray  # log10, NaN when missing
    revenue: np.ndarray
    techs: list[list[str]]  # as spelled, for explanations
    tech_code: np.ndarray
    tech_table: np.ndarray  # Jaccard overlap of each pair of distinct technology sets
    committee: np.ndarray  # (accounts, 3): engaged contacts, departments, roles covered
    committee_code: np.ndarray
    committee_table: np.ndarray  # committee term of each pair of distinct shapes


def _codes(column: pd.Series) -> np.ndarray:
    text = column.astype("str").str.strip().str.casefold().where(column.notna())
    codes, _ = pd.factorize(text)
    return codes


def _log10(column: pd.Series) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce").astype("float64").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(values > 0, np.log10(np.maximum(values, 1.0)), np.nan)


def _tech_sets(column: pd.Series) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """Each account's technologies, a code per distinct (case-blind) set, and their Jaccard table."""
    spelled, keyed = {}, {}
    for value in pd.unique(column.dropna()):
        spelled[value] = sorted({t.strip() for t in str(value).split(";") if t.strip()})
        keyed[value] = ";".join(sorted({t.casefold() for t in spelled[value]}))
    values = column.tolist()
    techs = [spelled.get(v, []) if isinstance(v, str) else [] for v in values]
    keys = [keyed.get(v, "") if isinstance(v, str) else "" for v in values]
    codes, distinct = pd.factorize(pd.Series(keys, dtype=object))
    vocabulary = sorted({t for key in distinct for t in key.split(";") if t})
    position = {t: i for i, t in enumerate(vocabulary)}
    bits = np.zeros((len(distinct), max(1, -(-len(vocabulary) // 64))), dtype=np.uint64)
    for row, key in enumerate(distinct):
        for t in filter(None, key.split(";")):
            bits[row, position[t] // 64] |= np.uint64(1) << np.uint64(position[t] % 64)
    count = np.bitwise_count(bits).sum(axis=1).astype(float)
    # Word by word on the square table: no third axis as large as the table per word.
    shared = np.zeros((len(bits), len(bits)))
    for word in bits.T:
        shared += np.bitwise_count(word[:, None] & word[None, :])
    union = np.add.outer(count, count)
    union -= shared
    # Two empty sets share nothing: 0 / 1 keeps their overlap at 0.
    np.maximum(union, 1.0, out=union)
    return techs, codes, np.divide(shared, union, out=shared)


def _committee(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    covered = [len(r) if isinstance(r, list | np.ndarray) else 0 for r in frame["roles_covered"]]
    shape = np.column_stack(
        [
            pd.to_numeric(frame["engaged_contacts"], errors="coerce").fillna(0).to_numpy(float),
            pd.to_numeric(frame["departments_engaged"], errors="coerce").fillna(0).to_numpy(float),
            np.array(covered, dtype=float),
        ]
    )
    distinct, codes = np.unique(shape, axis=0, return_inverse=True)
    a, b = distinct[:, None, :], distinct[None, :, :]
    table = (1.0 - np.abs(a - b) / np.maximum(np.maximum(a, b), 1.0)).mean(axis=2)
    return shape, codes.reshape(-1), table


def features(accounts: pd.DataFrame, scores: pd.DataFrame) -> Features:
    """The similarity features of every account (scores may be empty)."""
    frame = accounts.sort_values("account_id", kind="stable").reset_index(drop=True)
    if not scores.empty:
        frame = frame.merge(
            scores[["account_id", "priority", "tier", *_COMMITTEE]], on="account_id", how="left"
        )
    else:
        frame = frame.assign(priority=None, tier=None, **dict.fromkeys(_COMMITTEE))
    techs, tech_code, tech_table = _tech_sets(frame["technologies"])
    committee, committee_code, committee_table = _committee(frame)
    return Features(
        frame=frame,
        industry=_codes(frame["industry"]),
        country=_codes(frame["country"]),
        employees=_log10(frame["employees"]),
        revenue=_log10(frame["annual_revenue"]),
        techs=techs,
        tech_code=tech_code,
        tech_table=tech_table,
        committee=committee,
        committee_code=committee_code,
        committee_table=committee_table,
    )


def _same(codes: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Equal known codes (a missing value, -1, never matches)."""
    theirs = np.where(codes[cols] >= 0, codes[cols], -2)
    return codes[rows][:, None] == theirs[None, :]


def _close(logs: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """1 for the same size, falling to 0 at a factor of ten; 0 when either is missing."""
    # Missing values sit at opposite ends, so their gap is huge and the term 0.
    gap = np.abs(
        np.nan_to_num(logs[rows], nan=1e9)[:, None] - np.nan_to_num(logs[cols], nan=-1e9)[None, :]
    )
    np.subtract(1.0, gap, out=gap)
    return np.maximum(gap, 0.0, out=gap)


def _terms(f: Features, rows: np.ndarray, cols: np.ndarray) -> dict[str, np.ndarray]:
    """Each similarity term (0–1) for every pair of ``rows`` × ``cols`` (positions in ``f``)."""
    return {
        "industry": _same(f.industry, rows, cols).astype(float),
        "technologies": f.tech_table[np.ix_(f.tech_code[rows], f.tech_code[cols])],
        "employees": _close(f.employees, rows, cols),
        "committee": f.committee_table[np.ix_(f.committee_code[rows], f.committee_code[cols])],
        "revenue": _close(f.revenue, rows, cols),
        "country": _same(f.country, rows, cols).astype(float),
    }


def _similarity(f: Features, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The weighted sum of the terms for every pair of ``rows`` × ``cols`` (positions in ``f``)."""
    blocks = _similarity_blocks(f, rows, cols, block=max(len(rows), 1))
    return next((matrix for _, matrix in blocks), np.zeros((0, len(cols))))


def _similarity_blocks(
    f: Features, rows: np.ndarray, cols: np.ndarray, block: int
) -> Iterator[tuple[int, np.ndarray]]:
    """``_similarity`` ``block`` rows at a time: (the block's first position in ``rows``, matrix).

    The discrete terms are tabulated once, weighted, for the distinct values
    among ``rows`` against every column, so a block costs row gathers and
    additions. The terms are added in one fixed order, so every pair gets the
    same sum whichever way it is asked for.
    """
    tables = []
    for codes, pairs, name in (
        (f.tech_code, f.tech_table, "technologies"),
        (f.committee_code, f.committee_table, "committee"),
    ):
        distinct, position = np.unique(codes[rows], return_inverse=True)
        tables.append((position, WEIGHTS[name] * pairs[np.ix_(distinct, codes[cols])]))
    for codes, name in ((f.industry, "industry"), (f.country, "country")):
        distinct, position = np.unique(codes[rows], return_inverse=True)
        # Adding 0.0 where the codes differ leaves a sum as it was.
        same = distinct[:, None] == np.where(codes[cols] >= 0, codes[cols], -2)[None, :]
        tables.append((position, np.where(same, WEIGHTS[name], 0.0)))
    for start in range(0, len(rows), block):
        part = slice(start, start + block)
        position, table = tables[0]
        out = table[position[part]]
        for position, table in tables[1:]:
            out += table[position[part]]
        for name, logs in (("employees", f.employees), ("revenue", f.revenue)):
            term = _close(logs, rows[part], cols)
            term *= WEIGHTS[name]
            out += term
        yield start, out


def _why(f: Features, a: int, b: int) -> str:
    """What account ``b`` has in common with account ``a`` (positions in ``f``), strongest first."""
    terms = {k: float(v[0, 0]) for k, v in _terms(f, np.array([a]), np.array([b])).items()}
    x, y = f.frame.iloc[a], f.frame.iloc[b]
    parts = []
    if terms["industry"]:
        parts.append(f"same industry ({y['industry']})")
    spelled = {t.casefold(): t for t in f.techs[b]}
    shared = sorted(spelled.keys() & {t.casefold() for t in f.techs[a]})
    if shared:
        parts.append(f"shares {', '.join(spelled[t] for t in shared)}")
    if terms["employees"] >= 0.5:
        parts.append(
            f"similar size ({_count(y['employees'])} vs {_count(x['employees'])} employees)"
        )
    if terms["committee"] >= 0.7 and f.committee[[a, b], 0].any():
        parts.append(
            f"similar committee ({int(f.committee[b, 0])} vs {int(f.committee[a, 0])} engaged)"
        )
    if terms["revenue"] >= 0.5:
        parts.append("similar revenue")
    if terms["country"]:
        parts.append(f"same country ({y['country']})")
    return "; ".join(parts) or "little in common"


def _count(value: Any) -> str:
    return f"{int(value):,}" if pd.notna(value) else "unknown"


def _read(store: GraphStore) -> tuple[Features, set[str]]:
    accounts = store.table("accounts")
    customers = customer_ids(accounts, store.table("opportunities"))
    return features(accounts, store.scores("accounts")), customers


def similar_accounts(
    store: GraphStore, account_id: str, limit: int | None = 20
) -> list[dict[str, Any]]:
    """The accounts most like ``account_id``, most similar first (``SIMILAR_KEYS``).

    Raises
    ------
    NotFoundError
        The account is not in the store.
    """
    f, customers = _read(store)
    position = np.flatnonzero(f.frame["account_id"].to_numpy() == account_id)
    if not len(position):
        raise NotFoundError(f"No account {account_id!r}; list them with 'abmgraph accounts'.")
    others = np.flatnonzero(f.frame["account_id"].to_numpy() != account_id)
    scores = np.round(_similarity(f, position, others)[0], 2)
    order = others[np.lexsort((f.frame["account_id"].to_numpy()[others], -scores))]
    top = order[:limit] if limit is not None else order
    by_position = dict(zip(others, scores, strict=True))
    rows = []
    for i in top:
        row = records(f.frame.iloc[[i]][["account_id", "name", "priority", "tier"]])[0]
        rows.append(
            {
                **row,
                "similarity": float(by_position[i]),
                "is_customer": row["account_id"] in customers,
                "why": _why(f, int(position[0]), int(i)),
            }
        )
    return [{k: r[k] for k in SIMILAR_KEYS} for r in rows]


def similar_to_customers(store: GraphStore, limit: int | None = 20) -> list[dict[str, Any]]:
    """Prospects (not customers) that look most like some customer (``LOOKALIKE_KEYS``).

    Each prospect scores its similarity to its nearest customer (``like_id``;
    ties go to the smaller customer id), most similar first.
    """
    f, customers = _read(store)
    ids = f.frame["account_id"].to_numpy()
    is_customer = among(f.frame["account_id"], customers)
    cols, prospects = np.flatnonzero(is_customer), np.flatnonzero(~is_customer)
    if not len(cols) or not len(prospects):
        return []
    best = np.empty(len(prospects))
    nearest = np.empty(len(prospects), dtype=np.int64)
    step = max(1, _CHUNK_CELLS // len(cols))
    for start, matrix in _similarity_blocks(f, prospects, cols, block=step):
        pick = matrix.argmax(axis=1)
        best[start : start + step] = np.round(matrix[np.arange(len(matrix)), pick], 2)
        nearest[start : start + step] = cols[pick]
    order = np.lexsort((ids[prospects], -best))
    top = order[:limit] if limit is not None else order
    out = []
    for k in top:
        i, j = int(prospects[k]), int(nearest[k])
        row = records(f.frame.iloc[[i]][["account_id", "name", "priority", "tier"]])[0]
        out.append(
            {
                **row,
                "similarity": float(best[k]),
                "like_id": ids[j],
                "like_name": f.frame["name"].iloc[j],
                "why": _why(f, j, i),
            }
        )
    return [{k: r[k] for k in LOOKALIKE_KEYS} for r in out]
