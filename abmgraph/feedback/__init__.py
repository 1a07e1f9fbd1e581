"""The sales feedback loop: what sales did with the handovers, and what it teaches.

``matching`` joins each handover (from the score history) with its verdict
and the first rep touch after it; ``analysis`` turns that into acceptance
and rejection rates, ranked reasons and speed-to-lead; ``reasons`` reads
rejection reasons into categories; ``load`` assembles a workspace's report;
``proposals`` turns no-fit rejections into negative fit rules to consider.
"""

from __future__ import annotations

from abmgraph.feedback.analysis import FeedbackReport, feedback_report
from abmgraph.feedback.matching import handover_outcomes, lead_handovers
from abmgraph.feedback.reasons import reason_category

__all__ = [
    "FeedbackReport",
    "feedback_report",
    "handover_outcomes",
    "lead_handovers",
    "reason_category",
]
