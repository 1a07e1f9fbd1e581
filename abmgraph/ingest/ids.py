"""Checks on id columns: ids too long to hold, and ids Excel turned into numbers.

An id longer than ``MAX_ID_LENGTH`` characters is refused (as a row error in
a key, a warning in a reference), the same on every store: no CRM writes such
ids, and a graph database index cannot hold them. An id such as
``1.11015E+11`` is what Excel writes for a long numeric id it stored as a
number; the original digits are lost, so the row loads with a warning that
names the cause and the fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["MAX_ID_LENGTH", "id_problems"]

# Ids longer than this are refused: no CRM writes them, and a graph index cannot hold them.
MAX_ID_LENGTH = 255
# An id Excel stored as a number and wrote back in scientific notation: 1.11015E+11.
_SCIENTIFIC_ID = r"^[0-9](?:\.[0-9]+)?[eE]\+[0-9]+$"
_SCIENTIFIC_REASON = "Excel turned this id into a number ({value}); re-export the column as text"


def id_problems(ids: pd.Series) -> tuple[np.ndarray, pd.Series, np.ndarray, pd.Series]:
    """(too long, reasons; scientific notation, reasons) for a column of ids.

    Both checks first look at the whole column at once (the longest value's
    bytes, whether a ``+`` occurs anywhere), so a clean column costs next to
    nothing.
    """
    n = len(ids)
    none = (np.zeros(n, dtype=bool), pd.Series([], dtype="str"))
    array = _text_array(ids)
    if not n or array.null_count == n:
        return *none, *none
    sizes, data = _bytes(array)
    too_long = none
    # A value of at most MAX_ID_LENGTH bytes has at most as many characters.
    if int(sizes.max()) > MAX_ID_LENGTH:
        long = _numpy_mask(pc.greater(pc.utf8_length(array), MAX_ID_LENGTH))
        if long.any():
            rows = np.flatnonzero(long)
            chars = pc.utf8_length(array.take(pa.array(rows))).to_numpy(zero_copy_only=False)
            reason = [
                f"id is {size:,} characters long; ids are at most {MAX_ID_LENGTH}" for size in chars
            ]
            too_long = (long, pd.Series(reason, index=rows, dtype="str"))
    scientific = none
    if (data == ord("+")).any():
        sci = _numpy_mask(pc.match_substring_regex(array, _SCIENTIFIC_ID))
        if sci.any():
            rows = np.flatnonzero(sci)
            head, tail = _SCIENTIFIC_REASON.split("{value}")
            reason = head + ids.iloc[rows].map(repr) + tail
            scientific = (sci, pd.Series(reason.to_numpy(), index=rows, dtype="str"))
    return *too_long, *scientific


def _bytes(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(byte length of each value, the bytes of all values) of a string array."""
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    buffers = array.buffers()
    offsets = np.frombuffer(buffers[1], dtype=width)[array.offset : array.offset + len(array) + 1]
    if buffers[2] is None:
        return np.diff(offsets), np.zeros(0, dtype=np.uint8)
    data = np.frombuffer(buffers[2], dtype=np.uint8)[int(offsets[0]) : int(offsets[-1])]
    return np.diff(offsets), data


def _numpy_mask(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow boolean array as a numpy mask, missing as False."""
    return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _text_array(values: pd.Series) -> pa.Array:
    array = pa.array(values.astype("str").array)
    array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = array.cast(pa.large_string())
    return array
