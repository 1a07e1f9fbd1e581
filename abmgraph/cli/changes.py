"""``abmgraph changes``: who moved between two recorded score runs."""

from __future__ import annotations

from typing import Any

import click

from abmgraph.cli.app import App, pass_app
from abmgraph.cli.output import format_option, info, render_rows

__all__ = ["changes"]

# The tables leave out what JSON and CSV carry in full. Accounts and contacts are two
# tables, as they share few columns; each names its rows by name (see _labels). Why a row
# is listed reads from its cells: the move is one "before → after" cell, a tier or stage
# that changed shows its arrow, and "gained" lists the new departments and roles. The
# contributions that moved most are one a line, named as the report names them.
_ACCOUNT_TABLE = ["account", "priority", "tier", "moved", "gained", "top_movers", "sales"]
_CONTACT_TABLE = ["contact", "account", "score", "stage", "sales"]
# An account's cells of one item a line ("3 unanswered", "fit: industry +10"): each line is
# kept whole when the terminal has room. A contact's sales note is a sentence: it wraps.
_ITEM_LINES = {"gained", "top_movers", "sales"}


def _movers(row: dict) -> list[str]:
    return [f"{m['name']} {m['delta']:+g}" for m in row["movers"]]


def _points(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _signed(delta: float) -> str:
    """One decimal, none when it is 0 (+10), two when one would read as no move (-0.04)."""
    shown = f"{delta:+.1f}"
    return f"{delta:+.2f}" if float(shown) == 0 else shown.removesuffix(".0")


def _top_movers(row: dict) -> str:
    from abmgraph.scoring.labels import contribution_label

    return "\n".join(
        f"{contribution_label(m['name'])} {_signed(m['delta'])}" for m in row["movers"]
    )


def _labels(ids: list[Any], names: list[Any]) -> list[str]:
    """How rows are named: the name, the id when none is stored, both when names clash.

    ``name (id)`` only where two different ids in the table share a name, so
    rows that would read the same can still be told apart.
    """
    import pandas as pd

    frame = pd.DataFrame({"id": ids, "name": names}, dtype=object)
    named = frame["name"].notna() & (frame["name"].astype(str).str.strip() != "")
    ids_per_name = frame[named].groupby("name")["id"].transform("nunique")
    clash = pd.Series(False, index=frame.index)
    clash[named] = ids_per_name > 1
    label = frame["id"].astype(str)
    label[named] = frame.loc[named, "name"].astype(str)
    label[clash] = (
        frame.loc[clash, "name"].astype(str) + " (" + frame.loc[clash, "id"].astype(str) + ")"
    )
    return label.tolist()


def _arrow(before: object, after: object) -> str:
    return str(after) if before == after else f"{before or '-'} → {after}"


def _account_rows(rows: list[dict], names: list[str]) -> list[dict]:
    return [
        {
            "account": name,
            "priority": f"{_points(r['before'])} → {_points(r['after'])}",
            "tier": _arrow(r["tier_before"], r["tier_after"]),
            "moved": _arrow(r["stage_before"], r["stage_after"]),
            "gained": "\n".join(
                f"+{g.replace('_', ' ')}" for g in r["departments_gained"] + r["roles_gained"]
            ),
            "top_movers": _top_movers(r),
            # "2 rejected, 1 unanswered": a count a line, each kept whole.
            "sales": (r.get("sales") or "").replace(", ", "\n"),
        }
        for r, name in zip(rows, names, strict=True)
    ]


def _contact_rows(rows: list[dict], accounts: list[str]) -> list[dict]:
    people = _labels([r["contact_id"] for r in rows], [r.get("contact_name") for r in rows])
    return [
        {
            "contact": person,
            "account": account,
            "score": f"{_points(r['before'])} → {_points(r['after'])}",
            "stage": _arrow(r["stage_before"], r["stage_after"]),
            "sales": r.get("sales"),
        }
        for r, person, account in zip(rows, people, accounts, strict=True)
    ]


def _render_tables(rows: list[dict]) -> None:
    """Accounts, then contacts: two tables, the second left out when no contact moved."""
    # Accounts are named alike in both tables: "Acme (A1)" wherever two Acmes moved.
    names = _labels([r["account_id"] for r in rows], [r["name"] for r in rows])
    level = [r["level"] for r in rows]
    accounts = [(r, n) for r, n, lvl in zip(rows, names, level, strict=True) if lvl == "account"]
    contacts = [(r, n) for r, n, lvl in zip(rows, names, level, strict=True) if lvl == "contact"]
    if accounts or not contacts:
        render_rows(
            _account_rows(*_unzip(accounts)), "table", _ACCOUNT_TABLE, item_lines=_ITEM_LINES
        )
    if contacts:
        if accounts:
            click.echo()
        render_rows(_contact_rows(*_unzip(contacts)), "table", _CONTACT_TABLE)


def _unzip(pairs: list[tuple[dict, str]]) -> tuple[list[dict], list[str]]:
    return [r for r, _ in pairs], [n for _, n in pairs]


@click.command()
@click.option(
    "--since",
    metavar="RUN|DATE",
    help="The baseline: a run id (or a unique prefix), or a date (the last run as of it "
    "or before). Default: the run before the latest.",
)
@click.option(
    "--min-points",
    type=click.FloatRange(min=0, min_open=True),
    help="Least priority move listed (default: [alerts] min_points, 10).",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show at most N rows.")
@format_option
@pass_app
def changes(
    app: App, since: str | None, min_points: float | None, limit: int | None, fmt: str
) -> None:
    """Accounts and contacts that moved between score runs.

    Accounts that went up or down a tier, changed stage, gained an engaged
    department or a required role, or moved by at least --min-points;
    contacts that became MQL or SQL.

    \b
    Example:
        abmgraph changes
        abmgraph changes --since 2026-11-01 --format json
    """
    from abmgraph.alerts.changes import add_contact_names
    from abmgraph.alerts.changes import changes as find_changes

    if min_points is None:
        min_points = app.workspace.config().alerts.min_points
    found = find_changes(app.workspace.path, since=since, min_points=min_points)
    info(found.summary_line())
    rows = found.rows[:limit] if limit else found.rows
    from abmgraph.feedback.accounts import sales_notes, store_handovers_by_account
    from abmgraph.history import handovers

    # Beside each account: the handovers sales rejected and those nobody answered.
    store = app.store()
    ids = sorted({r["account_id"] for r in rows if r.get("account_id")})
    sales_notes(rows, store_handovers_by_account(store, ids, handovers(app.workspace.path)))
    add_contact_names(rows, store)
    if fmt == "table":
        _render_tables(rows)
    else:
        from abmgraph.alerts.changes import CHANGE_KEYS

        if fmt == "csv":  # one cell per key: each mover as "name delta"
            rows = [{**r, "movers": _movers(r)} for r in rows]
        render_rows(rows, fmt, [*CHANGE_KEYS, "sales", "contact_name"])
