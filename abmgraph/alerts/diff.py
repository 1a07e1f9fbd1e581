"""Two score runs compared: what moved for each account and contact, and the alerts it makes.

Both sides are history snapshots (:mod:`abmgraph.history`). An account or
contact the earlier run did not have is compared with nothing scored yet:
tier 3, stage ``target``, no departments or roles, priority 0, not surging,
a ``lead``. So a new account that lands straight in tier 1 is a tier-up,
and one that lands in tier 3 says nothing. An account or contact gone from
the later run is not reported.

Alert kinds, in the order alerts are listed:

* ``account_tier_up`` / ``account_tier_down``: the tier changed (1 is best);
* ``account_stage``: the buying stage changed;
* ``account_surge``: the account's engagement points in the recent window
  now exceed those of the window before (scaled to the recent window's
  length) by ``[alerts] surge_points`` or more, and did not in the earlier
  run (the recent-against-prior comparison of ``abmgraph surging``, on the
  scoring config's windows);
* ``new_department``: an engaged contact in a department no engaged
  contact was in before;
* ``new_required_role``: a required buying role is now covered;
* ``contact_mql``: a lead became an MQL; ``contact_sql``: a contact became an
  SQL (straight from lead too: one alert, the SQL).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.graph.role_lists import SEPARATOR

__all__ = [
    "ALERT_KEYS",
    "ALERT_KINDS",
    "compare_accounts",
    "compare_contacts",
    "contribution_moves",
    "run_alerts",
]

ALERT_KEYS = ["kind", "account_id", "contact_id", "at", "before", "after", "owner", "why"]
ALERT_KINDS = (
    "account_tier_up",
    "account_tier_down",
    "account_stage",
    "account_surge",
    "new_department",
    "new_required_role",
    "contact_mql",
    "contact_sql",
)
# What an account or contact the earlier run did not have is compared with.
_UNSCORED = {"tier": 3, "stage": "target", "priority": 0.0, "rise": 0.0}


def compare_accounts(
    before: pd.DataFrame | None,
    after: pd.DataFrame,
    *,
    surge_points: float = 25.0,
    prior_scale: float = 1.0,
) -> pd.DataFrame:
    """One row per account of ``after``: each measure before and after, what it gained.

    Columns: ``account_id``, ``name``, ``new`` (not in ``before``),
    ``priority_before``/``_after``, ``delta``, ``tier_before``/``_after``,
    ``stage_before``/``_after``, ``rise_before``/``_after`` (the recent
    window's engagement points minus the prior window's times
    ``prior_scale``: recent days over prior days, so windows of different
    lengths compare at the same rate), ``surge_before``/``_after`` (a rise of
    ``surge_points`` or more), ``departments_before``/``_after``,
    ``roles_before``/``_after`` (``a;b`` text), ``departments_gained``,
    ``roles_gained`` (lists). The ``_before`` values of a new account are missing.
    """
    columns = ["account_id", "priority", "tier", "stage", "rise", "departments", "roles_covered"]
    # Only the columns compared: a snapshot also has every contribution column.
    read = [c for c in columns if c != "rise"] + ["recent_points", "prior_points"]
    after = after[["name", *read]]
    now = after.assign(rise=(after["recent_points"] - prior_scale * after["prior_points"]).round(2))
    before = now.iloc[0:0] if before is None else before[read]
    then = before.assign(
        rise=(before["recent_points"] - prior_scale * before["prior_points"]).round(2)
    )[columns]
    both = now[["account_id", "name", *columns[1:]]].merge(
        then, on="account_id", how="left", suffixes=("_after", "_before"), indicator=True
    )
    new = both.pop("_merge").eq("left_only").to_numpy()
    out = pd.DataFrame({"account_id": both["account_id"], "name": both["name"], "new": new})
    for measure in ("priority", "tier", "stage", "rise"):
        earlier = both[f"{measure}_before"]
        if measure == "tier":  # whole tiers, though a missing one made the column float
            earlier = earlier.astype("Int64")
        out[f"{measure}_before"] = earlier.astype(object).where(earlier.notna(), None)
        out[f"{measure}_after"] = both[f"{measure}_after"]
    baseline = {m: both[f"{m}_before"].where(~new, _UNSCORED[m]) for m in _UNSCORED}
    out["delta"] = (both["priority_after"] - baseline["priority"].astype(float)).round(2)
    out["tier_was"] = baseline["tier"].astype("int64")
    out["stage_was"] = baseline["stage"].astype(object)
    out["surge_before"] = ~new & (baseline["rise"].astype(float) >= surge_points)
    out["surge_after"] = both["rise_after"] >= surge_points
    for name, column in (("departments", "departments"), ("roles", "roles_covered")):
        # As ``a;b`` text: lists are made only for the rows that get reported.
        out[f"{name}_before"] = both[f"{column}_before"].astype(object)
        out[f"{name}_after"] = both[f"{column}_after"].astype(object)
        out[f"{name}_gained"] = _gained(
            both["account_id"], both[f"{column}_after"], both[f"{column}_before"]
        )
    return out


def compare_contacts(before: pd.DataFrame | None, after: pd.DataFrame) -> pd.DataFrame:
    """One row per contact of ``after``: ``score_before``/``_after``, ``stage_before``/``_after``."""
    then = (before if before is not None else after.iloc[0:0])[["contact_id", "score", "stage"]]
    both = after[["contact_id", "account_id", "score", "stage"]].merge(
        then, on="contact_id", how="left", suffixes=("_after", "_before")
    )
    known = both["stage_before"].notna()
    both["stage_was"] = both["stage_before"].astype(object).where(known, "lead")
    both["stage_before"] = both["stage_before"].astype(object).where(known, None)
    return both.astype({"score_before": object})


def contribution_moves(before: pd.DataFrame | None, after: pd.DataFrame, top: int = 3) -> pd.Series:
    """Each account's contributions that moved most: up to ``top`` ``{name, before, after, delta}``.

    A contribution missing on a side counts 0 there (a new account, a
    component added to the config). Indexed by ``account_id``.
    """
    parts = [c for c in after.columns if "." in c]
    now = after.set_index("account_id")[parts].fillna(0.0)
    then = pd.DataFrame(0.0, index=now.index, columns=parts)
    if before is not None:
        earlier = before.set_index("account_id")
        shared = [c for c in parts if c in earlier.columns]
        then[shared] = earlier[shared].reindex(now.index).fillna(0.0)
    long = pd.DataFrame(
        {
            "account_id": np.repeat(now.index.to_numpy(), len(parts)),
            "name": np.tile(parts, len(now)),
            "before": then.to_numpy().ravel(),
            "after": now.to_numpy().ravel(),
        }
    ).assign(delta=lambda f: (f["after"] - f["before"]).round(2))
    long = long[long["delta"] != 0].assign(size=lambda f: f["delta"].abs())
    long = long.sort_values(["account_id", "size", "name"], ascending=[True, False, True])
    long = long.groupby("account_id", sort=False).head(top)
    records = long.drop(columns="size").to_dict("records")
    moves: dict[str, list[dict[str, object]]] = {}
    for row in records:
        moves.setdefault(row.pop("account_id"), []).append(row)
    return (
        pd.Series(moves, dtype=object)
        .reindex(now.index)
        .map(lambda m: m if isinstance(m, list) else [])
    )


def run_alerts(
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    as_of: pd.Timestamp,
    *,
    mql_threshold: float,
    sql_threshold: float,
    surge_points: float,
) -> pd.DataFrame:
    """The alerts of one run from ``compare_accounts`` and ``compare_contacts`` rows.

    Columns ``ALERT_KEYS`` but ``owner`` (routing needs the store), sorted by
    kind (``ALERT_KINDS`` order), then account and contact.
    """
    a, c = accounts, contacts
    up = a["tier_after"] < a["tier_was"]
    down = ~a["new"] & (a["tier_after"] > a["tier_was"])
    stage = a["stage_after"] != a["stage_was"]
    surge = a["surge_after"] & ~a["surge_before"]
    departments = a["departments_gained"].map(len) > 0
    roles = a["roles_gained"].map(len) > 0

    def tier_why(rows: pd.DataFrame) -> pd.Series:
        before = _number(rows["priority_before"]).where(~rows["new"], "-")
        return (
            "tier " + rows["tier_was"].astype(str) + " → " + rows["tier_after"].astype(str)
            + "; priority " + before + " → " + _number(rows["priority_after"])
        )  # fmt: skip

    def listed(rows: pd.DataFrame, name: str) -> pd.DataFrame:
        return rows.assign(
            **{f"{name}_before": _lists(rows[f"{name}_before"]),
               f"{name}_after": _lists(rows[f"{name}_after"])}
        )  # fmt: skip

    frames = [
        _alerts("account_tier_up", a[up], "tier", tier_why(a[up])),
        _alerts("account_tier_down", a[down], "tier", tier_why(a[down])),
        _alerts(
            "account_stage",
            a[stage],
            "stage",
            "stage " + a.loc[stage, "stage_was"] + " → " + a.loc[stage, "stage_after"],
        ),
        _alerts(
            "account_surge",
            a[surge],
            "rise",
            "engagement points in the recent window exceed the window before by "
            + _number(a.loc[surge, "rise_after"])
            + f" (a surge from {surge_points:g})",
        ),
        _alerts(
            "new_department",
            listed(a[departments], "departments"),
            "departments",
            "engaged a new department: "
            + a.loc[departments, "departments_gained"].map(_words).astype(object),
        ),
        _alerts(
            "new_required_role",
            listed(a[roles], "roles"),
            "roles",
            "now covers " + a.loc[roles, "roles_gained"].map(_words).astype(object),
        ),
    ]
    mql = (c["stage_after"] == "mql") & (c["stage_was"] == "lead")
    sql = (c["stage_after"] == "sql") & (c["stage_was"] != "sql")
    for kind, mask, threshold, label in (
        ("contact_mql", mql, mql_threshold, "MQL"),
        ("contact_sql", sql, sql_threshold, "SQL"),
    ):
        rows = c[mask]
        before = _number(rows["score_before"]).where(rows["score_before"].notna(), "-")
        frames.append(
            pd.DataFrame(
                {
                    "kind": kind,
                    "account_id": rows["account_id"].astype(object),
                    "contact_id": rows["contact_id"].astype(object),
                    "before": rows["stage_before"],
                    "after": rows["stage_after"].astype(object),
                    "why": "score "
                    + before
                    + " → "
                    + _number(rows["score_after"])
                    + f" reached the {label} threshold ({threshold:g})",
                }
            )
        )
    found = [f for f in frames if not f.empty]
    columns = ["kind", "account_id", "contact_id", "before", "after", "why"]
    out = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=columns)
    out["at"] = as_of.isoformat()
    order = out["kind"].map({k: i for i, k in enumerate(ALERT_KINDS)})
    out = out.assign(order=order).sort_values(
        ["order", "account_id", "contact_id"], kind="stable", na_position="first"
    )
    return out.drop(columns="order").reset_index(drop=True)[
        ["kind", "account_id", "contact_id", "at", "before", "after", "why"]
    ]


def _alerts(kind: str, rows: pd.DataFrame, measure: str, why: pd.Series) -> pd.DataFrame:
    """Account alerts of one kind: ``before`` and ``after`` are the measure's two values."""
    return pd.DataFrame(
        {
            "kind": kind,
            "account_id": rows["account_id"].astype(object),
            "contact_id": None,
            "before": rows[f"{measure}_before"].astype(object),
            "after": rows[f"{measure}_after"].astype(object),
            "why": why,
        }
    )


