"""What happens after a score run: record it in the history, diff it, alert, deliver.

``after_score`` is called right after ``score_store`` by every command that
scores (``score``, ``demo``, ``watch``). It records the run in
``<workspace>/history/`` (see :mod:`abmgraph.history`), compares it with the
run before, appends the alerts to ``<workspace>/alerts.jsonl`` and, when a
webhook is set, POSTs them there.
"""

from __future__ import annotations

from abmgraph.alerts.run import AlertOutcome, AlertsNotDelivered, after_score, alerts_path

__all__ = ["AlertOutcome", "AlertsNotDelivered", "after_score", "alerts_path"]
