"""Writing a dataset to disk: one CSV or Parquet file per kind and a ``demo.json`` manifest."""

import json
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from abmgraph.demo.columns import concat
from abmgraph.demo.dataset import DemoData

__all__ = ["write"]


def _iso_utc(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Instants as 2026-10-01T14:03:00Z (whole seconds, UTC)."""
    # Arrow stores UTC epoch values; reading them as naive wall time avoids a slow tz pass.
    naive = column.cast(pa.int64()).cast(pa.timestamp(column.type.unit))
    text = pc.cast(naive, pa.timestamp("s"), safe=False).cast(pa.string())
    return concat(pc.replace_substring(text, " ", "T"), "Z")


def _whole(column: pa.ChunkedArray) -> bool:
    return pc.all(pc.equal(pc.round(column), column)).as_py() is not False


def _csv_table(frame: pd.DataFrame) -> tuple[pa.Table, bool]:
    """Every column as text (ISO-8601 UTC instants, true/false, whole numbers without
    ".0"), and whether any value needs quoting."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns, quotes = [], False
    for column in table.columns:
        if pa.types.is_timestamp(column.type):
            column = _iso_utc(column)
        elif pa.types.is_boolean(column.type):
            column = pc.if_else(column, "true", "false")
        elif pa.types.is_floating(column.type) and _whole(column):
            column = column.cast(pa.int64())
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            quotes = quotes or bool(pc.any(pc.match_substring_regex(column, r'[,"\r\n]')).as_py())
        columns.append(column.cast(pa.string()))
    return pa.table(columns, names=table.column_names), quotes


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    table, quotes = _csv_table(frame)
    # Arrow's writer quotes every string: use it only when no value needs quotes.
    if quotes:
        table.to_pandas().to_csv(path, index=False, na_rep="", lineterminator="\n")
        return
    with path.open("wb") as sink:
        sink.write((",".join(table.column_names) + "\n").encode())
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        pacsv.write_csv(table, sink, options)


def write(
    data: DemoData, out_dir: Path | str, fmt: Literal["csv", "parquet"] = "csv"
) -> dict[str, Path]:
    """Write one file per kind plus a ``demo.json`` manifest into ``out_dir``.

    Parameters
    ----------
    data
        What ``generate`` returned.
    out_dir
        Folder to write into (created when missing); existing files are replaced.
    fmt
        ``"csv"`` (header row, UTF-8, ISO-8601 UTC instants, ``true``/``false``,
        empty cells for missing values) or ``"parquet"``.

    Returns
    -------
    dict of str to Path
        The path of every file by kind (``FILE_KINDS``), and ``"manifest"``.

    Raises
    ------
    ValueError
        When ``fmt`` is neither ``"csv"`` nor ``"parquet"``.

    Examples
    --------
    >>> import tempfile
    >>> from abmgraph.demo import generate
    >>> paths = write(generate(accounts=5, anchor="2026-10-01"), tempfile.mkdtemp())
    >>> sorted(path.name for path in paths.values())[:3]
    ['accounts.csv', 'contacts.csv', 'demo.json']
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for kind, frame in data.frames().items():
        paths[kind] = out / f"{kind}.{fmt}"
        if fmt == "csv":
            _write_csv(frame, paths[kind])
        else:
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), paths[kind])
    manifest = {
        "seed": data.seed,
        "anchor": data.anchor.isoformat(),
        "format": fmt,
        "sizes": {kind: len(frame) for kind, frame in data.frames().items()},
        "in_market_accounts": int(data.truth["in_market"].sum()),
        "files": {kind: path.name for kind, path in paths.items()},
    }
    paths["manifest"] = out / "demo.json"
    paths["manifest"].write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return paths
