"""Rows for people to read: backtest and calibration results laid out side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["summary_rows", "table_rows"]

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
