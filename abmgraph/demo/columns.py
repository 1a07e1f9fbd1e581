"""Arrow string columns: serial ids, lookups, joins and choices, handed to pandas as text."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["NULL", "as_text", "choose", "concat", "lookup", "serial_ids", "utc_times"]

NULL = pa.scalar(None, pa.string())


def serial_ids(prefix: str, count: int, width: int) -> pa.Array:
    """``prefix`` + a zero-padded 1-based number, as an Arrow string array."""
    numbers = pa.array(np.arange(1, count + 1, dtype=np.int64)).cast(pa.string())
    width = max(width, len(str(count)))
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, "0"), "")


def lookup(values: tuple | list | pa.Array, codes: np.ndarray) -> pa.Array:
    """``values[codes]`` as an Arrow string array; code -1 (or a None value) is null."""
    if not isinstance(values, pa.Array):
        values = pa.array(values, pa.string())
    codes = np.asarray(codes)
    mask = codes < 0
    indices = pa.array(np.where(mask, 0, codes).astype(np.int32), mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(indices, values).cast(pa.string())


def concat(*parts: pa.Array | str) -> pa.Array:
    """The parts joined element-wise (strings are repeated on every row)."""
    return pc.binary_join_element_wise(*parts, "")


def choose(mask: np.ndarray, yes: pa.Array | pa.Scalar | str, no: pa.Array) -> pa.Array:
    """``yes`` where ``mask`` holds, else ``no``."""
    return pc.if_else(pa.array(mask), yes, no)


def as_text(array: pa.Array) -> pd.Series:
    """An Arrow string array as a pandas string column."""
    return pd.Series(array, dtype="str")


def utc_times(us: np.ndarray) -> pd.Series:
    """Microseconds since the epoch as a tz-aware UTC column."""
    return pd.Series(us.astype("datetime64[us]")).dt.tz_localize("UTC")
