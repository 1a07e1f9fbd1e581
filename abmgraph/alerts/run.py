"""``after_score``: record a score run, alert on what moved since the run before, deliver.

The first run ever (no run before it) is the baseline: it records its
handovers, with its own ``as_of``, and alerts nothing. A run's alerts are
appended to ``<workspace>/alerts.jsonl`` before the webhook is tried, so a
refused or unreachable webhook loses nothing: ``after_score`` then raises
:class:`AlertsNotDelivered` (carrying the outcome) once everything else is
written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from abmgraph.alerts.diff import ALERT_KEYS, compare_accounts, compare_contacts, run_alerts
from abmgraph.alerts.sinks import append_alerts, post_alerts, redact
from abmgraph.errors import DeliveryError
from abmgraph.history import OwnerBook, RecordedRun, record_run, run_table
from abmgraph.idsets import among

if TYPE_CHECKING:
    from abmgraph.graph.store import GraphStore
    from abmgraph.scoring.config import ScoringConfig
    from abmgraph.scoring.engine import ScoreResult

__all__ = ["AlertOutcome", "AlertsNotDelivered", "after_score", "alerts_path"]


def alerts_path(workspace: Path) -> Path:
    return Path(workspace) / "alerts.jsonl"


@dataclass(frozen=True)
class AlertOutcome:
    """A recorded run: its id, the run it was compared with, its alerts and handovers."""

    run_id: str
    previous: str | None
    alerts: list[dict[str, Any]]
    handovers: pd.DataFrame
    # Where the alerts went besides alerts.jsonl: the webhook's host, None without one.
    webhook: str | None = None

    def summary_line(self, workspace: Path) -> str:
        if self.previous is None:
            return f"Recorded run {self.run_id}: the first, so the baseline (no alerts)."
        sent = f", sent to {self.webhook}" if self.webhook else ""
        alerts = "1 alert" if len(self.alerts) == 1 else f"{len(self.alerts)} alerts"
        return (
            f"Recorded run {self.run_id}: {alerts} against run {self.previous} "
            f"(in {alerts_path(workspace)}{sent}); {len(self.handovers)} new handovers."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "previous_run_id": self.previous,
            "alerts": len(self.alerts),
            "handovers": len(self.handovers),
        }


class AlertsNotDelivered(DeliveryError):
    """The webhook did not take the run's alerts; everything else was written."""

    def __init__(self, message: str, outcome: AlertOutcome) -> None:
        super().__init__(message)
        self.outcome = outcome


def after_score(
    workspace: Path,
    store: GraphStore,
    result: ScoreResult,
    config: ScoringConfig,
    *,
    webhook: str | None = None,
) -> AlertOutcome:
    """Record ``result`` in the history, append its alerts, POST them when a webhook is set.

    ``webhook`` overrides the config's ``[alerts] webhook``.

    Raises
    ------
    AlertsNotDelivered
        The webhook refused or could not be reached; the run, its handovers
        and its alerts (in ``alerts.jsonl``) are recorded all the same.
    """
    workspace = Path(workspace)
    recorded = record_run(workspace, store, result, config)
    alerts: list[dict[str, Any]] = []
    if recorded.previous is not None:
        found = _alerts(workspace, store, recorded, result, config)
        alerts = _plain(found)
    append_alerts(
        alerts_path(workspace),
        alerts,
        rotate_bytes=int(config.alerts.rotate_mb * 1_000_000),
        keep=config.alerts.keep_rotated,
    )
    url = (webhook or config.alerts.webhook or "").strip() or None
    outcome = AlertOutcome(recorded.run_id, recorded.previous, alerts, recorded.handovers)
    if url is None or not alerts:
        return outcome
    size = config.alerts.webhook_batch
    batches = [alerts[i : i + size] for i in range(0, len(alerts), size)]
    for number, batch in enumerate(batches, start=1):
        payload = {
            "run_id": recorded.run_id,
            "as_of": result.as_of.isoformat(),
            "batch": number,
            "batches": len(batches),
            "alerts": batch,
        }
        try:
            post_alerts(url, payload, key=f"{recorded.run_id}-{number}")
        except DeliveryError as exc:
            sent = "" if number == 1 else f" (batches 1–{number - 1} of {len(batches)} went)"
            raise AlertsNotDelivered(
                f"{exc}{sent}; {_count(len(alerts), 'alert')} kept in {alerts_path(workspace)}.",
                outcome,
            ) from None
    return AlertOutcome(recorded.run_id, recorded.previous, alerts, recorded.handovers, redact(url))


def _count(n: int, noun: str) -> str:
    """``the 1 alert was`` / ``the 3 alerts were``."""
    return f"the 1 {noun} was" if n == 1 else f"the {n} {noun}s were"


def _alerts(
    workspace: Path,
    store: GraphStore,
    recorded: RecordedRun,
    result: ScoreResult,
    config: ScoringConfig,
) -> pd.DataFrame:
    surge = config.alerts.surge_points
    previous = str(recorded.previous)
    window = config.window
    before, after = recorded.prior_accounts, recorded.accounts
    then, now = recorded.prior_contacts, recorded.contacts
    if then is None:
        then = run_table(workspace, previous, "contacts")
    if recorded.rescored_accounts is not None and recorded.rescored_contacts is not None:
        # An incremental run: every row it did not rescore is the run before's (the
        # recorded run holds those rows only; filtering them again costs little).
        if before is not None:
            before = before.loc[among(before["account_id"], recorded.rescored_accounts)]
        after = after.loc[among(after["account_id"], recorded.rescored_accounts)]
        then = then.loc[among(then["contact_id"], recorded.rescored_contacts)]
        now = now.loc[among(now["contact_id"], recorded.rescored_contacts)]
    accounts = compare_accounts(
        before, after, surge_points=surge, prior_scale=window.recent_days / window.prior_days
    )
    contacts = compare_contacts(then, now)
    found = run_alerts(
        accounts,
        contacts,
        result.as_of,
        mql_threshold=config.contact.mql_threshold,
        sql_threshold=config.contact.sql_threshold,
        surge_points=surge,
    )
    if found.empty:
        return found.assign(owner=None)[ALERT_KEYS]
    book = recorded.owners or OwnerBook(store)
    by_contact, by_account = book.owners(found["contact_id"], found["account_id"])
    on_contact = found["contact_id"].notna()
    return found.assign(owner=by_contact.where(on_contact, by_account))[ALERT_KEYS]


def _plain(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: missing values None, numpy scalars Python ones."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row in rows:
        for key, value in row.items():
            if hasattr(value, "item"):  # numpy scalars
                row[key] = value.item()
            elif hasattr(value, "tolist"):
                row[key] = value.tolist()
    return rows
