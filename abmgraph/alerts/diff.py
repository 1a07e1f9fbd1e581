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
  now exceed those of the window before by ``[alerts] surge_points`` or
  more, and did not in the earlier run (the same recent-against-prior
  comparison as ``abmgraph surging``, on the scoring config's windows);
* ``new_department``: an engaged contact in a department no engaged
  contact was in before;
* ``new_required_role``: a required buying role is now covered;
* ``contact_mql``: a lead became an MQL; ``contact_sql``: a contact became an
  SQL (straight from lead too: one alert, the SQL).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
    before: pd.DataFrame | None, after: pd.DataFrame, surge_points: float
) -> pd.DataFrame:
    """One row per account of ``after``: each measure before and after, what it gained.

    Columns: ``account_id``, ``name``, ``new`` (not in ``before``),
    ``priority_before``/``_after``, ``delta``, ``tier_before``/``_after``,
    ``stage_before``/``_after``, ``rise_before``/``_after`` (recent minus prior
    window points), ``surge_before``/``_after``, ``departments_before``/``_after``,
    ``roles_before``/``_after`` (lists), ``departments_gained``, ``roles_gained``.
    The ``_before`` values of a new account are missing.
    """
    columns = ["account_id", "priority", "tier", "stage", "rise", "departments", "roles_covered"]
    now = after.assign(rise=after["recent_points"] - after["prior_points"])
    if before is None:
        before = now.iloc[0:0]
    then = before.assign(rise=before["recent_points"] - before["prior_points"])[columns]
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
        out[f"{name}_before"] = _lists(both[f"{column}_before"])
        out[f"{name}_after"] = _lists(both[f"{column}_after"])
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
    priority = (
        _number(a["priority_before"]).where(~a["new"], "-") + " → " + _number(a["priority_after"])
    )
    up = a["tier_after"] < a["tier_was"]
    down = ~a["new"] & (a["tier_after"] > a["tier_was"])
    stage = a["stage_after"] != a["stage_was"]
    surge = a["surge_after"] & ~a["surge_before"]
    departments = a["departments_gained"].map(len) > 0
    roles = a["roles_gained"].map(len) > 0
    tier_why = "tier " + a["tier_was"].astype(str) + " → " + a["tier_after"].astype(str)
    frames = [
        _alerts("account_tier_up", a[up], "tier", tier_why[up] + "; priority " + priority[up]),
        _alerts(
            "account_tier_down", a[down], "tier", tier_why[down] + "; priority " + priority[down]
        ),
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
            a[departments],
            "departments",
            "engaged a new department: "
            + a.loc[departments, "departments_gained"].map(_words).astype(object),
        ),
        _alerts(
            "new_required_role",
            a[roles],
            "roles",
            "now covers " + a.loc[roles, "roles_gained"].map(_words).astype(object),
        ),
    ]
    mql = (c["stage_after"] == "mql") & (c["stage_was"] == "lead")
    sql = (c["stage_after"] == "sql") & (c["stage_was"] != "sql")
    score = (
        _number(c["score_before"]).where(c["score_before"].notna(), "-")
        + " → "
        + _number(c["score_after"])
    )
    for kind, mask, threshold, label in (
        ("contact_mql", mql, mql_threshold, "MQL"),
        ("contact_sql", sql, sql_threshold, "SQL"),
    ):
        rows = c[mask]
        frames.append(
            pd.DataFrame(
                {
                    "kind": kind,
                    "account_id": rows["account_id"].astype(object),
                    "contact_id": rows["contact_id"].astype(object),
                    "before": rows["stage_before"],
                    "after": rows["stage_after"].astype(object),
                    "why": "score "
                    + score[mask]
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
    now = _pairs(ids, after)
    then = _pairs(ids, before)
    merged = now.merge(then, on=["row", "item"], how="left", indicator=True)
    fresh = merged[merged["_merge"] == "left_only"]
    gained = fresh.groupby("row")["item"].agg(list)
    return (
        pd.Series(range(len(ids)))
        .map(gained)
        .map(lambda g: g if isinstance(g, list) else [])
        .set_axis(ids.index)
    )


def _pairs(ids: pd.Series, texts: pd.Series) -> pd.DataFrame:
    items = texts.astype(object).where(texts.notna(), "").str.split(SEPARATOR)
    long = pd.DataFrame({"row": np.arange(len(ids)), "item": items.to_numpy()}).explode("item")
    return long[long["item"].notna() & (long["item"] != "")]
