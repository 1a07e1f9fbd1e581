"""``abmgraph export``: audience files for ad platforms and ABM tools, score files for CRMs."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from abmgraph.cli.app import App, pass_app
from abmgraph.cli.output import info
from abmgraph.export.audience import ACCOUNT_STAGES, QUADRANTS
from abmgraph.export.crm import CRM_PLATFORMS
from abmgraph.export.platforms import PLATFORM_NAMES
from abmgraph.graph.vocab import BUYING_ROLES

__all__ = ["export"]


def _comma_list(choices: Sequence[str]) -> Callable[..., list[str] | None]:
    """A click callback: ``a,b`` → ``["a", "b"]``, each one of ``choices``."""

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
        if value is None:
            return None
        items = [item.strip() for item in value.split(",") if item.strip()]
        unknown = [item for item in items if item not in choices]
        if unknown:
            raise click.BadParameter(
                f"{', '.join(unknown)}: use one or more of {', '.join(choices)}, comma-separated."
            )
        return items

    return parse


def _tiers(ctx: click.Context, param: click.Parameter, value: str | None) -> list[int] | None:
    items = _comma_list(("1", "2", "3"))(ctx, param, value)
    return None if items is None else [int(item) for item in items]


@click.command()
@click.argument("platform", type=click.Choice([*PLATFORM_NAMES, *CRM_PLATFORMS]))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="File to write (a folder gets PLATFORM.csv); numbered parts beside it when split.",
)
@click.option("--audience", help="Filters from [audiences.NAME] in the scoring config.")
@click.option("--tier", callback=_tiers, help="Account tiers, e.g. 1 or 1,2.")
@click.option("--min-priority", type=click.FloatRange(0, 100), help="Least account priority.")
@click.option(
    "--stage", callback=_comma_list(ACCOUNT_STAGES), help="Account buying stages, comma-separated."
)
@click.option(
    "--quadrant", callback=_comma_list(QUADRANTS), help="Contact quadrants, comma-separated."
)
@click.option(
    "--roles",
    callback=_comma_list(BUYING_ROLES),
    help="Contacts holding any of these buying roles, e.g. decision_maker,economic_buyer.",
)
@click.option("--min-contact-score", type=click.FloatRange(0, 100), help="Least contact score.")
@click.option(
    "--include-customers/--exclude-customers",
    default=None,
    help="Keep accounts that are already customers.  [default: exclude]",
)
@click.option(
    "--account-ids",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Only these accounts: one id a line, or a CSV with an account_id column.",
)
@click.option(
    "--require-consent/--no-require-consent",
    default=None,
    help="Contact exports: leave out contacts without recorded consent.  [default: require]",
)
@click.option(
    "--hash",
    "hash_emails",
    is_flag=True,
    help="SHA-256 the emails of a LinkedIn or csv/json contact list.",
)
@click.option(
    "--level",
    type=click.Choice(["accounts", "contacts"]),
    help="For csv and json: list accounts (the default) or contacts.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    help="Split at N rows a file (never above the platform's own limit).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Scoring config holding the audiences (default: the workspace's).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write a LinkedIn list even under the 300 rows LinkedIn refuses.",
)
@click.option("--dry-run", is_flag=True, help="Print the counts as JSON; write nothing.")
@pass_app
def export(
    app: App,
    platform: str,
    out: Path | None,
    audience: str | None,
    tier: list[int] | None,
    min_priority: float | None,
    stage: list[str] | None,
    quadrant: list[str] | None,
    roles: list[str] | None,
    min_contact_score: float | None,
    include_customers: bool | None,
    account_ids: Path | None,
    require_consent: bool | None,
    hash_emails: bool,
    level: str | None,
    max_rows: int | None,
    config: Path | None,
    force: bool,
    dry_run: bool,
) -> None:
    """Write an audience file for PLATFORM from the stored scores.

    Opted-out and bounced contacts are never exported, nor (by default)
    contacts without consent. A manifest JSON beside the file records the
    filters, as_of, the scoring config's hash and every count left out.

    salesforce-accounts, salesforce-contacts, salesforce-leads,
    hubspot-companies and hubspot-contacts write the scores back instead: an
    update file keyed by the CRM's record id (Data Loader, HubSpot import)
    for the records ingested with that CRM's preset, under the field names
    of [export.salesforce] / [export.hubspot] in the scoring config.

    \b
    Example:
        abmgraph export linkedin-companies --tier 1,2 --out tier12.csv
        abmgraph export google-customer-match --roles decision_maker --out gcm.csv
        abmgraph export meta-customer-list --audience tier1-buyers --dry-run
        abmgraph export salesforce-accounts --out sf-accounts.csv
    """
    from abmgraph.export import export_audience

    if out is None and not dry_run:
        raise click.UsageError("Give --out PATH, or --dry-run to only count.")
    if platform in CRM_PLATFORMS:
        chosen = {
            "--audience": audience,
            "--tier": tier,
            "--min-priority": min_priority,
            "--stage": stage,
            "--quadrant": quadrant,
            "--roles": roles,
            "--min-contact-score": min_contact_score,
            "--include-customers": include_customers,
            "--account-ids": account_ids,
            "--require-consent": require_consent,
            "--hash": hash_emails or None,
            "--level": level,
            "--max-rows": max_rows,
            "--force": force or None,
        }
        given = [name for name, value in chosen.items() if value is not None]
        if given:
            raise click.UsageError(
                f"{', '.join(given)} {'does' if len(given) == 1 else 'do'} not apply to "
                f"{platform}: a CRM file updates every "
                "scored record that came from that CRM."
            )
        _crm(app, platform, out, config, dry_run)
        return
    filters = {
        "tier": tier,
        "min_priority": min_priority,
        "stage": stage,
        "quadrant": quadrant,
        "roles": roles,
        "min_contact_score": min_contact_score,
        "include_customers": include_customers,
        "account_ids_file": str(account_ids) if account_ids else None,
        "require_consent": require_consent,
    }
    report = export_audience(
        app.store(),
        platform,
        out,
        filters,
        app.workspace.config(config),
        dry_run,
        audience=audience,
        level=level,  # type: ignore[arg-type]
        hash_emails=hash_emails,
        max_rows=max_rows,
        protected=[app.workspace.store_path],
        force=force,
    )
    for warning in report.warnings:
        info(f"Warning: {warning}")
    if dry_run:
        click.echo(json.dumps(report.counts()))
    else:
        info(report.summary_line())


def _crm(app: App, platform: str, out: Path | None, config: Path | None, dry_run: bool) -> None:
    from abmgraph.export.crm import export_crm

    report = export_crm(
        app.store(),
        platform,
        out,
        app.workspace.config(config),
        dry_run,
        protected=[app.workspace.store_path],
    )
    for warning in report.warnings:
        info(f"Warning: {warning}")
    if dry_run:
        click.echo(json.dumps(report.counts()))
    else:
        info(report.summary_line())
