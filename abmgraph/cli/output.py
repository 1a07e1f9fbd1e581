"""Rendering of command results: a rich table for people, JSON or CSV for pipes.

JSON and CSV go to stdout and nothing else does; summaries and progress go
to stderr, so ``abmgraph accounts --format json | jq`` always works.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Any

import click

# rich is imported where a table is drawn: JSON and CSV output start faster without it.

__all__ = ["emit", "format_option", "info", "limit_option", "render_rows"]

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format: a table for reading, JSON or CSV for other tools.",
)
limit_option = click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Show at most N rows."
)


def info(message: str) -> None:
    """A progress or summary line on stderr."""
    click.echo(message, err=True)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def render_rows(
    rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str] | None = None, title: str = ""
) -> None:
    """Print rows as a table, a JSON list or CSV."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        click.echo(json.dumps(list(rows), default=str, ensure_ascii=False))
    elif fmt == "csv":
        # Text a spreadsheet would run as a formula is disarmed (see abmgraph.export.formulas).
        from abmgraph.export.formulas import neutralise_cell

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                [
                    neutralise_cell(";".join(map(str, v)) if isinstance(v, list) else v)
                    for v in (row.get(c) for c in columns)
                ]
            )
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title or None, show_lines=False, header_style="bold")
        for column in columns:
            numeric = bool(rows) and isinstance(rows[0].get(column), int | float)
            table.add_column(column, justify="right" if numeric else "left", overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row.get(c)) for c in columns))
        Console(width=max(Console().width, 160) if not sys.stdout.isatty() else None).print(table)
        if not rows:
            info("No rows.")


def emit(obj: Any, fmt: str) -> None:
    """Print one object as JSON (table format prints it as key/value pairs)."""
    if fmt == "json":
        click.echo(json.dumps(obj, default=str, ensure_ascii=False))
        return
    rows = [{"key": k, "value": _cell(v)} for k, v in obj.items()]
    if fmt == "csv":
        render_rows(rows, "csv", ["key", "value"])
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(show_header=False, box=None)
        for row in rows:
            table.add_row(f"[bold]{row['key']}[/bold]", row["value"])
        Console().print(table)
