"""The click group, its global options and the commands.

No scoring maths, pandas or Cypher here: each command parses its options,
calls one library function and renders what comes back.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from abmgraph import __version__
from abmgraph.cli.group import CommandGroup
from abmgraph.cli.output import emit, format_option, info, limit_option, render_rows
from abmgraph.workspace import Workspace

# Library modules (pandas and the rest) are imported inside the commands that use
# them: starting the CLI for one command must not load what the others need.
if TYPE_CHECKING:
    from abmgraph.graph.store import GraphStore

__all__ = ["cli"]

INGEST_KINDS = [
    "accounts",
    "contacts",
    "engagements",
    "intent",
    "opportunities",
    "opportunity-contacts",
]


@dataclass
class App:
    workspace: Workspace
    backend: str
    neo4j: dict[str, str | None]
    _store: GraphStore | None = field(default=None, repr=False)

    def store(self) -> GraphStore:
        if self._store is None:
            from abmgraph.graph.store import open_store

            self._store = open_store(self.backend, self.workspace.path, **self.neo4j)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


pass_app = click.make_pass_decorator(App)


@click.group(cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="abmgraph")
@click.option(
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="ABMGRAPH_WORKSPACE",
    default=Path(".abmgraph"),
    show_default=True,
    help="Workspace folder (env ABMGRAPH_WORKSPACE).",
)
@click.option(
    "--backend",
    type=click.Choice(["embedded", "neo4j"]),
    envvar="ABMGRAPH_BACKEND",
    default="embedded",
    show_default=True,
    help="Graph store (env ABMGRAPH_BACKEND).",
)
@click.option("--neo4j-uri", envvar="NEO4J_URI", help="Neo4j URI (env NEO4J_URI).")
@click.option("--neo4j-user", envvar="NEO4J_USER", help="Neo4j user (env NEO4J_USER).")
@click.option(
    "--neo4j-database", envvar="NEO4J_DATABASE", help="Neo4j database (env NEO4J_DATABASE)."
)
@click.pass_context
def cli(
    ctx: click.Context,
    workspace: Path,
    backend: str,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    neo4j_database: str | None,
) -> None:
    """Rank target accounts by how their buying committees engage.

    \b
    Example:
        abmgraph demo
        abmgraph accounts --limit 10
        abmgraph explain A00042
    """
    # The password is read from NEO4J_PASSWORD only: secrets stay off the command line.
    neo4j = {
        "uri": neo4j_uri,
        "user": neo4j_user,
        "password": os.environ.get("NEO4J_PASSWORD"),
        "database": neo4j_database,
    }
    app = App(Workspace(workspace), backend, neo4j)
    ctx.obj = app
    ctx.call_on_close(app.close)


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing scoring.toml.")
@pass_app
def init(app: App, force: bool) -> None:
    """Create the workspace and write a commented default scoring.toml.

    \b
    Example:
        abmgraph init && $EDITOR .abmgraph/scoring.toml
    """
    if app.workspace.init(force=force):
        info(f"Wrote {app.workspace.config_path}: every setting is commented; edit and re-score.")
    else:
        info(f"{app.workspace.config_path} already exists; use --force to overwrite it.")


@cli.command()
@click.option(
    "--accounts", "n_accounts", type=click.IntRange(min=1), default=200, show_default=True
)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
@click.option("--anchor", help="The 'today' of the data (YYYY-MM-DD); default today.")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), help="Folder for the CSV files."
)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--reset", is_flag=True, help="Empty the store first (it must be empty otherwise).")
@pass_app
def demo(
    app: App,
    n_accounts: int,
    seed: int,
    anchor: str | None,
    out: Path | None,
    limit: int,
    reset: bool,
) -> None:
    """Generate a realistic synthetic dataset, ingest it and score it.

    \b
    Example:
        abmgraph demo --accounts 500 --seed 1
    """
    from abmgraph.demo_run import run_demo

    out = out or app.workspace.path / "demo-data"
    result = run_demo(app.store(), app.workspace, n_accounts, seed, anchor, out, reset=reset)
    for report in result.reports:
        info(report.summary_line())
    info(
        f"Scored {result.contacts} contacts and {result.accounts} accounts as of "
        f"{result.as_of:%Y-%m-%d}; {result.in_market} accounts are planted in market "
        f"(see {out / 'truth.csv'})."
    )
    from abmgraph.scoring.views import ranked_accounts

    rows = ranked_accounts(app.store(), limit=limit)
    render_rows(rows, "table", _account_table(), "Top accounts")


@cli.command()
@click.argument("kind", type=click.Choice(INGEST_KINDS))
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--preset",
    type=click.Choice(["native", "salesforce", "hubspot"]),
    default="native",
    show_default=True,
    help="Map a CRM export's columns onto the data contract.",
)
@click.option(
    "--rejects", type=click.Path(dir_okay=False, path_type=Path), help="Where rejected rows go."
)
@click.option("--strict", is_flag=True, help="Any rejected row is an error; nothing is loaded.")
@click.option(
    "--encoding",
    metavar="NAME",
    help="The text file's encoding (utf-8, cp1252, latin-1, utf-16 …); default: detected.",
)
@click.option(
    "--dry-run", is_flag=True, help="Validate and report (rejects file too); store nothing."
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_app
def ingest(
    app: App,
    kind: str,
    file: Path,
    preset: str,
    rejects: Path | None,
    strict: bool,
    encoding: str | None,
    dry_run: bool,
    quiet: bool,
    fmt: str,
) -> None:
    """Load a CSV, Parquet or JSON Lines file of KIND into the graph.

    \b
    Example:
        abmgraph ingest accounts accounts.csv
        abmgraph ingest contacts Contact.csv --preset salesforce --encoding cp1252
        abmgraph ingest contacts contacts.csv --dry-run
    """
    import json

    from abmgraph.ingest.pipeline import ingest_file

    config = app.workspace.config()
    report = ingest_file(
        app.store(),
        kind,
        file,
        preset=preset,
        rejects_path=rejects or app.workspace.rejects_path(kind),
        strict=strict,
        quiet=quiet,
        engagement_types=config.engagement_types,
        encoding=encoding,
        dry_run=dry_run,
    )
    if fmt == "json":
        click.echo(json.dumps(report.as_dict()))
    else:
        info(report.summary_line())


@cli.command()
@click.option(
    "--as-of", help="Score as of this date or instant (default: now); later events are ignored."
)
@click.option(
    "--config", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="Scoring config."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_app
def score(app: App, as_of: str | None, config: Path | None, fmt: str) -> None:
    """Score every contact and account and store the result.

    \b
    Example:
        abmgraph score --as-of 2026-09-30
    """
    import json

    from abmgraph.scoring.engine import parse_as_of, score_store

    result = score_store(app.store(), app.workspace.config(config), parse_as_of(as_of))
    seconds = sum(result.timings.values())
    summary = {
        "as_of": result.as_of.isoformat(),
        "contacts": len(result.contacts),
        "accounts": len(result.accounts),
        "seconds": round(seconds, 3),
        # Where the time went: reading the tables, aggregating events, scoring, writing back.
        "timings": {phase: round(t, 3) for phase, t in result.timings.items()},
    }
    if fmt == "json":
        click.echo(json.dumps(summary))
    else:
        info(
            f"Scored {summary['contacts']} contacts and {summary['accounts']} accounts "
            f"as of {result.as_of:%Y-%m-%d %H:%M} UTC in {seconds:.1f} s."
        )


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


def _account_table() -> list[str]:
    """The ranked table's columns: not the covered roles, the missing ones are what to act on."""
    from abmgraph.scoring.views import ACCOUNT_KEYS

    return [k for k in ACCOUNT_KEYS if k != "roles_covered"]


