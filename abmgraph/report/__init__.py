"""The static HTML report: ranked accounts and every buying committee, offline.

``build_report(store, out)`` writes ``out/index.html`` and a page per
account, from the stored scores and the library's own questions.
"""

from abmgraph.report.site import ReportResult, build_report, read_account_ids

__all__ = ["ReportResult", "build_report", "read_account_ids"]
