"""``abmgraph report``: the static HTML report of the ranked accounts and their committees."""

from __future__ import annotations

from pathlib import Path

import click

from abmgraph.cli.app import App, pass_app
from abmgraph.cli.output import info

__all__ = ["report"]


@click.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the site into (index.html, accounts/, assets/).",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="How many of the highest-priority accounts get a page.",
)
@click.option(
    "--accounts",
    "accounts_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Exactly these accounts: a file of account ids, one a line (or a CSV with account_id).",
)
@pass_app
def report(app: App, out: Path, top: int, accounts_file: Path | None) -> None:
    """Write a static, offline HTML report: ranked accounts and a page per account.

    Each account page shows its buying committee as a diagram, the
    contributions to its priority as a waterfall, weekly engagement and
    intent, and what sales did with its handovers (rejected, unanswered).
    It opens from disk or as an email attachment: every asset is in
    the folder. The last 'abmgraph backtest' is shown when there is one.

    \b
    Example:
        abmgraph report --out report && open report/index.html
        abmgraph report --out q3-targets --accounts targets.txt
    """
    from abmgraph.history import handovers
    from abmgraph.report import build_report, read_account_ids
    from abmgraph.report.backtest import load_backtest

    ids = read_account_ids(accounts_file) if accounts_file else None
    result = build_report(
        app.store(),
        out,
        top=top,
        account_ids=ids,
        backtest=load_backtest(app.workspace.path),
        progress=info,
        handovers=handovers(app.workspace.path),
    )
    info(f"Wrote {result.index} and {result.pages} account pages.")