@cli.command()
@click.option("--tier", type=click.IntRange(1, 3), help="Only accounts of this tier.")
@limit_option
@format_option
@pass_app
def accounts(app: App, tier: int | None, limit: int | None, fmt: str) -> None:
    """Ranked accounts, highest priority first.

    \b
    Example:
        abmgraph accounts --tier 1 --format json
    """
    from abmgraph.scoring.views import ranked_accounts

    rows = ranked_accounts(app.store(), tier=tier, limit=limit)
    render_rows(rows, fmt, _account_table() if fmt == "table" else None)


@cli.command()
@click.option("--account", "account_id", help="Only contacts of this account.")
@limit_option
@format_option
@pass_app
def contacts(app: App, account_id: str | None, limit: int | None, fmt: str) -> None:
    """Ranked contacts, highest score first.

    \b
    Example:
        abmgraph contacts --account A00042
    """
    from abmgraph.scoring.views import ranked_contacts

    render_rows(ranked_contacts(app.store(), account_id=account_id, limit=limit), fmt)


@cli.command()
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


@cli.command()
@click.argument("account_id", required=False)
@click.option("--contact", "contact_id", help="Explain a contact's score instead.")
@format_option
@pass_app
def explain(app: App, account_id: str | None, contact_id: str | None, fmt: str) -> None:
    """Every contribution to an account's priority (or a contact's score).

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
    render_rows(result["contributions"], fmt, title=f"{result['id']}: score {result['score']:.2f}")


@cli.command()
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
