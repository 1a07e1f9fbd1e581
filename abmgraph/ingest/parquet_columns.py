"""Parquet columns as pandas, keeping their native types where pandas has them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.errors import InputError

__all__ = ["arrow_to_pandas"]


def arrow_to_pandas(path: Path, name: str, column: pa.Array) -> pd.Series:
    """A Parquet column as pandas, keeping native types where pandas has them."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column.to_pandas()
    if pa.types.is_null(kind):
        return pd.Series([None] * len(column), dtype="str")
    if pa.types.is_integer(kind):
        if column.null_count:
            return pd.Series(column.to_pandas(types_mapper={kind: pd.Int64Dtype()}.get))
        return pd.Series(column.to_numpy().astype(np.int64, copy=False))
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return pd.Series(column.cast(pa.float64()).to_numpy(zero_copy_only=False))
    if pa.types.is_boolean(kind):
        return pd.Series(column.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get))
    if pa.types.is_timestamp(kind):
        return pd.Series(column.to_pandas())
    if pa.types.is_date(kind):
        return pd.Series(column.cast(pa.timestamp("us")).to_pandas())
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        try:
            values = pc.binary_join(column.cast(pa.list_(pa.string())), ";")
            return values.to_pandas()
        except pa.ArrowException:
            pass
    elif pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        try:
            return column.cast(pa.string()).to_pandas()
        except pa.ArrowException as exc:
            raise InputError(
                f"{path}: column {name!r} holds binary data that is not UTF-8 text; "
                "store it as a string column."
            ) from exc
    else:
        try:
            return column.cast(pa.string()).to_pandas()
        except pa.ArrowException:
            pass
    raise InputError(
        f"{path}: column {name!r} has type {kind}, which cannot be read as a value; "
        "flatten it to text, numbers or timestamps."
    )
