"""Attribute rules from the config, evaluated on a whole column at once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.scoring.config import AttributeRule

__all__ = ["rule_mask"]


def _as_number(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column, errors="coerce")


def _as_text(column: pd.Series) -> pd.Series:
    return column.astype("str").str.casefold()


def rule_mask(frame: pd.DataFrame, rule: AttributeRule) -> np.ndarray:
    """True for the rows of ``frame`` that satisfy ``rule``; a missing column never matches."""
    if rule.field not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    column = frame[rule.field]
    value = rule.value
    match rule.op:
        case "present":
            mask = column.notna() & (column.astype("str").str.strip() != "")
        case "true":
            mask = column.astype("str").str.casefold().isin(["true", "1", "yes", "y", "t"])
        case "eq" | "ne":
            if isinstance(value, bool | int | float) and not isinstance(value, bool):
                mask = _as_number(column) == value
            else:
                mask = _as_text(column) == str(value).casefold()
            if rule.op == "ne":
                mask = column.notna() & ~mask.fillna(False)
        case "in":
            mask = _as_text(column).isin([str(v).casefold() for v in value])
        case "contains":
            mask = _as_text(column).str.contains(str(value).casefold(), regex=False)
        case "gte":
            mask = _as_number(column) >= value
        case "lte":
            mask = _as_number(column) <= value
        case "gt":
            mask = _as_number(column) > value
        case "lt":
            mask = _as_number(column) < value
    return pd.Series(mask, index=frame.index).fillna(False).to_numpy(dtype=bool)
