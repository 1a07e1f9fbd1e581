"""``abmgraph changes``: accounts and contacts that moved between two recorded score runs.

The latest run is compared with a baseline: by default the run before it;
``since`` names another (a run id, a unique prefix of one, or a date: the
last run as of that date or before). An account is listed when it went up
or down a tier, changed stage, gained an engaged department or a required
buying role, or its priority moved by ``min_points`` or more; a contact when
it became an MQL or an SQL. Accounts and contacts are compared as alerts
compare them (see :mod:`abmgraph.alerts.diff`): one missing from the
baseline is compared with nothing scored yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from abmgraph.alerts.diff import compare_accounts, compare_contacts, contribution_moves
from abmgraph.errors import StoreError
from abmgraph.history import find_run, run_table, runs
from abmgraph.idsets import among

if TYPE_CHECKING:
    from abmgraph.graph.store import GraphStore

__all__ = ["CHANGE_KEYS", "Changes", "add_contact_names", "changes"]

# Every row has these keys; those that do not apply to a level are None (or empty).
CHANGE_KEYS = [
    "level",
    "account_id",
    "contact_id",
    "name",
    "what",
    "before",
    "after",
    "delta",
    "tier_before",
    "tier_after",
    "stage_before",
    "stage_after",
    "departments_gained",
    "roles_gained",
    "movers",
]
_ACCOUNT_WHAT = np.array(
    ["tier_up", "tier_down", "stage", "new_department", "new_required_role", "points"]
)


@dataclass(frozen=True)
class Changes:
    """What moved from the ``baseline`` run to the ``latest`` one."""

    baseline: str
    baseline_as_of: pd.Timestamp
    latest: str
    latest_as_of: pd.Timestamp
    rows: list[dict[str, Any]] = field(default_factory=list)
    # The two runs scored with different configs: some moves come from the config.
    config_changed: bool = False

    def summary_line(self) -> str:
        accounts = sum(r["level"] == "account" for r in self.rows)
        note = " The scoring config changed between them." if self.config_changed else ""
        return (
            f"{_plural(accounts, 'account')} and "
            f"{_plural(len(self.rows) - accounts, 'contact')} moved from run {self.baseline} (as of {self.baseline_as_of:%Y-%m-%d %H:%M}) to run "
            f"{self.latest} (as of {self.latest_as_of:%Y-%m-%d %H:%M}).{note}"
        )


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def changes(workspace: Path, *, since: str | None = None, min_points: float = 10) -> Changes:
    """The accounts and contacts that moved between two runs; see the module docstring.

    Raises
    ------
    StoreError
        No run is recorded, or only one and no ``since``.
    NotFoundError
        ``since`` names no kept run.
    """
    table = runs(workspace)
    if table.empty:
        raise StoreError("No score history yet: run 'abmgraph score' (twice to compare).")
    latest = str(table["run_id"].iloc[-1])
    if since is None:
        if len(table) < 2:
            raise StoreError(
                "Only one score run is recorded: score again (abmgraph score) to compare."
            )
        baseline = str(table["run_id"].iloc[-2])
    else:
        baseline = find_run(workspace, since)
    by_id = table.set_index("run_id")
    when = by_id["as_of"]
    config_changed = bool(by_id.at[baseline, "config_hash"] != by_id.at[latest, "config_hash"])
    before = {lvl: run_table(workspace, baseline, lvl) for lvl in ("accounts", "contacts")}
    after = {lvl: run_table(workspace, latest, lvl) for lvl in ("accounts", "contacts")}
    rows = _account_rows(before["accounts"], after["accounts"], min_points)
    rows += _contact_rows(before["contacts"], after["contacts"], after["accounts"])
    return Changes(baseline, when[baseline], latest, when[latest], rows, config_changed)


def _account_rows(
    before: pd.DataFrame, after: pd.DataFrame, min_points: float
) -> list[dict[str, Any]]:
    a = compare_accounts(before, after)
    flags = np.column_stack(
        [
            a["tier_after"] < a["tier_was"],
            ~a["new"] & (a["tier_after"] > a["tier_was"]),
            a["stage_after"] != a["stage_was"],
            a["departments_gained"].map(len) > 0,
            a["roles_gained"].map(len) > 0,
            a["delta"].abs() >= min_points,
        ]
    ).astype(bool)
    moved = flags.any(axis=1)
    a = a[moved].assign(what=[list(_ACCOUNT_WHAT[row]) for row in flags[moved]])
    a = a.assign(size=a["delta"].abs()).sort_values(
        ["size", "account_id"], ascending=[False, True], kind="stable"
    )
    movers = contribution_moves(before, after[among(after["account_id"], a["account_id"])])
    out = pd.DataFrame(
        {
            "level": "account",
            "account_id": a["account_id"],
            "contact_id": None,
            "name": a["name"],
            "what": a["what"],
            "before": a["priority_before"],
            "after": a["priority_after"],
            "delta": a["delta"],
            "tier_before": a["tier_before"],
            "tier_after": a["tier_after"],
            "stage_before": a["stage_before"],
            "stage_after": a["stage_after"],
            "departments_gained": a["departments_gained"],
            "roles_gained": a["roles_gained"],
            "movers": a["account_id"].map(movers),
        }
    )
    return _records(out)


def _contact_rows(
    before: pd.DataFrame, after: pd.DataFrame, accounts: pd.DataFrame
) -> list[dict[str, Any]]:
    c = compare_contacts(before, after)
    mql = (c["stage_after"] == "mql") & (c["stage_was"] == "lead")
    sql = (c["stage_after"] == "sql") & (c["stage_was"] != "sql")
    c = c[mql | sql].assign(what=np.where(sql[mql | sql], "sql", "mql"))
    c = c.sort_values(["score_after", "contact_id"], ascending=[False, True], kind="stable")
    score_before = pd.to_numeric(c["score_before"], errors="coerce")
    out = pd.DataFrame(
        {
            "level": "contact",
            "account_id": c["account_id"],
            "contact_id": c["contact_id"],
            "name": c["account_id"].map(accounts.set_index("account_id")["name"]),
            "what": c["what"].map(lambda w: [w]),
            "before": c["score_before"],
            "after": c["score_after"],
            "delta": (c["score_after"] - score_before.fillna(0.0)).round(2),
            "tier_before": None,
            "tier_after": None,
            "stage_before": c["stage_before"],
            "stage_after": c["stage_after"],
            "departments_gained": [[] for _ in range(len(c))],
            "roles_gained": [[] for _ in range(len(c))],
            "movers": [[] for _ in range(len(c))],
        }
    )
    return _records(out)


def add_contact_names(rows: list[dict[str, Any]], store: GraphStore) -> None:
    """Add ``contact_name`` to every row: the contact's first and last name.

    None on account rows, and for a contact the store holds no name for (or
    no longer holds): the runs keep scores, not people, so names are read
    from the store as it is now.
    """
    ids = pd.Series([r["contact_id"] for r in rows if r.get("contact_id")], dtype=object)
    names: dict[str, str] = {}
    if not ids.empty:
        columns = ["contact_id", "first_name", "last_name"]
        people = store.table("contacts", ids.drop_duplicates(), columns).reindex(columns=columns)
        full = (people["first_name"].fillna("") + " " + people["last_name"].fillna("")).str.strip()
        named = full != ""
        names = dict(zip(people.loc[named, "contact_id"], full[named], strict=True))
    for row in rows:
        row["contact_name"] = names.get(row.get("contact_id"))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows with ``CHANGE_KEYS``: missing values None, numpy scalars plain."""
    rows = frame[CHANGE_KEYS].astype(object).to_dict("records")
    for row in rows:
        for key, value in row.items():
            if isinstance(value, list):
                continue
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                row[key] = None
            elif hasattr(value, "item"):
                row[key] = value.item()
    return rows
