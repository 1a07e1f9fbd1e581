"""The plumbing the field parsers share: distinct values, Arrow strings, the result shape.

Every parser takes a pandas Series and returns a Series with the same index.
No Python runs per row. Most work is done once per *distinct* value (input
columns repeat heavily: a few hundred thousand emails across ten million
events) and mapped back with integer codes; where a column is mostly distinct
or the per-row work is a single cheap step (timestamps, an email's domain, a
list lookup), Arrow's C++ kernels run over the whole column instead.

Missing values come out as the result dtype's missing marker (``isna()`` is
True) wherever the input was empty or could not be understood. Parsers that
can fail also return ``invalid`` (``Parsed``): a boolean Series that is True
where a *non-empty* input could not be understood. Empty input is missing,
never invalid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "UTC_DTYPE",
    "Parsed",
    "arrow_strings",
    "distinct_text",
    "expand",
    "expand_mask",
    "factorize",
    "keep_where",
    "map_text",
    "no_invalid",
    "numpy_bool",
    "parse_distinct",
]

Parsed = tuple[pd.Series, pd.Series]
"""A parser's result: the values and the mask of non-empty inputs it could not read."""

UTC_DTYPE = "datetime64[us, UTC]"


def factorize(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Integer codes (-1 for missing) and the distinct values as a Series."""
    # The array's own factorize is markedly faster than pd.factorize(Series)
    # on Arrow-backed strings, which is what the readers produce.
    codes, uniques = s.array.factorize()
    return codes, pd.Series(uniques)


def distinct_text(uniques: pd.Series) -> pd.Series:
    """Distinct values as stripped ``str``; blank strings become missing."""
    text = uniques.astype("str").str.strip()
    return text.mask(text == "")


def expand(codes: np.ndarray, values: Any, like: pd.Series, dtype: Any) -> pd.Series:
    """Map per-distinct ``values`` back onto the rows of ``like``."""
    array = pd.array(values, dtype=dtype)
    return pd.Series(array.take(codes, allow_fill=True), index=like.index, name=like.name)


def expand_mask(codes: np.ndarray, mask: Any, like: pd.Series) -> pd.Series:
    # The appended False is what code -1 (a missing input) picks up.
    flags = np.append(np.asarray(mask, dtype=bool), False)[codes]
    return pd.Series(flags, index=like.index, name=like.name)


def arrow_strings(values: pd.Series) -> pa.Array:
    """The values as one Arrow string array (zero-copy for Arrow-backed ``str``)."""
    array = pa.array(values.astype("str").array)
    # Arrow-backed pandas arrays may hand over several chunks, or none.
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def numpy_bool(mask: pa.Array) -> np.ndarray:
    """An Arrow boolean array as numpy, missing as False."""
    return mask.fill_null(False).to_numpy(zero_copy_only=False)


def keep_where(values: pa.Array, mask: pa.Array) -> Any:
    """``values`` as a pandas ``str`` array, missing where ``mask`` is not True."""
    kept = pc.if_else(mask.fill_null(False), values, pa.scalar(None, values.type))
    return pd.array(kept, dtype="str")


def no_invalid(like: pd.Series) -> pd.Series:
    return pd.Series(np.zeros(len(like), dtype=bool), index=like.index, name=like.name)


def parse_distinct(
    s: pd.Series, parse: Callable[[pd.Series], tuple[Any, Any]], dtype: Any
) -> Parsed:
    """Run ``parse`` on the stripped distinct texts of ``s`` and map the result back.

    ``parse`` gets the texts (missing where blank) and returns the parsed values
    and a "could not parse" flag, both aligned with its input.
    """
    codes, uniques = factorize(s)
    text = distinct_text(uniques)
    values, failed = parse(text)
    invalid = np.asarray(failed, dtype=bool) & text.notna().to_numpy()
    return expand(codes, values, s, dtype), expand_mask(codes, invalid, s)


def map_text(s: pd.Series, lookup: Callable[[str], str | None], dtype: str = "str") -> Parsed:
    """Per-distinct Python lookup for low-cardinality columns (vocabularies, countries)."""

    def parse(text: pd.Series) -> tuple[list[str | None], np.ndarray]:
        values = [None if t is None or t != t else lookup(t) for t in text.tolist()]
        return values, np.array([v is None for v in values], dtype=bool)

    return parse_distinct(s, parse, dtype)
