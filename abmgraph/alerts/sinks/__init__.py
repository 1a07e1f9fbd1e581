"""Where a run's alerts go: appended to ``alerts.jsonl``, and POSTed to a webhook when set."""

from __future__ import annotations

from abmgraph.alerts.sinks.jsonl import append_alerts, read_alerts
from abmgraph.alerts.sinks.webhook import check_webhook, post_alerts, redact

__all__ = ["append_alerts", "check_webhook", "post_alerts", "read_alerts", "redact"]
