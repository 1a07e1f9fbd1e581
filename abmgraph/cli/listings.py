"""Listings people read: ranked accounts and contacts, a committee, an explanation, status.

Each command parses its options, calls one library function and renders what
comes back; tables stop at 25 rows unless ``--limit`` says otherwise.
"""

from __future__ import annotations

import click

from abmgraph.cli.app import App, pass_app
from abmgraph.cli.output import emit, format_option, info, render_rows

__all__ = ["account_table", "accounts", "committee", "contacts", "explain", "status"]

_COMMITTEE_TABLE = [
    "contact_id",
    "name",
    "title",
    "seniority",
    "department",
    "roles",
    "engaged",
    "score",
]


def account_table() -> list[str]:
    """The ranked table's columns: not the covered roles, the missing ones are what to act on."""
    from abmgraph.scoring.views import ACCOUNT_KEYS

    return [k for k in ACCOUNT_KEYS if k != "roles_covered"]


# Listings people read stop here unless --limit says otherwise; JSON and CSV give every row.
TABLE_ROWS = 25


def _shown(rows: list[dict], fmt: str, limit: int | None) -> tuple[list[dict], int]:
    """The rows to print and how many a table's default limit held back."""
    if limit is not None or fmt != "table" or len(rows) <= TABLE_ROWS:
        return rows, 0
    return rows[:TABLE_ROWS], len(rows) - TABLE_ROWS


@click.command()
@click.option("--tier", type=click.IntRange(1, 3), help="Only accounts of this tier.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help=f"Show at most N rows (a table shows {TABLE_ROWS} unless told).",
)
@format_option
@pass_app
def accounts(app: App, tier: int | None, limit: int | None, fmt: str) -> None:
    """Ranked accounts, highest priority first.

    \b
    Example:
        abmgraph accounts --tier 1 --format json
    """
    from abmgraph.scoring.views import ranked_accounts

    rows, more = _shown(ranked_accounts(app.store(), tier=tier, limit=limit), fmt, limit)
    render_rows(rows, fmt, account_table() if fmt == "table" else None, more=more)


_CONTACT_TABLE = [
    "contact_id",
    "name",
    "title",
    "account_name",
    "score",
    "grade",
    "stage",
    "quadrant",
]


@click.command()
@click.option("--account", "account_id", help="Only contacts of this account.")
@click.option("--tier", type=click.IntRange(1, 3), help="Only contacts of accounts of this tier.")
@click.option("--stage", type=click.Choice(["mql", "sql"]), help="Only contacts at this stage.")
@click.option(
    "--quadrant",
    type=click.Choice(["sales_ready", "nurture", "route_elsewhere", "ignore"]),
    help="Only contacts in this fit × engagement quadrant.",
)
@click.option("--role", help="Only contacts holding this buying role (e.g. champion).")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help=f"Show at most N rows (a table shows {TABLE_ROWS} unless told).",
)
@format_option
@pass_app
def contacts(
    app: App,
    account_id: str | None,
    tier: int | None,
    stage: str | None,
    quadrant: str | None,
    role: str | None,
    limit: int | None,
    fmt: str,
) -> None:
    """Ranked contacts, highest score first, with name, title and account.

    \b
    Example:
        abmgraph contacts --account A00042
        abmgraph contacts --tier 1 --quadrant sales_ready --role champion
    """
    from abmgraph.scoring.views import contact_page, ranked_contacts

    filters = dict(account_id=account_id, tier=tier, stage=stage, quadrant=quadrant, role=role)
    if fmt == "table" and limit is None:
        # The default table shows the first rows and says how many more there are.
        shown, total = contact_page(app.store(), TABLE_ROWS, details=True, **filters)
        render_rows(shown, fmt, _CONTACT_TABLE, more=max(total - TABLE_ROWS, 0))
        return
    found = ranked_contacts(app.store(), limit=limit, details=fmt == "table", **filters)
    render_rows(found, fmt, _CONTACT_TABLE if fmt == "table" else None)


@click.command()
@click.argument("account_id")
@format_option
@pass_app
def committee(app: App, account_id: str, fmt: str) -> None:
    """The buying committee of ACCOUNT_ID: people, roles, seniority, scores and gaps.

    \b
    Example:
        abmgraph committee A00042
    """
    from abmgraph.scoring.views import committee as committee_view

    view = committee_view(app.store(), account_id)
    if fmt == "json":
        emit(view, "json")
        return
    people = view.pop("contacts")
    if fmt == "csv":
        render_rows(people, "csv")
        return
    emit(view, "table")
    render_rows(people, "table", _COMMITTEE_TABLE, title="Buying committee")


@click.command()
@click.argument("account_id", required=False)
@click.option("--contact", "contact_id", help="Explain a contact's score instead.")
@click.option("--all", "show_all", is_flag=True, help="Show contributions of zero points too.")
@format_option
@pass_app
def explain(
    app: App, account_id: str | None, contact_id: str | None, show_all: bool, fmt: str
) -> None:
    """Every contribution to an account's priority (or a contact's score).

    The table leaves out contributions of zero points unless --all; JSON
    and CSV list every one.

    \b
    Example:
        abmgraph explain A00042
        abmgraph explain --contact C0000123 --format json
    """
    from abmgraph.scoring.explain import explain_account, explain_contact

    if (account_id is None) == (contact_id is None):
        raise click.UsageError("Give an ACCOUNT_ID or --contact ID (one of them).")
    result = (
        explain_contact(app.store(), contact_id)
        if contact_id
        else explain_account(app.store(), account_id)
    )
    if fmt == "json":
        emit(result, "json")
        return
    parts = result["contributions"]
    hidden = 0 if show_all or fmt != "table" else sum(p["points"] == 0 for p in parts)
    shown = [p for p in parts if show_all or fmt != "table" or p["points"] != 0]
    render_rows(shown, fmt, title=f"{result['id']}: score {result['score']:.2f}")
    if hidden:
        info(f"{hidden} contribution(s) of zero points not shown (--all shows them).")


@click.command()
@format_option
@pass_app
def status(app: App, fmt: str) -> None:
    """What is in the store and when it was last scored.

    \b
    Example:
        abmgraph status --format json
    """
    from abmgraph.status import store_status

    emit(store_status(app.store(), app.workspace), "json" if fmt == "json" else fmt)
