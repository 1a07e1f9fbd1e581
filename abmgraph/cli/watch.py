"""``abmgraph watch``: ingest what lands in a folder, rescore, alert, file it away."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from abmgraph.cli.app import App, pass_app
from abmgraph.cli.output import info

if TYPE_CHECKING:
    from abmgraph.watch import Watcher

__all__ = ["watch"]


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> timedelta | None:
    if value is None:
        return None
    from abmgraph.errors import ConfigError
    from abmgraph.scoring.watch_settings import parse_duration

    try:
        return parse_duration(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--once", is_flag=True, help="Process what is in FOLDER now and exit.")
@click.option(
    "--webhook",
    metavar="URL",
    help="POST each rescore's alerts to this URL as JSON (default: [alerts] webhook).",
)
@click.option(
    "--full-every",
    metavar="DURATION",
    callback=_duration,
    help="Time between full rescores, e.g. 24h, 90m (default: [watch] full_every, 24h).",
)
@click.option(
    "--poll",
    type=click.FloatRange(min=0.05, max=3600),
    default=0.5,
    show_default=True,
    metavar="SECONDS",
    help="Seconds between looks at FOLDER; a file is read once two looks find it unchanged "
    "(at once where the system says it is complete).",
)
@pass_app
def watch(
    app: App,
    folder: Path,
    once: bool,
    webhook: str | None,
    full_every: timedelta | None,
    poll: float,
) -> None:
    """Ingest files dropped into FOLDER, rescore and alert; file them in done/ or failed/.

    Files are named by kind (accounts-*.csv, contacts-*.csv, engagements-*.csv,
    intent-*, opportunities-*, opportunity-contacts-*, feedback-*,
    sales-activities-*; CSV, Parquet or JSON
    Lines), a CRM export with its preset first (salesforce-contacts-*.csv).
    Each poll's files are ingested parents first, then rescored once. An edit
    of the workspace's scoring.toml is taken up at the next poll (--webhook and
    --full-every still override it); an invalid one is reported and ignored.

    \b
    Example:
        abmgraph watch inbox --once
        abmgraph watch inbox --webhook https://hooks.example.com/abm --full-every 12h
    """
    from abmgraph.graph.store import open_store
    from abmgraph.scoring.watch_settings import format_duration
    from abmgraph.watch import Watcher

    if webhook is not None:
        from abmgraph.alerts.sinks import check_webhook

        webhook = check_webhook(webhook)
    config = app.workspace.config()
    watcher = Watcher(
        folder,
        # A store opened afresh for each batch, under the write lock taken per batch:
        # other commands write in between, and the next batch sees what they wrote.
        lambda: open_store(app.backend, app.workspace.path, **app.neo4j),
        app.workspace,
        config,
        full_every=full_every,
        webhook=webhook,
        poll=poll,
        wait=app.wait,
        report=info,
        notify=True,
    )
    with _stop_on_signals(watcher):
        if not once:  # said once Ctrl-C is wired: a stop from then on is clean
            info(
                f"Watching {folder} every {poll:g} s, a full rescore every "
                f"{format_duration(watcher.full_every)}; Ctrl-C stops."
            )
        summary = watcher.run(once=once)
    info(summary.line())
    if once and not summary.ok:
        raise click.ClickException(
            f"{len(summary.failed)} of {len(summary.files)} files failed "
            f"(see {folder / 'failed'}/*.reason.txt)"
            if summary.failed
            else "a rescore failed or its alerts were not delivered; see the lines above."
        )


@contextmanager
def _stop_on_signals(watcher: Watcher) -> Iterator[None]:
    """Ctrl-C or SIGTERM asks the watcher to stop after the current file; a second aborts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        if watcher.stopping:
            raise KeyboardInterrupt
        info("Stopping after the current file (Ctrl-C again aborts at once).")
        watcher.request_stop()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
