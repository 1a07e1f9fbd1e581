"""The click group, its global options and the commands that write: init, demo, ingest, score.

No scoring maths, pandas or Cypher here: each command parses its options,
calls one library function and renders what comes back.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click

from abmgraph import __version__
from abmgraph.cli.group import CommandGroup
from abmgraph.cli.output import info, render_rows
from abmgraph.workspace import Workspace

# Library modules (pandas and the rest) are imported inside the commands that use
# them: starting the CLI for one command must not load what the others need.
if TYPE_CHECKING:
    from abmgraph.graph.store import GraphStore

__all__ = ["cli"]

# ingest.pipeline.CLI_KINDS, written out: importing it would load pandas for every command.
INGEST_KINDS = [
    "accounts",
    "contacts",
    "engagements",
    "intent",
    "opportunities",
    "opportunity-contacts",
    "feedback",
    "sales-activities",
]


@dataclass
class App:
    workspace: Workspace
    backend: str
    neo4j: dict[str, str | None]
    wait: float = 300.0
    _store: GraphStore | None = field(default=None, repr=False)
    _lock: ExitStack | None = field(default=None, repr=False)

    def lock(self) -> None:
        """Hold the workspace's write lock until the command ends (waiting up to ``wait``)."""
        if self._lock is None:
            from abmgraph.lock import write_lock

            stack = ExitStack()
            stack.enter_context(write_lock(self.workspace.path, wait=self.wait, on_wait=info))
            self._lock = stack

    def store(self, *, write: bool = False) -> GraphStore:
        """The graph store; ``write`` first takes the write lock, before anything is read."""
        if write:
            self.lock()
        if self._store is None:
            from abmgraph.graph.store import open_store

            self._store = open_store(self.backend, self.workspace.path, **self.neo4j)
        return self._store

    def close(self) -> None:
        try:
            if self._store is not None:
                self._store.close()
        finally:
            if self._lock is not None:
                self._lock.close()


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
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    envvar="ABMGRAPH_WAIT",
    default=300.0,
    show_default=True,
    metavar="SECONDS",
    help="How long a writing command waits for another writer (0: fail at once; env ABMGRAPH_WAIT).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    workspace: Path,
    backend: str,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    neo4j_database: str | None,
    wait: float,
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
    app = App(Workspace(workspace), backend, neo4j, wait)
    ctx.obj = app
    ctx.call_on_close(app.close)


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing scoring.toml (and templates).")
@click.option(
    "--templates",
    type=click.Path(path_type=Path),
    help="Also write an empty CSV with the contract's header for every kind into this folder.",
)
@pass_app
def init(app: App, force: bool, templates: Path | None) -> None:
    """Create the workspace and write a commented default scoring.toml.

    \b
    Example:
        abmgraph init && $EDITOR .abmgraph/scoring.toml
        abmgraph init --templates templates/
    """
    if templates is not None:
        from abmgraph.ingest.contract import write_templates

        paths = write_templates(templates, force=force)
        info(f"Wrote {len(paths)} templates to {templates}: {', '.join(p.name for p in paths)}.")
    app.lock()
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
    result = run_demo(
        app.store(write=True), app.workspace, n_accounts, seed, anchor, out, reset=reset
    )
    for report in result.reports:
        info(report.summary_line())
    info(
        f"Scored {result.contacts} contacts and {result.accounts} accounts as of "
        f"{result.as_of:%Y-%m-%d}; {result.in_market} accounts are planted in market "
        f"(see {out / 'truth.csv'})."
    )
    from abmgraph.cli.listings import account_table
    from abmgraph.scoring.views import ranked_accounts

    rows = ranked_accounts(app.store(), limit=limit)
    render_rows(rows, "table", account_table(), "Top accounts")


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
@click.option(
    "--strict", is_flag=True, help="Any rejected row or warning is an error; nothing is loaded."
)
@click.option(
    "--dayfirst",
    is_flag=True,
    help="Read dates such as 05/06/2026 day-first when no value settles it (default month-first).",
)
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
    dayfirst: bool,
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
        abmgraph ingest feedback Lead.csv --preset salesforce
    """
    import json

    from abmgraph.ingest.pipeline import ingest_file
    from abmgraph.safe_io import check_output

    if rejects is not None:
        check_output(
            rejects, option="--rejects", protected=[app.workspace.store_path], inputs=[file]
        )
    config = app.workspace.config()
    store = app.store(write=True)
    if not dry_run:
        app.workspace.forget_demo()  # the store now holds the user's data: demo --reset keeps off
    report = ingest_file(
        store,
        kind,
        file,
        preset=preset,
        rejects_path=rejects or app.workspace.rejects_path(kind),
        strict=strict,
        quiet=quiet,
        engagement_types=config.engagement_types,
        dayfirst=dayfirst,
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
@click.option(
    "--full",
    is_flag=True,
    help="Rescore every account, not only those whose inputs changed since the last run.",
)
@click.option(
    "--webhook",
    metavar="URL",
    help="POST the run's alerts to this URL as JSON (default: [alerts] webhook in the config).",
)
@pass_app
def score(
    app: App, as_of: str | None, config: Path | None, fmt: str, full: bool, webhook: str | None
) -> None:
    """Score what changed since the last run (or everything), store it, record the run and alert.

    Only the accounts whose data changed are rescored, unless --full, a
    changed config, a never-scored store or an --as-of before the stored
    scores' asks for every account.

    \b
    Example:
        abmgraph score --as-of 2026-09-30
        abmgraph score --full
        abmgraph score --webhook https://hooks.example.com/abm
    """
    import json

    from abmgraph.alerts import AlertsNotDelivered, after_score
    from abmgraph.scoring.engine import parse_as_of, score_store

    when = parse_as_of(as_of)  # refused before anything is locked or written
    if webhook is not None:
        from abmgraph.alerts.sinks import check_webhook

        webhook = check_webhook(webhook)
    settings = app.workspace.config(config)
    store = app.store(write=True)
    result = score_store(store, settings, when, full=full)
    undelivered = None
    try:
        outcome = after_score(app.workspace.path, store, result, settings, webhook=webhook)
    except AlertsNotDelivered as exc:  # reported after the summary: the run itself is recorded
        outcome, undelivered = exc.outcome, exc
    seconds = sum(result.timings.values())
    summary = {
        "as_of": result.as_of.isoformat(),
        # What the stored result holds; the rows this run rescored are counted apart.
        "contacts": result.stored["contacts"],
        "accounts": result.stored["accounts"],
        "mode": result.mode,
        "accounts_rescored": result.accounts_rescored,
        "contacts_rescored": len(result.contacts),
        "full_reason": result.full_reason,
        "seconds": round(seconds, 3),
        # Where the time went: finding what changed, reading the tables, aggregating
        # events, scoring, writing back.
        "timings": {phase: round(t, 3) for phase, t in result.timings.items()},
        "warnings": result.warnings,
        **outcome.as_dict(),
    }
    for warning in result.warnings:
        info(f"Warning: {warning}")
    if fmt == "json":
        click.echo(json.dumps(summary))
    else:
        took = f"as of {result.as_of:%Y-%m-%d %H:%M} UTC in {seconds:.1f} s"
        if result.mode == "full":
            info(
                f"Scored {summary['contacts']} contacts and {summary['accounts']} accounts "
                f"{took} (full run: {result.full_reason})."
            )
        else:
            info(
                f"Rescored {result.accounts_rescored} of {summary['accounts']} accounts and "
                f"{summary['contacts_rescored']} of {summary['contacts']} contacts {took} "
                "(incremental run: only what changed; the others keep their as-of)."
            )
        info(outcome.summary_line(app.workspace.path))
    if undelivered is not None:
        raise undelivered
