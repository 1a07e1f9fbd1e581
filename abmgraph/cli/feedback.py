"""``abmgraph feedback``: what sales did with the handovers, rendered.

The figures come from ``abmgraph.feedback``; this module parses the options
and prints them as tables or one JSON object.
"""

from __future__ import annotations

import json

import click

from abmgraph.cli.app import App, pass_app
from abmgraph.cli.output import info, render_rows

__all__ = ["feedback"]

_RATES = ("handovers", "accepted", "rejected", "recycled", "unanswered", "rejection_rate")
_SPEED = (
    "handovers",
    "touched",
    "median_minutes",
    "p90_minutes",
    "within_5_minutes",
    "within_1_hour",
    "within_1_day",
)
_BREAKDOWNS = (
    ("by_score_band", "score_band", "By score at handover"),
    ("by_tier", "tier", "By tier"),
    ("by_kind", "kind", "By handover"),
    ("by_source", "source", "By lead source"),
    ("by_segment", "segment", "By segment"),
    ("by_week", "week", "By week of handover"),
)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--since", metavar="DATE", help="Only handovers at or after this date (UTC).")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@pass_app
def feedback(app: App, fmt: str, since: str | None, limit: int) -> None:
    """Acceptance, rejection reasons, unanswered handovers and speed-to-lead.

    Handovers are the contacts that became MQL or SQL and the accounts that
    reached tier 1, from the score history; verdicts and touches come from
    'ingest feedback' and 'ingest sales-activities'.

    \b
    Example:
        abmgraph ingest feedback Lead.csv --preset salesforce
        abmgraph ingest sales-activities Task.csv --preset salesforce
        abmgraph feedback --since 2026-10-01
    """
    from abmgraph.feedback.load import parse_since, workspace_report

    when = parse_since(since) if since else None
    report = workspace_report(app.workspace.path, app.store(), app.workspace.config(), since=when)
    data = report.as_dict()
    if fmt == "json":
        click.echo(json.dumps(data, default=str, ensure_ascii=False))
        return
    if not data["handovers"]:
        for line in data["findings"]:
            info(line)
        return
    render_rows([{k: data[k] for k in (*_RATES, "acceptance_rate")}], "table", title="Handovers")
    render_rows(data["reasons"][:limit], "table", title="Rejection reasons")
    if data["reason_categories"]:
        render_rows(
            data["reason_categories"],
            "table",
            ("category", "count", "share", "suggests"),
            title="What the reasons suggest",
        )
    render_rows([data["speed_to_lead"]], "table", _SPEED, title="Speed-to-lead")
    render_rows(data["speed_to_lead_by_tier"], "table", ("tier", *_SPEED), title="by tier")
    owners = data["speed_to_lead_by_owner"][:limit]
    render_rows(owners, "table", ("owner", *_SPEED), title="by owner")
    for key, column, title in _BREAKDOWNS:
        # A breakdown with nothing to tell apart (no lead source recorded at all) is left out.
        if [row[column] for row in data[key]] not in ([], ["(none)"]):
            render_rows(data[key], "table", (column, *_RATES), title=title)
    unanswered = data["unanswered_handovers"]
    if unanswered:
        shown = unanswered[:limit]
        render_rows(shown, "table", title="Unanswered handovers", more=len(unanswered) - len(shown))
    for line in data["findings"]:
        info(line)
