"""Rows for people to read: backtest and calibration results laid out side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["baseline_rows", "beaten_lines", "summary_rows", "table_rows"]

SUMMARY = (
    ("population", "records measured"),
    ("positives", "converted in the window"),
    ("base_rate", "overall conversion"),
    ("auc", "ROC-AUC"),
    ("pr_auc", "PR-AUC"),
)


def summary_rows(results: Sequence[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """One row per headline metric, one column per config."""
    rows = [
        {"metric": label, **{name: metrics.get(key) for name, metrics in results}}
        for key, label in SUMMARY
    ]
    for key in ("lead_to_opportunity", "mql_to_sql", "mql_to_opportunity"):
        if any(key in metrics["rates"] for _, metrics in results):
            rows.append(
                {
                    "metric": key.replace("_to_", " → ").replace("_", " "),
                    **{name: metrics["rates"].get(key) for name, metrics in results},
                }
            )
    return rows


def table_rows(
    results: Sequence[tuple[str, dict[str, Any]]],
    key: str,
    by: str | Sequence[str],
    values: Sequence[str],
) -> list[dict[str, Any]]:
    """A breakdown (``lift_by_decile``, ``conversion_by_tier`` …) with each config's columns.

    ``by`` names the column (or columns, e.g. tier and currency) that identify a row.
    """
    names = (by,) if isinstance(by, str) else tuple(by)
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for name, metrics in results:
        for row in metrics.get(key, []):
            ident = tuple(row.get(n) for n in names)
            target = merged.setdefault(ident, dict(zip(names, ident, strict=True)))
            for value in values:
                column = value if len(results) == 1 else f"{value} ({name})"
                target[column] = row.get(value)

    def order(ident: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(part for v in ident for part in (v is None, v if v is not None else 0))

    return [merged[k] for k in sorted(merged, key=order)]


BASELINE_VALUES = ("auc", "pr_auc", "top_decile_lift")


def baseline_rows(results: Sequence[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The score of each config, then each naive baseline once (they do not depend on it)."""
    if not all(metrics.get("baselines") for _, metrics in results):
        return []

    def cells(row: dict[str, Any]) -> dict[str, Any]:
        # Three decimals: baselines and scores often differ in the third.
        return {v: None if row[v] is None else f"{row[v]:.3f}" for v in BASELINE_VALUES}

    rows = []
    for name, metrics in results:
        label = "score" if len(results) == 1 else f"score ({name})"
        rows.append({"ranking": label, **cells(metrics["baselines"][0])})
    for row in results[0][1]["baselines"][1:]:
        rows.append({"ranking": row["baseline"], **cells(row)})
    return rows


def beaten_lines(results: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
    """A sentence per config that a naive baseline out-ranks, naming the best such baseline."""
    lines = []
    for name, metrics in results:
        beaten = [row for row in metrics.get("baselines", [])[1:] if row["beats_score"]]
        if beaten:
            best = max(beaten, key=lambda row: row["auc"])
            lines.append(
                f"Counting ranks better than {name}: {best['baseline']} reaches ROC-AUC "
                f"{best['auc']} against the score's {metrics['auc']} "
                f"({len(beaten)} of {len(metrics['baselines']) - 1} baselines beat it)."
            )
    return lines