def _number(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").round(2).map("{:g}".format).astype(object)


def _words(items: list[str]) -> str:
    return ", ".join(items)


def _lists(texts: pd.Series) -> pd.Series:
    """``a;b`` text as lists (missing: an empty list)."""
    return texts.map(lambda t: [x for x in t.split(SEPARATOR) if x] if isinstance(t, str) else [])


def _gained(ids: pd.Series, after: pd.Series, before: pd.Series) -> pd.Series:
    """Per row, the items of ``after`` (``a;b`` text) that ``before`` lacks, in ``after``'s order."""
    out = pd.Series([[] for _ in range(len(ids))], index=ids.index, dtype=object)
    after = after.astype(object).where(after.notna(), "")
    before = before.astype(object).where(before.notna(), "")
    # Only rows whose text changed can have gained anything: most have not.
    changed = np.flatnonzero((after != before).to_numpy())
    if not len(changed):
        return out
    now_rows, now_items = _pairs(after.iloc[changed])
    then_rows, then_items = _pairs(before.iloc[changed])
    fresh = pc.invert(
        pc.is_in(_keyed(now_rows, now_items), value_set=_keyed(then_rows, then_items))
    )
    rows = now_rows[fresh.to_numpy(zero_copy_only=False)]
    items = now_items.filter(fresh)
    # The gained items are in row order already: cut them into one list per row.
    counts = np.bincount(rows, minlength=len(changed))
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]), type=pa.int32())
    lists = pd.Series(pa.ListArray.from_arrays(offsets, items).to_pylist(), dtype=object)
    some = counts > 0
    out.iloc[changed[some]] = lists[some].to_numpy()
    return out


def _pairs(texts: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Each item of a column of ``a;b`` texts, and the position of the text it came from."""
    split = pc.split_pattern(pa.array(texts.to_numpy(dtype=object), type=pa.string()), SEPARATOR)
    rows = pc.list_parent_indices(split).to_numpy()
    items = pc.list_flatten(split)
    kept = pc.not_equal(items, "")
    return rows[kept.to_numpy(zero_copy_only=False)], items.filter(kept)


def _keyed(rows: np.ndarray, items: pa.Array) -> pa.Array:
    """``row<US>item`` texts: a (row, item) pair as one value a set lookup can take."""
    return pc.binary_join_element_wise(pa.array(rows).cast(pa.string()), items, "\x1f")
