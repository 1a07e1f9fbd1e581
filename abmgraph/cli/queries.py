"""Graph questions: gaps, org, warm-paths, hierarchy, surging, intent, similar, champions, cypher.

Each command parses its options, asks ``abmgraph.queries`` one question and
renders the answer: a table (or a tree) for reading, JSON or CSV for pipes.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from abmgraph.cli.app import App, pass_app
from abmgraph.cli.output import emit, format_option, info, limit_option, render_rows

# The queries (pandas, networkx) are imported inside each command and rich where a
# tree is drawn: a question loads only what answering and printing it needs.

__all__ = [
    "champions",
    "cypher",
    "gaps",
    "hierarchy",
    "intent",
    "org",
    "similar",
    "surging",
    "warm_paths",
]

_GAP_TABLE = ["role", "rank", "contact_id", "name", "title", "seniority", "engaged", "fit", "why"]
_POWER_TABLE = ["champion", "target", "target_roles", "hops", "route"]
_WARM_TABLE = ["kind", "customer", "name", "title", "hops", "strength", "route"]
_SURGE_TABLE = [
    "account_id",
    "name",
    "priority",
    "tier",
    "change",
    "change_pct",
    "recent_contacts",
    "surge",
    "intent_topics",
]
_INTENT_TABLE = ["account_id", "topic", "score", "trend", "surge", "first_seen", "last_seen"]
_CHAMPION_TABLE = [
    "contact_id",
    "name",
    "title",
    "account",
    "champion_score",
    "engagement_score",
    "why",
]


@click.command()
@click.argument("account_id", required=False)
@click.option("--all", "portfolio", is_flag=True, help="Missing roles across the portfolio.")
@click.option("--tier", type=click.IntRange(1, 3), help="With --all: only accounts of this tier.")
@click.option(
    "--per-role",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Candidates per role.",
)
@limit_option
@format_option
@pass_app
def gaps(
    app: App,
    account_id: str | None,
    portfolio: bool,
    tier: int | None,
    per_role: int,
    limit: int | None,
    fmt: str,
) -> None:
    """Who could fill the buying roles nobody engaged holds.

    For each missing role of ACCOUNT_ID, the known contacts who could fill it,
    ranked by title, department, seniority and org-chart position, with why;
    with --all, the missing roles across the portfolio.

    \b
    Example:
        abmgraph gaps A00042
        abmgraph gaps --all --tier 1 --format csv
    """
    from abmgraph.queries import account_gaps, portfolio_gaps
    from abmgraph.queries.gaps import PORTFOLIO_KEYS

    if portfolio == (account_id is not None):
        raise click.UsageError("Give an ACCOUNT_ID or --all (one of them).")
    if tier is not None and not portfolio:
        raise click.UsageError("--tier goes with --all.")
    if portfolio:
        rows = portfolio_gaps(app.store(), tier=tier, limit=limit)
        render_rows(rows, fmt, PORTFOLIO_KEYS if fmt == "table" else None, "Missing roles")
        return
    rows = account_gaps(app.store(), account_id, per_role=per_role)
    if not rows:
        info(f"Every required role at {account_id} is covered by an engaged contact.")
    rows = rows[:limit] if limit else rows
    render_rows(rows, fmt, _GAP_TABLE if fmt == "table" else None, f"Gaps at {account_id}")


@click.command()
@click.argument("account_id")
@format_option
@pass_app
def org(app: App, account_id: str, fmt: str) -> None:
    """The org chart and each champion's path to power.

    The REPORTS_TO tree of ACCOUNT_ID, each person with seniority,
    department, roles and engagement, and for each champion the route to the
    nearest decision maker or economic buyer. JSON gives one object
    (account_id, name, people, paths_to_power); CSV the people.

    \b
    Example:
        abmgraph org A00042
        abmgraph org A00042 --format json | jq '.paths_to_power'
    """
    from abmgraph.queries import org_chart

    chart = org_chart(app.store(), account_id)
    if fmt == "json":
        emit(chart, "json")
        return
    if fmt == "csv":
        render_rows(chart["people"], "csv")
        return
    if not chart["people"]:
        info(f"No contacts are known at {account_id}.")
        return
    _print_tree(f"{chart['name']} ({account_id})", chart["people"], "contact_id", _person)
    render_rows(chart["paths_to_power"], "table", _POWER_TABLE, "Path to power")


def _person(p: dict[str, Any]) -> str:
    from rich.markup import escape

    facts = ", ".join(str(v) for v in (p["seniority"], p["department"]) if v)
    parts = [f"[bold]{escape(p['name'] or p['contact_id'])}[/bold] — {escape(p['title'] or '?')}"]
    parts[0] += f" ({escape(facts)})" if facts else ""
    if p["roles"]:
        parts.append(", ".join(p["roles"]))
    engagement = f" {p['engagement_score']:.1f}" if p["engagement_score"] is not None else ""
    parts.append(("[green]engaged[/green]" if p["engaged"] else "not engaged") + engagement)
    if p["note"]:
        parts.append(f"[yellow]{escape(p['note'])}[/yellow]")
    return " · ".join(parts)


def _print_tree(title: str, rows: list[dict[str, Any]], key: str, label: Any) -> None:
    """Draw rows given in tree order (each with ``parent_id``) as a rich Tree."""
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    root = Tree(f"[bold]{escape(title)}[/bold]")
    branches: dict[str | None, Tree] = {None: root}
    for row in rows:
        branches[row[key]] = branches[row["parent_id"]].add(label(row))
    # Piped output is not wrapped to a narrow default terminal.
    Console(width=None if sys.stdout.isatty() else 200).print(root)


@click.command("warm-paths")
@click.argument("account_id")
@limit_option
@format_option
@pass_app
def warm_paths(app: App, account_id: str, limit: int | None, fmt: str) -> None:
    """Job changers and people-paths from customers.

    Contacts now at ACCOUNT_ID who worked at a customer or were on a won
    deal, and the shortest people-path from each other customer, strongest
    first, with the path spelled out.

    \b
    Example:
        abmgraph warm-paths A00042
        abmgraph warm-paths A00042 --format json --limit 5
    """
    from abmgraph.queries import warm_paths as find_paths

    rows = find_paths(app.store(), account_id, limit=limit)
    if not rows:
        info(f"No job changer or people-path links a customer to {account_id}.")
    render_rows(rows, fmt, _WARM_TABLE if fmt == "table" else None, f"Warm paths into {account_id}")


@click.command()
@click.argument("account_id")
@format_option
@pass_app
def hierarchy(app: App, account_id: str, fmt: str) -> None:
    """An account's corporate family and its roll-up.

    The parent and subsidiaries of ACCOUNT_ID with each one's priority, and
    committee engagement rolled up across the family. JSON gives one
    object (account_id, name, family, rollup); CSV the family.

    \b
    Example:
        abmgraph hierarchy A00042
    """
    from abmgraph.queries import hierarchy as family_of

    family = family_of(app.store(), account_id)
    if fmt == "json":
        emit(family, "json")
        return
    if fmt == "csv":
        render_rows(family["family"], "csv")
        return
    _print_tree(
        f"{family['name']} ({account_id}): corporate family",
        family["family"],
        "account_id",
        _member,
    )
    emit(family["rollup"], "table")


def _member(m: dict[str, Any]) -> str:
    from rich.markup import escape

    name = escape(f"{m['name'] or ''} ({m['account_id']})".strip())
    parts = [f"[bold]{name}[/bold]" if m["relation"] == "self" else name, m["relation"]]
    if m["priority"] is not None:
        parts.append(f"priority {m['priority']:.1f}, tier {m['tier']}")
    else:
        parts.append("not scored")
    parts.append(f"{m['engaged_contacts'] or 0} engaged")
    if m["note"]:
        parts.append(f"[yellow]{escape(m['note'])}[/yellow]")
    return " · ".join(parts)


@click.command()
@click.option(
    "--days", type=click.IntRange(min=1), default=14, show_default=True, help="Window length."
)
@click.option("--as-of", help="End of the recent window (default: the last scoring's as-of).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@format_option
@pass_app
def surging(app: App, days: int, as_of: str | None, limit: int, fmt: str) -> None:
    """Accounts surging on first-party engagement, intent, or both.

    First-party: engagement points in the last --days days against the same
    number of days before. Intent: a topic whose score rose by the config's
    intent.surge_points over its intent.surge_weeks. The `surge` column says
    which; the strongest first.

    \b
    Example:
        abmgraph surging --days 7
        abmgraph surging --format json | jq '.[0]'
    """
    from abmgraph.queries import surging as rising

    intent = app.workspace.config().intent
    rows = rising(app.store(), days=days, as_of=as_of, limit=limit, intent=intent)
    if not rows:
        info(f"No account's engagement rose in the last {days} days, and no intent topic surged.")
    title = (
        f"Surging: points in the last {days} days against the {days} before; intent topics up "
        f"{intent.surge_points:g}+ in {intent.surge_weeks} weeks"
    )
    render_rows(rows, fmt, _SURGE_TABLE if fmt == "table" else None, title)


@click.command()
@click.argument("account_id", required=False)
@click.option("--as-of", help="The instant to look from (default: the last scoring's as-of).")
@click.option(
    "--surge-points", type=click.FloatRange(0, 100, min_open=True), help="Rise that is a surge."
)
@click.option("--surge-weeks", type=click.IntRange(1, 520), help="Weeks the rise is measured over.")
@click.option("--surging", "only_surging", is_flag=True, help="Only the topics that surge.")
@limit_option
@format_option
@pass_app
def intent(
    app: App,
    account_id: str | None,
    as_of: str | None,
    surge_points: float | None,
    surge_weeks: int | None,
    only_surging: bool,
    limit: int | None,
    fmt: str,
) -> None:
    """Intent topics with score, first and last seen, and trend.

    Of ACCOUNT_ID, or of every account. The trend is the rise of a topic's
    score over the last intent.surge_weeks weeks (from 0 for a topic first
    seen in them); a rise of intent.surge_points or more is a surge. The
    largest rise first.

    \b
    Example:
        abmgraph intent A00042
        abmgraph intent --surging --format csv > surging-topics.csv
    """
    from abmgraph.queries import intent_topics

    settings = app.workspace.config().intent
    changed = {"surge_points": surge_points, "surge_weeks": surge_weeks}
    settings = settings.model_copy(update={k: v for k, v in changed.items() if v is not None})
    rows = intent_topics(app.store(), account_id, as_of=as_of, surge=settings)
    if only_surging:
        rows = [r for r in rows if r["surge"]]
    more = 0
    if limit is not None:
        more, rows = max(len(rows) - limit, 0), rows[:limit]
    if not rows:
        info("No intent topics" + (f" for {account_id}." if account_id else "."))
    title = (
        f"Intent topics{' of ' + account_id if account_id else ''}: trend over "
        f"{settings.surge_weeks} weeks, a surge at +{settings.surge_points:g}"
    )
    columns = _INTENT_TABLE[1:] if account_id and fmt == "table" else _INTENT_TABLE
    render_rows(rows, fmt, columns if fmt == "table" else None, title, more=more)


@click.command()
@click.argument("account_id", required=False)
@click.option("--to-customers", is_flag=True, help="Prospects that look most like a customer.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@format_option
@pass_app
def similar(app: App, account_id: str | None, to_customers: bool, limit: int, fmt: str) -> None:
    """Look-alike accounts, or prospects like customers.

    Similarity by firmographics, shared technologies and committee shape:
    to ACCOUNT_ID, or with --to-customers each prospect's nearest customer.

    \b
    Example:
        abmgraph similar A00042
        abmgraph similar --to-customers --format csv > lookalikes.csv
    """
    from abmgraph.queries import similar_accounts, similar_to_customers

    if to_customers == (account_id is not None):
        raise click.UsageError("Give an ACCOUNT_ID or --to-customers (one of them).")
    if to_customers:
        rows = similar_to_customers(app.store(), limit=limit)
        render_rows(rows, fmt, title="Look-alikes of customers")
    else:
        rows = similar_accounts(app.store(), account_id, limit=limit)
        render_rows(rows, fmt, title=f"Accounts like {account_id}")


@click.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@format_option
@pass_app
def champions(app: App, limit: int, fmt: str) -> None:
    """The contacts most likely to champion a deal.

    Engaged, manager or above, best with a history of won deals or of
    working at a customer.

    \b
    Example:
        abmgraph champions --limit 10
    """
    from abmgraph.queries import champions as likely

    rows = likely(app.store(), limit=limit)
    render_rows(rows, fmt, _CHAMPION_TABLE if fmt == "table" else None, "Likely champions")


@click.command()
@click.argument("query")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A query parameter ($NAME); VALUE is JSON if it parses, else text. Repeatable.",
)
@click.option(
    "--timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds before giving up."
)
@limit_option
@format_option
@pass_app
def cypher(
    app: App,
    query: str,
    params: tuple[str, ...],
    timeout: float | None,
    limit: int | None,
    fmt: str,
) -> None:
    """Run a read-only Cypher query on Neo4j.

    QUERY runs in a read transaction, so a write is refused; LOAD CSV,
    administration commands (SHOW, TERMINATE, users, databases, settings)
    and procedures other than read-only ones such as db.labels are refused
    before it runs. Values go in as parameters with --param.

    \b
    Example:
        abmgraph --backend neo4j cypher \\
          'MATCH (a:Account {account_id: $id})<-[:WORKS_AT]-(c) RETURN c.title AS title' \\
          --param id=A00042
    """
    from abmgraph.queries import parse_params, run_cypher

    rows = run_cypher(app.store(), query, parse_params(params), limit=limit, timeout=timeout)
    render_rows(rows, fmt)
