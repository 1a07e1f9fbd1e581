"""Membership and position tests on id columns, through Arrow's hash lookup.

pandas' ``isin`` on its Arrow-backed text columns turns the values asked
into Python objects first, which on half a million ids costs a good part of
a second; Arrow hashes them natively. Missing values never match.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["among", "as_arrow", "positions"]


def as_arrow(values: Any) -> pa.Array:
    """``values`` (a Series, Index, array, list or set) as one Arrow array; text as large."""
    if isinstance(values, set | frozenset):
        values = list(values)
    array = pa.array(values, from_pandas=True)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_string(array.type) or pa.types.is_null(array.type):
        array = array.cast(pa.large_string())
    return array


def among(column: Any, values: Any) -> np.ndarray:
    """``column.isin(values)`` as a boolean array; missing values are never among them.

    >>> among(["A", "B", None], {"B", "C"}).tolist()
    [False, True, False]
    """
    if not len(column):
        return np.zeros(0, dtype=bool)
    wanted = as_arrow(values).drop_null()
    if not len(wanted):
        return np.zeros(len(column), dtype=bool)
    array = as_arrow(column)
    if array.null_count == len(array):  # all missing, perhaps typed as numbers by pandas
        return np.zeros(len(array), dtype=bool)
    found = pc.is_in(array, value_set=wanted.cast(array.type))
    return found.fill_null(False).to_numpy(zero_copy_only=False)


def positions(index: Any, values: Any) -> np.ndarray:
    """Where each of ``values`` first sits in ``index``; -1 for missing or unknown values.

    >>> positions(["A", "B"], ["B", "X", None]).tolist()
    [1, -1, -1]
    """
    if not len(values) or not len(index):
        return np.full(len(values), -1, dtype=np.int64)
    array = as_arrow(index)
    found = pc.index_in(as_arrow(values).cast(array.type), value_set=array)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
