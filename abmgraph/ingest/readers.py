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
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from abmgraph.errors import InputError, InternalError
from abmgraph.ingest.encoding import TextEncoding, Utf8Stream, choose_encoding, forced_encoding
from abmgraph.ingest.filecheck import ACCEPTED as _ACCEPTED
from abmgraph.ingest.filecheck import check_text as _check_text
from abmgraph.ingest.filecheck import regular_file_size as _regular_file_size

__all__ = [
    "FORMATS",
    "Chunk",
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
_SNIFF = (",", "\t", ";", "|")
_NL, _CR, _QUOTE = 10, 13, 34


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


@dataclass
class Chunk:
    """Rows read from one stretch of the file."""

    frame: pd.DataFrame
    source_line: np.ndarray
    bad: pd.DataFrame = field(default_factory=lambda: _bad_frame([], [], [], None))

    def __len__(self) -> int:
        return len(self.frame)


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
        progress = _Progress(self.path, self.size, enabled=not quiet and sys.stderr.isatty())
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
        self.columns = _unique_names(self._parquet.schema_arrow.names)

    def _parquet_chunks(self, progress: _Progress) -> Iterator[Chunk]:
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
                        name: _arrow_to_pandas(self.path, name, batch.column(i))
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

    def _utf8_blocks(self, progress: _Progress, skip: int = 0) -> Iterator[bytes]:
        """The file as UTF-8 blocks, the first ``skip`` bytes left out; counts NULs removed."""
        # The header is dropped from a small first block, not copied out of a large one.
        first = min(self.block_bytes, max(skip, 1) + (1 << 16)) if skip else None
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
            if _first_record_end(data) is not None:
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
        end = _first_record_end(stripped)
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
        self.delimiter = _sniff(text, "\t" if self.path.suffix.lower() == ".tsv" else ",")
        fields = next(csv.reader([text], delimiter=self.delimiter), [])
        self.columns = _unique_names(fields)
        self._data_start = bom + len(skipped) + len(record)
        self._data_line = (
            1 + skipped.count(b"\n") + record.count(b"\n") + (0 if end is not None else 1)
        )

    def _csv_chunks(self, progress: _Progress) -> Iterator[Chunk]:
        if not self.columns:
            return
        scanner = _CsvScanner(
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
    def _jsonl_chunks(self, progress: _Progress) -> Iterator[Chunk]:
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
                chunk, line = _parse_jsonl(self.path, data, line, first, self._text)
                first = first and not (len(chunk.frame) or len(chunk.bad))
                if len(chunk.frame) or len(chunk.bad):
                    yield chunk


# -- CSV scanning -------------------------------------------------------------------
def _first_record_end(data: bytes) -> int | None:
    """Index of the LF ending the first non-blank record, or None if not in ``data``."""
    start = len(data) - len(data.lstrip(b"\r\n"))
    quotes = 0
    pos = start
    while True:
        nl = data.find(b"\n", pos)
        if nl < 0:
            return None
        quotes += data.count(b'"', pos, nl)
        if quotes % 2 == 0:
            return nl - start
        pos = nl + 1


def _sniff(header: str, default: str) -> str:
    """The delimiter of a header line: the default if it occurs, else the most frequent one."""
    if default in header:
        return default
    counts = {d: header.count(d) for d in _SNIFF}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else default


class _CsvScanner:
    """Splits a byte stream into CSV records and parses them, carrying incomplete tails."""

    def __init__(
        self,
        path: Path,
        columns: list[str],
        delimiter: str,
        first_line: int,
        limit: int,
        encoding: TextEncoding,
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.columns = columns
        self.n_fields = len(columns)
        self.delimiter = delimiter
        self.delim_byte = ord(delimiter)
        self.pending = b""
        self.pending_line = first_line
        # An unfinished record longer than this is not waited for: a stray quote
        # must not make the rest of the file one record.
        self.limit = limit

    def feed(self, block: bytes, *, final: bool) -> Chunk | None:
        data = self.pending + block if self.pending else block
        line = self.pending_line
        parts: list[Chunk] = []
        while data:
            buf = np.frombuffer(data, dtype=np.uint8)
            newlines = np.flatnonzero(buf == _NL)
            quotes = np.flatnonzero(buf == _QUOTE)
            ends = newlines[(np.searchsorted(quotes, newlines) & 1) == 0]
            if len(ends):
                cut = int(ends[-1]) + 1
                parts.append(self._records(data, buf, newlines, quotes, ends, line, cut))
                line += int(np.searchsorted(newlines, cut))
                data = data[cut:]
            if not data or (not final and len(data) <= self.limit):
                break
            if final and not data.strip():
                data = b""
                break
            if final and data.count(b'"') % 2 == 0:
                parts.append(self._slow(data, line))  # the last record, without a line break
                data = b""
                break
            # A quote is open at the end of the data: settle the line it is on by itself.
            nl = data.find(b"\n")
            if nl < 0:
                if final:
                    parts.append(self._open_line(data, line))
                    data = b""
                break
            parts.append(self._open_line(data[: nl + 1], line))
            data = data[nl + 1 :]
            line += 1
        self.pending, self.pending_line = data, line
        return _concat_chunks(parts, self.columns) if parts else None

    def _records(
        self,
        data: bytes,
        buf: np.ndarray,
        newlines: np.ndarray,
        quotes: np.ndarray,
        ends: np.ndarray,
        line: int,
        cut: int,
    ) -> Chunk:
        """Parse the complete records in ``data[:cut]``; ``ends`` are their LFs."""
        starts = np.empty(len(ends), dtype=np.int64)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        lines = line + np.searchsorted(newlines, starts).astype(np.int64)
        content_end = ends - (buf[np.maximum(ends - 1, 0)] == _CR)
        content_end = np.maximum(content_end, starts)
        blank = content_end == starts
        # Fields per record: delimiters outside quotes, plus one.
        delims = np.flatnonzero(buf[:cut] == self.delim_byte)
        delims = delims[(np.searchsorted(quotes, delims) & 1) == 0]
        counts = np.bincount(np.searchsorted(ends, delims), minlength=len(ends)) + 1
        problem = ~blank & (counts != self.n_fields)
        if not self.encoding.checked:
            problem |= ~blank & self._not_utf8(data, cut, starts)
        good = ~blank & ~problem
        frame = None
        if good.any():
            if problem.any() or blank.any():
                body = _slices(data, np.flatnonzero(good), starts, ends)
            else:
                body = data[:cut]
            frame = self._parse(body, int(good.sum()), multiline=len(ends) != len(newlines))
        parts = []
        if frame is not None:
            parts.append(Chunk(frame, lines[good]))
        elif good.any():
            # The fast parser disagreed with the scan: parse these records one by one.
            for i in np.flatnonzero(good):
                parts.append(self._slow(data[int(starts[i]) : int(ends[i]) + 1], int(lines[i])))
        for i in np.flatnonzero(problem):
            parts.append(self._slow(data[int(starts[i]) : int(ends[i]) + 1], int(lines[i])))
        return _concat_chunks(parts, self.columns)

    def _not_utf8(self, data: bytes, cut: int, starts: np.ndarray) -> np.ndarray:
        bad = np.zeros(len(starts), dtype=bool)
        pos = 0
        view = memoryview(data)
        while pos < cut:
            try:
                str(view[pos:cut], "utf-8")
                break
            except UnicodeDecodeError as exc:
                record = int(np.searchsorted(starts, pos + exc.start, side="right")) - 1
                bad[record] = True
                pos = int(starts[record + 1]) if record + 1 < len(starts) else cut
        return bad

    def _parse(self, body: bytes, expected: int, *, multiline: bool) -> pd.DataFrame | None:
        names = [f"c{i}" for i in range(self.n_fields)]
        try:
            table = pacsv.read_csv(
                io.BytesIO(body),
                read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.delimiter,
                    quote_char='"',
                    double_quote=True,
                    # Without line breaks inside values Arrow parses blocks in parallel.
                    newlines_in_values=multiline,
                    ignore_empty_lines=True,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowException, ValueError):
            return None
        if table.num_rows != expected:
            return None
        return pd.DataFrame(
            {col: table.column(i).to_pandas() for i, col in enumerate(self.columns)},
            index=pd.RangeIndex(table.num_rows),
            copy=False,
        )

    def _slow(self, record: bytes, line: int) -> Chunk:
        """Parse one suspicious record with the csv module (it may hold several rows)."""
        try:
            text = record.decode("utf-8")
        except UnicodeDecodeError as exc:
            loose = record.decode("utf-8", errors="replace")
            fields = next(csv.reader([loose.rstrip("\r\n")], delimiter=self.delimiter), [])
            reason = self.encoding.invalid_reason(record[exc.start], exc.start + 1)
            return _bad_chunk([line], [reason], [fields], self.columns, [loose.rstrip("\r\n")])
        good_rows, good_lines, bad_lines, bad_reasons, bad_fields = [], [], [], [], []
        bad_text: list[str] = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter)
        previous = 0
        for fields in reader:
            row_line = line + previous
            previous = reader.line_num
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) == self.n_fields:
                good_rows.append(fields)
                good_lines.append(row_line)
            else:
                bad_lines.append(row_line)
                bad_reasons.append(f"expected {self.n_fields} fields, found {len(fields)}")
                bad_fields.append(fields)
                bad_text.append(_csv_line(fields, self.delimiter))
        frame = pd.DataFrame(good_rows, columns=self.columns, dtype="str")
        if not good_rows:
            frame = _empty_text_frame(self.columns)
        return Chunk(
            frame.reset_index(drop=True),
            np.asarray(good_lines, dtype=np.int64),
            _bad_frame(
                bad_lines, [""] * len(bad_lines), bad_reasons, self.columns, bad_fields, bad_text
            ),
        )

    def _open_line(self, text: bytes, line: int) -> Chunk:
        """One physical line holding a quote that is never closed before the end of the file.

        A quote inside an unquoted field (``5" screen``) is literal and the line
        is read as usual; a field that opens with a quote and never closes it is
        rejected, and reading goes on with the next line.
        """
        try:
            decoded = text.decode("utf-8").rstrip("\r\n")
            next(csv.reader([decoded], delimiter=self.delimiter, strict=True), [])
        except UnicodeDecodeError:
            return self._slow(text, line)
        except csv.Error as exc:
            if "unexpected end of data" not in str(exc):
                return self._slow(text, line)
            fields = next(csv.reader([decoded], delimiter=self.delimiter), [])
            return _bad_chunk(
                [line],
                ['unterminated quoted field (a " opened on this line is never closed)'],
                [fields],
                self.columns,
                [decoded],
            )
        return self._slow(text, line)


def _slices(data: bytes, keep: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> bytes:
    """The bytes of the kept records, consecutive records copied as one slice."""
    breaks = np.flatnonzero(np.diff(keep) != 1)
    firsts = keep[np.concatenate(([0], breaks + 1))]
    lasts = keep[np.concatenate((breaks, [len(keep) - 1]))]
    return b"".join(
        data[int(starts[a]) : int(ends[b]) + 1] for a, b in zip(firsts, lasts, strict=True)
    )


# -- JSON Lines -------------------------------------------------------------------
def _parse_jsonl(
    path: Path, data: bytes, line: int, first: bool, encoding: TextEncoding
) -> tuple[Chunk, int]:
    fast = _parse_jsonl_fast(data, line) if encoding.checked or _is_utf8(data) else None
    if fast is not None:
        return fast
    records: list[dict] = []
    lines: list[int] = []
    bad_lines: list[int] = []
    bad_reasons: list[str] = []
    bad_values: list[dict] = []
    bad_text: list[str] = []  # the line as written, to fix and load again
    for raw in data.split(b"\n"):
        this = line
        line += 1
        stripped = raw.strip()
        if not stripped:
            continue
        try:
            text = stripped.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_lines.append(this)
            bad_reasons.append(encoding.invalid_reason(stripped[exc.start], exc.start + 1))
            bad_values.append({})
            bad_text.append(stripped.decode("utf-8", errors="replace"))
            continue
        try:
            value = json.loads(text)
        except ValueError as exc:
            if first and not records and not bad_lines and not text.startswith("{"):
                _refuse_json(path, text, exc)
            bad_lines.append(this)
            bad_reasons.append(f"malformed JSON ({_json_error(exc)}): {_clip(text)}")
            bad_values.append({})
            bad_text.append(text)
            continue
        if not isinstance(value, dict):
            if first and not records and not bad_lines:
                _refuse_json(path, text, None)
            bad_lines.append(this)
            bad_reasons.append(f"not a JSON object: {_clip(text)}")
            bad_values.append({})
            bad_text.append(text)
            continue
        records.append(value)
        lines.append(this)
    # The block ended with a line break, so the loop counted one line too many.
    line -= 1 if data.endswith(b"\n") else 0
    keys: dict[str, str] = {}
    for record in records:
        for key in record:
            if key not in keys:
                keys[key] = str(key).strip().lstrip("\ufeff")
    names = _unique_names(list(keys.values()))
    columns = {
        name: pd.Series([_json_text(r.get(key)) for r in records], dtype="str")
        for key, name in zip(keys, names, strict=True)
    }
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(records)))
    bad = _bad_frame(bad_lines, [""] * len(bad_lines), bad_reasons, None, raw_lines=bad_text)
    return Chunk(frame, np.asarray(lines, dtype=np.int64), bad), line


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` decodes as UTF-8 (Arrow's JSON reader would take it as is)."""
    try:
        str(data, "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parse_jsonl_fast(data: bytes, line: int) -> tuple[Chunk, int] | None:
    """Arrow's JSON reader for a block of clean lines; None sends the block line by line."""
    buf = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(buf == _NL)
    ends = newlines if data.endswith(b"\n") else np.append(newlines, len(data))
    starts = np.concatenate(([0], ends[:-1] + 1))
    content_end = ends - (buf[np.maximum(ends - 1, 0)] == _CR) * (ends > starts)
    filled = content_end > starts
    if not filled.any():
        return None
    try:
        table = pajson.read_json(io.BytesIO(data))
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows != int(filled.sum()):
        return None
    columns = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        text = _json_column_text(column)
        if text is None:
            return None
        columns[name] = text
    names = _unique_names([name.strip().lstrip("\ufeff") for name in columns])
    frame = pd.DataFrame(
        {new: columns[old] for old, new in zip(columns, names, strict=True)},
        index=pd.RangeIndex(table.num_rows),
    )
    lines = (line + np.flatnonzero(filled)).astype(np.int64)
    return Chunk(frame, lines), line + len(ends)


def _json_column_text(column: pa.ChunkedArray) -> pd.Series | None:
    """A JSON column as text the way the line-by-line reader writes it, or None."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column.to_pandas().astype("str")
    if pa.types.is_null(kind):
        return pd.Series(pa.nulls(len(column), pa.large_string()).to_pandas())
    if pa.types.is_boolean(kind) or pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return pc.cast(column, pa.large_string()).to_pandas().astype("str")
    if pa.types.is_list(kind) and (
        pa.types.is_string(kind.value_type)
        or pa.types.is_integer(kind.value_type)
        or pa.types.is_floating(kind.value_type)
    ):
        joined = pc.binary_join(pc.cast(column, pa.list_(pa.string())), ";")
        return joined.to_pandas().astype("str")
    return None


def _refuse_json(path: Path, text: str, exc: ValueError | None) -> None:
    start = text.lstrip()[:1]
    if start == "[":
        raise InputError(
            f"{path}: is a JSON array, not JSON Lines (one object per line); "
            "convert it, e.g. `jq -c '.[]' file.json > file.jsonl`."
        )
    detail = f" ({_json_error(exc)})" if exc is not None else ""
    raise InputError(
        f"{path}: is not JSON Lines: the first line is not a JSON object{detail}; "
        f"give the file the extension of its real format ({_ACCEPTED})."
    )


def _json_error(exc: ValueError | None) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at character {exc.pos + 1}"
    return str(exc)


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list) and all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
    ):
        return ";".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def _unique_names(names: list[str]) -> list[str]:
    """Trimmed header names; blanks become ``column_N``; repeats get ``_2``, ``_3`` …"""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names):
        name = str(raw).strip().lstrip("\ufeff").strip() or f"column_{i + 1}"
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def _empty_text_frame(columns: list[str] | None) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str") for c in columns or []})


def _bad_frame(
    lines: list[int],
    fields: list[str],
    reasons: list[str],
    columns: list[str] | None,
    values: list[list[str]] | None = None,
    raw_lines: list[str] | None = None,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "source_line": pd.Series(lines, dtype="int64"),
            "field": pd.Series(fields, dtype="str"),
            "reason": pd.Series(reasons, dtype="str"),
        }
    )
    if raw_lines is not None:
        frame["raw_line"] = pd.Series(raw_lines, dtype="str")
    if columns and values is not None:
        width = len(columns)
        padded = [(list(v) + [None] * width)[:width] for v in values]
        raw = pd.DataFrame(padded, columns=columns, dtype="str")
        frame = pd.concat([frame, raw], axis=1)
    return frame


def _bad_chunk(
    lines: list[int],
    reasons: list[str],
    values: list[list[str]],
    columns: list[str],
    raw_lines: list[str] | None = None,
) -> Chunk:
    return Chunk(
        _empty_text_frame(columns),
        np.zeros(0, dtype=np.int64),
        _bad_frame(lines, [""] * len(lines), reasons, columns, values, raw_lines),
    )


def _csv_line(fields: list[str], delimiter: str) -> str:
    """Fields written back as one line of the file's dialect (every field kept)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(fields)
    return out.getvalue()


def _concat_chunks(parts: list[Chunk], columns: list[str]) -> Chunk:
    parts = [p for p in parts if len(p.frame) or len(p.bad)]
    if not parts:
        return Chunk(_empty_text_frame(columns), np.zeros(0, dtype=np.int64))
    if len(parts) == 1:
        return parts[0]
    frames = [p.frame for p in parts if len(p.frame)]
    lines = np.concatenate([p.source_line for p in parts])
    frame = pd.concat(frames, ignore_index=True) if frames else _empty_text_frame(columns)
    if len(lines) > 1 and np.any(np.diff(lines) < 0):
        order = np.argsort(lines, kind="stable")
        frame = frame.take(order).reset_index(drop=True)
        lines = lines[order]
    bads = [p.bad for p in parts if len(p.bad)]
    bad = pd.concat(bads, ignore_index=True) if bads else _bad_frame([], [], [], None)
    return Chunk(frame, lines, bad)


def _arrow_to_pandas(path: Path, name: str, column: pa.Array) -> pd.Series:
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


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class _Progress:
    """A byte-counting progress bar on stderr, or nothing."""

    def __init__(self, path: Path, total: int, *, enabled: bool) -> None:
        self._progress = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(f"Reading {path.name}", total=max(total, 1))

    def advance(self, n: int) -> None:
        if self._progress is not None and n:
            self._progress.advance(self._task, n)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
