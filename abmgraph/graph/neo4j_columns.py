"""Frames to Bolt parameters and back, a column at a time.

Rows travel to Neo4j as one list per column (``$c0``, ``$c1``, …) and the
query reads row ``idx`` as ``$c0[idx]``: lists of plain values pack several times
faster than one map per row, and building them needs no Python loop over
rows. Reads come back the same way, as a few records holding one list per
column, and are turned into typed columns here.

Datetimes travel as two integer columns, epoch seconds and nanoseconds,
which Cypher turns into ``DateTime`` values with ``datetime.fromepoch``.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from itertools import pairwise
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = [
    "column_params",
    "composite_keys",
    "distinct",
    "micros",
    "no_gc",
    "quote",
    "restore",
    "row_map",
    "typed_frame",
    "values",
]


def quote(name: str) -> str:
    """A label or property name as a Cypher identifier: backtick-quoted, backticks doubled."""
    return "`" + name.replace("`", "``") + "`"


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small objects.

    Values and lists hold no reference cycles, yet each allocation burst
    triggers full collections that scan them all; pausing cuts reads and
    writes of large tables by about half.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- writing ------------------------------------------------------------------------
def row_map(columns: Sequence[str], temporal: Collection[str] = ()) -> str:
    """A Cypher map literal of row ``idx`` of the parameters :func:`column_params` builds.

    Column ``k`` is ``$c<k>[idx]``; a ``temporal`` column becomes a DateTime
    from ``$c<k>[idx]`` (epoch seconds) and ``$c<k>_ns[idx]`` (nanoseconds).
    Only the quoted property names are text; every value stays a parameter.
    """
    entries = []
    for k, name in enumerate(columns):
        value = f"$c{k}[idx]"
        if name in temporal:
            value = f"CASE WHEN {value} IS NULL THEN null ELSE datetime.fromepoch({value}, $c{k}_ns[idx]) END"
        entries.append(f"{quote(name)}: {value}")
    return "{" + ", ".join(entries) + "}"


def column_params(
    rows: pd.DataFrame, columns: Sequence[str], temporal: Collection[str] = ()
) -> dict[str, Any]:
    """The parameters of :func:`row_map` for ``rows``, plus ``count``.

    A column the frame lacks is all nulls, so ``SET n += row`` removes it.
    """
    params: dict[str, Any] = {"count": len(rows)}
    for k, name in enumerate(columns):
        if name not in rows.columns:
            params[f"c{k}"] = [None] * len(rows)
        elif name in temporal:
            params[f"c{k}"], params[f"c{k}_ns"] = _epoch_parts(rows[name])
        else:
            params[f"c{k}"] = values(rows[name])
    return params


def composite_keys(rows: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """One text key per row for kinds identified by several columns: their values as JSON."""
    parts = [values(rows[k]) for k in keys]
    return [json.dumps(list(p), ensure_ascii=False) for p in zip(*parts, strict=True)]


def values(column: pd.Series) -> list[Any]:
    """A column as Bolt-ready Python values, None where missing.

    Datetimes become epoch microseconds, uint64 the int64 with the same bits,
    arrays lists.
    """
    dtype = column.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _with_nulls(micros(column), column.isna().to_numpy())
    if dtype == np.uint64:
        return column.to_numpy().view(np.int64).tolist()
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        if dtype.kind == "f" and column.isna().any():
            return _with_nulls(column.to_numpy(), column.isna().to_numpy())
        return column.to_numpy().tolist()
    if isinstance(dtype, np.dtype):  # object: text, or arrays from list-valued columns
        return [_plain(v) for v in column.to_numpy()]
    # Extension dtypes (str, Int64, boolean) know their own missing values.
    return column.to_numpy(dtype=object, na_value=None).tolist()


def distinct(column: pd.Series) -> list[Any]:
    """The column's distinct non-missing values, Bolt-ready."""
    return values(pd.Series(column.dropna().unique()))


def micros(column: pd.Series) -> np.ndarray:
    """A datetime column as int64 epoch microseconds (missing values are undefined)."""
    if getattr(column.dtype, "tz", None) is not None:
        column = column.dt.tz_convert("UTC").dt.tz_localize(None)
    return column.to_numpy(dtype="datetime64[us]").astype(np.int64)


def _epoch_parts(column: pd.Series) -> tuple[list[Any], list[Any]]:
    """Epoch seconds and nanoseconds of a datetime column (floor division: before 1970 too)."""
    seconds, rest = np.divmod(micros(column), 1_000_000)
    missing = column.isna().to_numpy()
    return _with_nulls(seconds, missing), _with_nulls(rest * 1000, missing)


def _with_nulls(array: np.ndarray, missing: np.ndarray) -> list[Any]:
    if not missing.any():
        return array.tolist()
    boxed = array.astype(object)
    boxed[missing] = None
    return boxed.tolist()


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray | list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value


# -- reading ------------------------------------------------------------------------
def restore(values: Sequence[Any], dtype: str) -> pd.Series:
    """Property values read back as a column of the recorded dtype."""
    if dtype == "str":
        try:
            return pd.Series(pa.array(values, type=pa.large_string()), dtype="str")
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass  # not all text: let pandas convert each value
    if dtype.startswith("datetime64"):
        stamps = pd.to_datetime(pd.Series(values, dtype="Int64"), unit="us", utc="," in dtype)
        return stamps.astype(dtype)
    if dtype == "uint64":
        return pd.Series(np.array(values, dtype=np.int64).view(np.uint64))
    return pd.Series(values, dtype=object).astype(dtype)


def typed_frame(values: list[list[Any]], columns: dict[str, str]) -> pd.DataFrame:
    """Columns of property values, the last one the row order, as a typed frame."""
    *table, order = values
    if any(a > b for a, b in pairwise(order)):
        pick = itemgetter(*np.argsort(np.array(order, dtype=np.int64), kind="stable").tolist())
        table = [list(pick(column)) for column in table]
    with no_gc():
        return pd.DataFrame(
            {
                name: restore(column, dtype)
                for (name, dtype), column in zip(columns.items(), table, strict=True)
            }
        )
