"""Booleans and numbers as people write them: ``yes``/``no``, ``1,200.50``, ``$1.5M``, ``(12)``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.ingest.distinct import (
    Parsed,
    no_invalid,
    parse_distinct,
)

__all__ = [
    "FALSE_WORDS",
    "TRUE_WORDS",
    "parse_bool",
    "parse_int",
    "parse_number",
]

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


def parse_bool(s: pd.Series) -> Parsed:
    """Parse true/false/yes/no/y/n/t/f/1/0 (any case) into a nullable boolean.

    Real ``bool`` columns pass through; numeric columns accept 1 and 0.

    Returns
    -------
    (values, invalid)
        ``boolean`` values, and True where a non-empty value is none of the above.
    """
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean"), no_invalid(s)
    if pd.api.types.is_numeric_dtype(s.dtype):
        number = s.astype("float64")
        ok = number.isin([0.0, 1.0])
        values = (number == 1.0).astype("boolean").where(ok, pd.NA)
        return values, (number.notna() & ~ok).rename(s.name)

    def parse(text: pd.Series) -> tuple[pd.Series, pd.Series]:
        folded = text.str.lower()
        truth = folded.isin(TRUE_WORDS)
        known = truth | folded.isin(FALSE_WORDS)
        return truth.astype("boolean").where(known, pd.NA), ~known

    return parse_distinct(s, parse, "boolean")


_CURRENCY_CODES = "usd|eur|gbp|chf|cad|aud|nzd|jpy|cny|inr|sek|nok|dkk|sgd|hkd"
# Thousands separators and currency marks carry no value (matched after lower-casing).
_NUMBER_NOISE = rf"[\s_'’$€£¥₹₩₽¢]|^(?:{_CURRENCY_CODES})|(?:{_CURRENCY_CODES})$"
# Commas are thousands separators only in proper groups of three: "1,5" is
# rejected rather than silently read as 15.
_NUMBER = (
    r"^(?P<sign>[+-]?)"
    r"(?P<body>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)"
    r"(?P<exp>e[+-]?\d+)?"
    r"(?P<suffix>k|mm|mn|m|bn|b)?$"
)
_MULTIPLIERS = {"": 1.0, "k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}


def _numbers_from_text(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    cleaned = text.str.lower().str.replace(_NUMBER_NOISE, "", regex=True)
    # Accounting negatives: "(1,200)" is -1200.
    cleaned = cleaned.str.replace(r"^\((.*)\)$", r"-\1", regex=True)
    parts = cleaned.str.extract(_NUMBER)
    digits = parts["sign"] + parts["body"].str.replace(",", "", regex=False)
    digits = digits + parts["exp"].fillna("")
    number = pd.to_numeric(digits, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    scale = parts["suffix"].fillna("").map(_MULTIPLIERS).to_numpy(dtype="float64")
    values = number * scale
    # 1e309 overflows to infinity: no amount or count is meant by it.
    values[np.isinf(values)] = np.nan
    return values, np.isnan(values)


def parse_number(s: pd.Series) -> Parsed:
    """Parse numbers such as ``1200``, ``1,200.50``, ``$1.5M``, ``€ 30k``, ``(12)``.

    Spaces, underscores, apostrophes and currency symbols or codes are ignored;
    a ``k``/``m``/``mm``/``b``/``bn`` suffix multiplies. The decimal mark is ``.``.
    Values too large for a float (``1e309``) and infinities are invalid.

    Returns
    -------
    (values, invalid)
        ``float64`` values (NaN when missing or invalid) and the invalid mask.
    """
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values = s.astype("float64")
        infinite = np.isinf(values.to_numpy())
        return values.mask(infinite), pd.Series(infinite, index=s.index, name=s.name)
    return parse_distinct(s, _numbers_from_text, "float64")


def parse_int(s: pd.Series) -> Parsed:
    """Parse whole numbers like :func:`parse_number`; fractional values are invalid.

    Returns
    -------
    (values, invalid)
        ``Int64`` values and the invalid mask.
    """
    if pd.api.types.is_integer_dtype(s.dtype):
        return s.astype("Int64"), no_invalid(s)
    number, invalid = parse_number(s)
    values = number.to_numpy(dtype="float64")
    whole = np.isfinite(values) & (np.floor(values) == values) & (np.abs(values) < 2.0**63)
    fractional = ~np.isnan(values) & ~whole
    ints = pd.Series(np.where(whole, values, np.nan), index=s.index, name=s.name)
    return ints.astype("Int64"), invalid | fractional
