"""Stable 64-bit hashes of strings, and the ``event_key`` of engagements.

``hash_strings`` folds each string's UTF-8 bytes into a splitmix64 chain,
vectorised with numpy. The value for a given string never changes between
versions or runs: stored event keys and the id lookups of validation rely on
it. ``event_keys`` hashes ``event_id`` where given, else the event's fields
after normalisation, so re-ingesting a file adds nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from abmgraph.ingest.readers import as_text

__all__ = ["event_keys", "hash_strings"]

_U = np.uint64
_M1 = _U(0xBF58476D1CE4E5B9)
_M2 = _U(0x94D049BB133111EB)
_GOLD = _U(0x9E3779B97F4A7C15)
_ALL = _U(0xFFFFFFFFFFFFFFFF)
_NULL = _U(0x7F4A7C159E3779B9)


def _mix(h: np.ndarray, tmp: np.ndarray | None = None) -> np.ndarray:
    """The splitmix64 finaliser, in place: every input bit affects every output bit."""
    if tmp is None:
        tmp = np.empty_like(h)
    np.right_shift(h, _U(30), out=tmp)
    h ^= tmp
    h *= _M1
    np.right_shift(h, _U(27), out=tmp)
    h ^= tmp
    h *= _M2
    np.right_shift(h, _U(31), out=tmp)
    h ^= tmp
    return h


def _arrow_text(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous Arrow string or large-string array."""
    if isinstance(values, pd.Series):
        values = pa.array(values.array if values.dtype == "str" else as_text(values).array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.large_string())
    return values


def _string_buffers(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets as int64, data bytes) of a string or large-string array."""
    n = len(array)
    buffers = array.buffers()
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    size = np.dtype(width).itemsize
    offsets = np.frombuffer(buffers[1], dtype=width, count=n + 1, offset=array.offset * size)
    data = (
        np.frombuffer(buffers[2], dtype=np.uint8)
        if buffers[2] is not None
        else np.zeros(0, np.uint8)
    )
    return offsets.astype(np.int64, copy=False), data


def hash_strings(values: pd.Series | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A stable 64-bit hash of each string's UTF-8 bytes (missing values hash alike).

    The bytes are read as little-endian 8-byte words (the last one zero-padded)
    and folded into a splitmix64 chain seeded with the length. Vectorised with
    numpy; the value for a given string never changes between versions or runs,
    so stored keys stay valid.
    """
    array = _arrow_text(values)
    n = len(array)
    if array.null_count == n:
        return np.full(n, _NULL, dtype=np.uint64)
    offsets, data = _string_buffers(array)
    first, last = int(offsets[0]), int(offsets[-1])
    raw = data[first:last]
    lengths = np.diff(offsets)
    h = lengths.astype(np.uint64)
    h ^= _GOLD
    tmp = np.empty_like(h)
    _mix(h, tmp)
    longest = int(lengths.max())
    if longest and int(lengths.min()) == longest:
        # Every string has the same length: the bytes form an n × longest matrix.
        width = (longest + 7) // 8
        padded = np.zeros((n, width * 8), dtype=np.uint8)
        padded[:, :longest] = raw.reshape(n, longest)
        words = padded.view("<u8")
        for k in range(width):
            h ^= words[:, k]
            _mix(h, tmp)
    elif longest:
        _hash_ragged(h, raw, offsets[:-1] - first, lengths)
    if array.null_count:
        h[~np.asarray(array.is_valid())] = _NULL
    return h


def _hash_ragged(h: np.ndarray, raw: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> None:
    """Fold the words of strings of different lengths into ``h``, 8 bytes per round."""
    words = np.zeros(len(raw) // 8 + 2, dtype=np.uint64)
    words.view(np.uint8)[: len(raw)] = raw
    rows = np.flatnonzero(lengths > 0)
    pos = starts[rows].astype(np.uint64)
    rem = lengths[rows].astype(np.uint64)
    while len(rows):
        shift = (pos & _U(7)) << _U(3)
        index = pos >> _U(3)
        word = words[index]
        word >>= shift
        index += _U(1)
        high = words[index]
        high <<= _U(63) - shift
        high <<= _U(1)
        word |= high
        tail = np.minimum(rem, _U(8))
        rem -= tail
        tail <<= _U(3)
        np.subtract(_U(64), tail, out=tail)
        word &= _ALL >> tail
        part = h[rows]
        part ^= word
        h[rows] = _mix(part)
        pos += _U(8)
        live = rem > _U(0)
        if not live.all():
            rows, pos, rem = rows[live], pos[live], rem[live]


def _hash_times(values: pd.Series) -> np.ndarray:
    micros = values.to_numpy(dtype="datetime64[us]", na_value=np.datetime64("NaT")).view(np.int64)
    h = _mix(micros.astype(np.uint64) ^ _GOLD)
    h[values.isna().to_numpy()] = _NULL
    return h


def event_keys(
    event_id: pd.Series,
    contact_id: pd.Series,
    kind: pd.Series,
    occurred_at: pd.Series,
    asset: pd.Series,
    campaign: pd.Series,
    channel: pd.Series,
) -> np.ndarray:
    """``event_key``: the hash of event_id where given, else of the event's fields."""
    keys = hash_strings(event_id)
    derived = event_id.isna().to_numpy()
    if derived.any():
        rows = np.flatnonzero(derived)
        h = np.full(len(rows), _U(0x5EED5EED5EED5EED))
        parts = [
            hash_strings(contact_id.iloc[rows]),
            hash_strings(kind.iloc[rows]),
            _hash_times(occurred_at.iloc[rows]),
        ]
        parts += [hash_strings(col.iloc[rows]) for col in (asset, campaign, channel)]
        for part in parts:
            h = h * _U(0x100000001B3) + part
            _mix(h)
        keys[rows] = h
    return keys
