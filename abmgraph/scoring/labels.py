"""How a contribution to a score is named where people read it.

Stored contributions are columns such as ``fit.industry``,
``committee.volume`` and ``graph.access_to_power``. Readers see the
committee's parts by their own name (they make up most of a priority) and
the others after their section: ``fit: industry``, ``volume``,
``graph: access to power``. The report's waterfall and ``abmgraph
changes`` both name them so, so one name means one thing everywhere.
"""

from __future__ import annotations

__all__ = ["contribution_label"]


def contribution_label(name: str) -> str:
    """``fit.industry`` → ``fit: industry``; ``committee.role_coverage`` → ``role coverage``."""
    return (
        name.replace("committee.", "")
        .replace("fit.", "fit: ")
        .replace("graph.", "graph: ")
        .replace("_", " ")
    )
