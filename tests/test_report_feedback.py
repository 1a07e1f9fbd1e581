"""The report shows rejected and unanswered handovers beside the accounts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from abmgraph.feedback.accounts import handovers_by_account
from abmgraph.graph.store import GraphStore
from abmgraph.report import build_report
from abmgraph.report.site import account_file
from tests.conftest import GraphBuilder, score

HANDOVERS = pd.DataFrame(
    {
        "kind": ["mql", "mql", "tier1"],
        "contact_id": ["C1", "C2", None],
        "account_id": ["A1", "A1", "A2"],
        "at": pd.to_datetime(["2026-10-20", "2026-10-21", "2026-10-22"], utc=True),
        "run_id": ["r1", "r2", "r3"],
        "owner": ["ann", "ann", None],
    }
)


def _graph(builder: GraphBuilder, store: GraphStore) -> GraphStore:
    builder.account("A1").account("A2")
    builder.contact("C1", "A1").contact("C2", "A1").contact("C3", "A2")
    builder.event("C1", "demo_request", 5).event("C3", "pricing_page_view", 3)
    builder.add(
        "feedback", contact_id="C1", verdict="rejected", reason="Competitor", by="ann",
        at="2026-10-23T10:00:00Z",
    )  # fmt: skip
    return builder.load(store)


def test_rejected_and_unanswered_per_account(store: GraphStore, builder: GraphBuilder) -> None:
    _graph(builder, store)
    feedback = store.table("feedback")
    activities = store.table("sales_activities")
    with_history = handovers_by_account(["A1", "A2"], feedback, activities, HANDOVERS)
    assert with_history == {
        "A1": {
            "rejected": [
                {
                    "contact_id": "C1",
                    "reason": "Competitor",
                    "by": "ann",
                    "at": "2026-10-23T10:00:00+00:00",
                }
            ],
            # C2 was handed over and nobody answered; C1 has a verdict.
            "unanswered": [
                {
                    "kind": "mql",
                    "contact_id": "C2",
                    "at": "2026-10-21T00:00:00+00:00",
                    "owner": "ann",
                }
            ],
        },
        "A2": {
            "rejected": [],
            "unanswered": [
                {
                    "kind": "tier1",
                    "contact_id": None,
                    "at": "2026-10-22T00:00:00+00:00",
                    "owner": None,
                }
            ],
        },
    }
    # Without a history, rejected leads still show; nothing counts as unanswered.
    alone = handovers_by_account(["A1", "A2"], feedback, activities)
    assert alone["A1"]["rejected"] == with_history["A1"]["rejected"]
    assert alone["A1"]["unanswered"] == [] and alone["A2"] == {"rejected": [], "unanswered": []}


def test_report_pages_show_sales_feedback(
    store: GraphStore, builder: GraphBuilder, tmp_path: Path
) -> None:
    _graph(builder, store)
    score(store)
    out = tmp_path / "site"
    build_report(store, out, handovers=HANDOVERS)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert (
        '<span class="rejected">1 rejected</span> <span class="unanswered">1 unanswered</span>'
        in index
    )
    page = (out / "accounts" / account_file("A1")).read_text(encoding="utf-8")
    assert "<h2>Sales feedback</h2>" in page
    assert "<td>C1</td><td>rejected by ann</td><td>Competitor</td><td>2026-10-23</td>" in page
    assert "<td>C2 (MQL)</td><td>unanswered</td><td>ann</td><td>2026-10-21</td>" in page
