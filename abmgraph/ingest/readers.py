"""Streaming readers for CSV, Parquet and JSON Lines input files.

A reader yields the file in chunks of a few hundred thousand rows. Each
``Chunk`` holds the rows that could be split into fields (``frame``, one
column per input column, named as in the header with surrounding spaces and
a UTF-8 byte-order mark removed), the physical line each row starts on
(``source_line``), and the rows that could not be read at all (``bad``:
``source_line``, ``field``, ``reason`` and whatever raw fields could be
recovered).

CSV and JSON Lines values are read as text, so all parsing happens in one
place (``validate``); Parquet keeps its native column types (timestamps stay
timestamps, numbers stay numbers).

Line numbers:

- CSV: the physical line on which the record starts; the header is line 1,
  and a quoted field spanning several lines advances the count by each line
  break in it. Lines are ended by LF or CRLF. Blank lines are not rows.
  A quote inside an unquoted field (``5" screen``) is an ordinary character;
  a field that opens a quote and never closes it rejects the line it is on,
  and reading goes on with the next line.
- Parquet: the 1-based data row plus 1, so row 1 reads like line 2 of a CSV.
- JSON Lines: the physical line of the object; blank lines are not rows.

Text files are decoded as a whole in one encoding, chosen by the rule in
``abmgraph.ingest.encoding`` (UTF-8, UTF-16/32 with a byte-order mark,
Windows-1252 when the bytes are not UTF-8, or the one given), and NUL bytes
are removed and counted (``InputFile.nul_bytes``).

A row that cannot be split (bytes that do not decode, the wrong number of
fields, an unterminated quote at the end of the file, malformed JSON) is a
``bad`` row and the rest of the file still loads. A file that cannot be read
at all raises ``InputError`` naming the file, the problem and the fix: a
missing file, a directory, a FIFO or device (anything but a regular file), a
spreadsheet, an archive, a PDF or Parquet file under a text extension, or
data that is mostly not text.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from abmgraph.errors import InputError, InternalError
from abmgraph.ingest.chunks import Chunk, unique_names
from abmgraph.ingest.csv_scan import CsvScanner, first_record_end, sniff
from abmgraph.ingest.encoding import TextEncoding, Utf8Stream, choose_encoding, forced_encoding
from abmgraph.ingest.filecheck import ACCEPTED as _ACCEPTED
from abmgraph.ingest.filecheck import check_text as _check_text
from abmgraph.ingest.filecheck import regular_file_size as _regular_file_size
from abmgraph.ingest.jsonl import parse_jsonl
from abmgraph.ingest.parquet_columns import arrow_to_pandas
from abmgraph.ingest.progress import Progress

__all__ = [
    "FORMATS",
    "InputFile",
    "as_text",
    "header_key",
    "open_input",
]

# File extension → reader.
FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}

_BLOCK_BYTES = 64 * 1024 * 1024  # CSV / JSON Lines bytes per chunk (≈ 300k–600k rows)
_PARQUET_ROWS = 1_000_000  # Parquet rows per chunk


def as_text(values: pd.Series) -> pd.Series:
    """A column as text (``str`` dtype): Parquet numbers, booleans and timestamps rendered.

    Whole floats read back without ``.0``; timestamps as ISO-8601
    (``2026-10-01T10:00:00Z``); booleans as ``true`` / ``false``.
    """
    if values.dtype == "str":
        return values
    try:
        array = pa.array(values, from_pandas=True)
        text = pc.cast(array, pa.large_string())
    except (pa.ArrowException, TypeError, ValueError):
        return values.astype("str")
    if pa.types.is_timestamp(array.type):
        text = pc.replace_substring(pc.replace_substring(text, ".000000", ""), " ", "T")
    return pd.Series(text.to_pandas(), index=values.index, dtype="str")


def header_key(name: str) -> str:
    """Fold a column name for matching: lower case, runs of non-alphanumerics → ``_``."""
    out = []
    pending = False
    for ch in str(name).strip().lstrip("\ufeff").lower():
        if ch.isalnum():
            if pending and out:
                out.append("_")
            out.append(ch)
            pending = False
        else:
            pending = True
    return "".join(out)


def open_input(
    path: str | Path,
    *,
    block_bytes: int = _BLOCK_BYTES,
    parquet_rows: int = _PARQUET_ROWS,
    encoding: str | None = None,
) -> InputFile:
    """Open ``path`` for reading, or raise ``InputError`` if it cannot be read at all.

    ``encoding`` forces the encoding of a CSV or JSON Lines file (a Python
    codec name); by default it is chosen by the rule in ``ingest.encoding``.
    """
    return InputFile(
        Path(path), block_bytes=block_bytes, parquet_rows=parquet_rows, encoding=encoding
    )


class InputFile:
    """One input file: its format, its encoding, its header, and its rows chunk by chunk.

    ``encoding`` is the codec name a text file is read in (None for Parquet);
    ``nul_bytes`` is how many NUL bytes the last full read removed.
    """

    def __init__(
        self, path: Path, *, block_bytes: int, parquet_rows: int, encoding: str | None = None
    ) -> None:
        self.path = path
        self.block_bytes = max(int(block_bytes), 1024)
        self.parquet_rows = max(int(parquet_rows), 1)
        self.format = _format_of(path)
        forced = forced_encoding(encoding) if encoding else None
        self.size = _regular_file_size(path)
        try:
            with path.open("rb") as handle:
                head = handle.read(65536)
        except OSError as exc:
            raise InputError(
                f"{path}: cannot be read ({exc.strerror}); check its permissions."
            ) from exc
        self._parquet: pq.ParquetFile | None = None
        self._text = TextEncoding("utf-8", checked=True)
        self.encoding: str | None = None
        self.nul_bytes = 0
        self.delimiter = ","
        # Header names as written (trimmed), or None until known (JSON Lines).
        self.columns: list[str] | None = None
        if self.format == "parquet":
            if self.size == 0:
                self.columns = []  # an empty file: no rows, no error
            else:
                self._open_parquet()
            return
        if self.size:
            self._text = choose_encoding(path, head, forced)
            if not self._text.name.startswith(("utf-16", "utf-32")):
                _check_text(path, head, self.format)
        elif forced is not None:
            self._text = forced
        self.encoding = self._text.name
        if self.size == 0:
            self.columns = []  # an empty file of any format: no rows, no error
        elif self.format == "csv":
            self._read_csv_header()

    # -- public ------------------------------------------------------------------
    def chunks(self, *, quiet: bool = True) -> Iterator[Chunk]:
        """The file's rows, chunk by chunk; a progress bar on a terminal unless ``quiet``."""
        if self.size == 0:
            return
        progress = Progress(self.path, self.size, enabled=not quiet and sys.stderr.isatty())
        try:
            if self.format == "parquet":
                yield from self._parquet_chunks(progress)
            elif self.format == "csv":
                yield from self._csv_chunks(progress)
            else:
                yield from self._jsonl_chunks(progress)
        finally:
            progress.close()

    def rows_at(self, lines: np.ndarray) -> pd.DataFrame:
        """The raw rows starting on these source lines (reads the file again)."""
        wanted = np.unique(np.asarray(lines, dtype=np.int64))
        parts = []
        for chunk in self.chunks(quiet=True):
            keep = np.isin(chunk.source_line, wanted)
            if keep.any():
                part = chunk.frame.loc[keep].copy()
                part.insert(0, "source_line", chunk.source_line[keep])
                parts.append(part)
        if not parts:
            return pd.DataFrame({"source_line": pd.Series(dtype="int64")})
        return pd.concat(parts, ignore_index=True)

    # -- Parquet -----------------------------------------------------------------
    def _open_parquet(self) -> None:
        try:
            self._parquet = pq.ParquetFile(self.path)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise InputError(
                f"{self.path}: is not a readable Parquet file ({_short(exc)}); "
                f"check the file, or give it the extension of its real format ({_ACCEPTED})."
            ) from exc
        self.columns = unique_names(self._parquet.schema_arrow.names)

    def _parquet_chunks(self, progress: Progress) -> Iterator[Chunk]:
        if self._parquet is None:
            raise InternalError(f"{self.path}: read as Parquet before it was opened.")
        meta = self._parquet.metadata
        total_rows = max(meta.num_rows, 1)
        names = self.columns or []
        row = 0
        try:
            for batch in self._parquet.iter_batches(batch_size=self.parquet_rows, use_threads=True):
                frame = pd.DataFrame(
                    {
                        name: arrow_to_pandas(self.path, name, batch.column(i))
                        for i, name in enumerate(names)
                    },
                    index=pd.RangeIndex(batch.num_rows),
                    copy=False,
                )
                lines = np.arange(row + 2, row + 2 + batch.num_rows, dtype=np.int64)
                row += batch.num_rows
                progress.advance(int(self.size * batch.num_rows / total_rows))
                yield Chunk(frame, lines)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(
                f"{self.path}: the Parquet data is damaged near row {row + 1} ({_short(exc)}); "
                "write the file again."
            ) from exc

    # -- text ----------------------------------------------------------------------
    def _utf8(self, block_bytes: int, first_bytes: int | None = None) -> Utf8Stream:
        return Utf8Stream(self.path, self._text, block_bytes, first_bytes)

    def _utf8_blocks(self, progress: Progress, skip: int = 0) -> Iterator[bytes]:
        """The file as UTF-8 blocks, the first ``skip`` bytes left out; counts NULs removed."""
        # The header is dropped from a small first block, not copied out of a large one;
        # a file that fits in one block is one block (one chunk to validate, not two).
        large = self.size > self.block_bytes
        first = min(self.block_bytes, max(skip, 1) + (1 << 16)) if skip and large else None
        stream = self._utf8(self.block_bytes, first)
        for block, consumed in stream:
            progress.advance(consumed)
            if skip:
                cut = min(skip, len(block))
                block, skip = block[cut:], skip - cut
            if not block:
                continue  # only the end of the file is an empty block
            yield block
            self.nul_bytes = stream.nul_bytes
        self.nul_bytes = stream.nul_bytes
        yield b""

    # -- CSV ---------------------------------------------------------------------
    def _read_csv_header(self) -> None:
        """Find the header record, the delimiter, and where the data starts (in UTF-8 bytes)."""
        data = b""
        stream = self._utf8(1 << 20)
        for block, _ in stream:
            data += block
            if first_record_end(data) is not None:
                break
        # A UTF-8 mark left after decoding (a forced UTF-16 without its mark, say).
        bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        data = data[bom:]
        stripped = data.lstrip(b"\r\n")
        skipped = data[: len(data) - len(stripped)]
        if not stripped.strip():
            self.columns = []
            self.nul_bytes = stream.nul_bytes  # read to the end: nothing but blanks and NULs
            self._data_start, self._data_line = self.size, 1
            return
        end = first_record_end(stripped)
        record = stripped if end is None else stripped[: end + 1]
        if b"\n" not in data and b"\r" in data.rstrip(b"\r"):
            raise InputError(
                f"{self.path}: uses old Mac line endings (CR only); "
                "save it again with LF or CRLF line endings."
            )
        try:
            text = record.rstrip(b"\r\n").decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{self.path}: the header line is not valid {self._text.name}; "
                "name the file's encoding with --encoding, or save it as UTF-8 "
                "(in Excel: CSV UTF-8)."
            ) from exc
        self.delimiter = sniff(text, "\t" if self.path.suffix.lower() == ".tsv" else ",")
        fields = next(csv.reader([text], delimiter=self.delimiter), [])
        self.columns = unique_names(fields)
        self._data_start = bom + len(skipped) + len(record)
        self._data_line = (
            1 + skipped.count(b"\n") + record.count(b"\n") + (0 if end is not None else 1)
        )

    def _csv_chunks(self, progress: Progress) -> Iterator[Chunk]:
        if not self.columns:
            return
        scanner = CsvScanner(
            self.path,
            self.columns,
            self.delimiter,
            self._data_line,
            limit=max(4 * self.block_bytes, 1 << 24),
            encoding=self._text,
        )
        for block in self._utf8_blocks(progress, skip=self._data_start):
            chunk = scanner.feed(block, final=not block)
            if chunk is not None and (len(chunk.frame) or len(chunk.bad)):
                yield chunk

    # -- JSON Lines --------------------------------------------------------------
    def _jsonl_chunks(self, progress: Progress) -> Iterator[Chunk]:
        line = 1
        pending = b""
        first = True
        for block in self._utf8_blocks(progress):
            data = pending + block
            if block:
                cut = data.rfind(b"\n") + 1
                pending, data = data[cut:], data[:cut]
            else:
                pending = b""
            if data:
                if line == 1 and data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
                chunk, line = parse_jsonl(self.path, data, line, first, self._text)
                first = first and not (len(chunk.frame) or len(chunk.bad))
                if len(chunk.frame) or len(chunk.bad):
                    yield chunk


# -- helpers --------------------------------------------------------------------------
def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xls", ".xlsm", ".numbers", ".ods"):
        raise InputError(
            f"{path}: is a spreadsheet, which cannot be read directly; "
            f"export the sheet as CSV UTF-8 (accepted formats: {_ACCEPTED})."
        )
    if suffix not in FORMATS:
        raise InputError(
            f"{path}: unknown file type {suffix or '(no extension)'!r}; "
            f"accepted formats are {_ACCEPTED}. Rename the file to match its format."
        )
    return FORMATS[suffix]


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
