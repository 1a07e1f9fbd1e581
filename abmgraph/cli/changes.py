"""``abmgraph changes``: who moved between two recorded score runs."""

from __future__ import annotations

import click

from abmgraph.cli.app import App, pass_app
from abmgraph.cli.output import format_option, info, render_rows

__all__ = ["changes"]

# The table leaves out what JSON and CSV carry in full: gains are listed under "what",
# the move is one "before → after" cell, and the contributions that moved most are
# named without their section. "moved" (not "stage") lets a long stage change wrap.
_TABLE = ["account_id", "contact_id", "what", "move", "tier", "moved", "top_movers", "sales"]


def _movers(row: dict, *, short: bool) -> list[str]:
    return [
        f"{m['name'].split('.', 1)[-1] if short else m['name']} {m['delta']:+g}"
        for m in row["movers"]
    ]


def _points(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _table_row(row: dict) -> dict:
    def arrow(before: object, after: object) -> str:
        return str(after) if before == after else f"{before or '-'} → {after}"

    return {
        **row,
        "what": [
            *(
                w.replace("_", " ")
                for w in row["what"]
                if w not in ("new_department", "new_required_role")
            ),
            *(f"+{g}" for g in row["departments_gained"] + row["roles_gained"]),
        ],
        "tier": arrow(row["tier_before"], row["tier_after"]) if row["tier_after"] else "",
        "move": f"{_points(row['before'])} → {_points(row['after'])}",
        "moved": arrow(row["stage_before"], row["stage_after"]),
        "top_movers": ", ".join(_movers(row, short=True)),
    }


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
    from abmgraph.alerts.changes import changes as find_changes

    if min_points is None:
        min_points = app.workspace.config().alerts.min_points
    found = find_changes(app.workspace.path, since=since, min_points=min_points)
    info(found.summary_line())
    rows = found.rows[:limit] if limit else found.rows
    from abmgraph.feedback.accounts import sales_notes, store_handovers_by_account
    from abmgraph.history import handovers

    # Beside each account: the handovers sales rejected and those nobody answered.
    ids = sorted({r["account_id"] for r in rows if r.get("account_id")})
    sales_notes(rows, store_handovers_by_account(app.store(), ids, handovers(app.workspace.path)))
    if fmt == "table":
        render_rows([_table_row(r) for r in rows], fmt, _TABLE)
    else:
        from abmgraph.alerts.changes import CHANGE_KEYS

        if fmt == "csv":  # one cell per key: each mover as "name delta"
            rows = [{**r, "movers": _movers(r, short=False)} for r in rows]
        render_rows(rows, fmt, [*CHANGE_KEYS, "sales"])
