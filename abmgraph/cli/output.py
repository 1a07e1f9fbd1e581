"""Rendering of command results: a rich table for people, JSON or CSV for pipes.

JSON and CSV go to stdout and nothing else does; summaries and progress go
to stderr, so ``abmgraph accounts --format json | jq`` always works.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Collection, Sequence
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


# Scores people compare at a glance: one decimal is enough in a table.
_ONE_DECIMAL = {"fit_score", "engagement_score"}
# A word longer than this (a URL, say) may be folded; anything shorter never is.
_LONGEST_WORD = 32


def _cell(value: Any, column: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        # Lists hold vocabulary names (roles, departments): shown as words, so a narrow
        # column wraps between them ("technical evaluator") instead of inside one.
        return ", ".join(str(v).replace("_", " ") for v in value)
    if isinstance(value, float):
        return f"{value:.1f}" if column in _ONE_DECIMAL else f"{value:.2f}"
    return str(value)


def render_rows(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    columns: Sequence[str] | None = None,
    title: str = "",
    *,
    more: int = 0,
    item_lines: Collection[str] = (),
) -> None:
    """Print rows as a table, a JSON list or CSV.

    ``more`` is how many further rows a default limit held back: the table
    then ends with ``… N more (--limit)``. ``item_lines`` names the columns
    whose cells hold one item a line: a table keeps those lines whole when
    it has room.
    """
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
        _table(rows, columns, title, more, item_lines)


# Short headers keep the common tables within 100 columns.
HEADERS = {
    "account_id": "account",
    "contact_id": "contact",
    "account_name": "account name",
    "fit_score": "fit",
    "engagement_score": "eng",
    "engaged_contacts": "people",
    "departments_engaged": "depts",
    "roles_covered": "roles covered",
    "missing_roles": "missing roles",
    "moved": "stage",
    "top_movers": "top movers",
}
# A table this wide or narrower fits the terminal it is printed on, or 100 columns in a pipe.
PIPE_WIDTH = 100


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_WHOLE = {"tier", "grade", "stage", "quadrant", "move", "priority", "score", "owner"}


def _fit_widths(natural: list[int], least: list[int], whole: list[bool], room: int) -> list[int]:
    """Column widths within ``room``: each at least ``least``, the spare shared by what it lacks.

    When even the least widths do not fit, whole columns (ids, numbers) keep
    theirs and the text columns share what is left, so only long text folds.

    >>> _fit_widths([10, 30, 20], [10, 8, 6], [True, False, False], 40)
    [10, 17, 12]
    >>> _fit_widths([8, 40, 30], [8, 20, 12], [True, False, False], 24)
    [8, 10, 6]
    """
    if sum(natural) <= room:
        return natural
    spare = room - sum(least)
    if spare < 0:
        fixed = sum(m for m, w in zip(least, whole, strict=True) if w)
        text = sum(m for m, w in zip(least, whole, strict=True) if not w) or 1
        share = max(room - fixed, 0)
        return [m if w else max(m * share // text, 4) for m, w in zip(least, whole, strict=True)]
    wants = [n - m for n, m in zip(natural, least, strict=True)]
    total = sum(wants) or 1
    return [m + (w * spare) // total for m, w in zip(least, wants, strict=True)]


def _keep_lines(cells: list[list[str]], least: list[int], room: int, keep: list[bool]) -> None:
    """Widen ``least`` so that the ``keep`` columns keep each line whole, if room allows.

    A cell of one item a line (``volume +15.2`` over ``fit: industry +10``)
    reads badly when an item wraps, so such a column is kept as wide as its
    longest line (up to ``_LONGEST_WORD``), the cheapest first, while the
    least widths still fit in ``room``; one that cannot be is given what room
    is left, so fewer of its lines wrap.
    """
    lines = [
        max((len(part) for line in cells for part in line[i].split("\n")), default=0)
        if keep[i]
        else 0
        for i in range(len(least))
    ]
    for i in sorted(range(len(least)), key=lambda i: lines[i] - least[i]):
        wider = min(lines[i], _LONGEST_WORD, room - sum(least) + least[i])
        least[i] = max(least[i], wider)


def _table(
    rows: Sequence[dict[str, Any]],
    columns: list[str],
    title: str,
    more: int,
    item_lines: Collection[str] = (),
) -> None:
    """A rich table: ids and numbers kept whole and right-aligned, text wrapped between words."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=title or None,
        box=box.SIMPLE_HEAD,
        header_style="bold",
        show_edge=False,
        padding=(0, 1, 0, 0),
        pad_edge=False,
        caption=f"… {more} more (--limit)" if more else None,
        caption_justify="left",
    )
    cells = [[_cell(row.get(c), c) for c in columns] for row in rows]
    headers = [HEADERS.get(c, c) for c in columns]
    numeric = [
        any(_is_number(row.get(c)) for row in rows)
        and all(row.get(c) is None or _is_number(row.get(c)) for row in rows)
        for c in columns
    ]
    flags = [all(isinstance(row.get(c), bool | None) for row in rows) for c in columns]
    whole = [
        n or f or c.endswith("_id") or c in _WHOLE
        for n, f, c in zip(numeric, flags, columns, strict=True)
    ]
    # A cell of several lines (one item a line) is as wide as its longest line.
    natural = [
        max([len(h), *(len(part) for line in cells for part in line[i].split("\n"))])
        for i, h in enumerate(headers)
    ]
    # Text wraps between words, never inside one: a column is never narrower than its
    # longest word (ids, numbers, tiers and stages never wrap at all).
    least = [
        natural[i]
        if whole[i]
        else min(
            max(
                [
                    *(len(w) for line in cells for w in line[i].split()),
                    *map(len, headers[i].split()),
                ],
                default=1,
            ),
            _LONGEST_WORD,
        )
        for i in range(len(columns))
    ]
    width = Console().width if sys.stdout.isatty() else PIPE_WIDTH
    keep = [c in item_lines for c in columns]
    _keep_lines(cells, least, width - 2 * (len(columns) - 1) - 1, keep)
    # Columns are two spaces apart, or one when that is what it takes to keep words whole.
    gap = 2 if sum(least) + 2 * (len(columns) - 1) <= width else 1
    table.padding = (0, gap - 1, 0, 0)
    widths = _fit_widths(natural, least, whole, width - gap * (len(columns) - 1) - 1)
    for i, header in enumerate(headers):
        table.add_column(
            header,
            justify="right" if numeric[i] else "left",
            no_wrap=whole[i],
            width=widths[i],
            overflow="ellipsis" if whole[i] else "fold",
        )
    for line in cells:
        table.add_row(*line)
    Console(width=width).print(table)
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
