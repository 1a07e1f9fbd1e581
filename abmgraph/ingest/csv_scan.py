"""The CSV scanner: splits a UTF-8 byte stream into records and parses them.

Records are found with numpy (line feeds outside quotes) and parsed by
Arrow's CSV reader in bulk; a record with the wrong number of fields, bytes
that do not decode, or a quote that never closes is read again on its own
with the ``csv`` module and becomes a bad row, so the rest of the file still
loads.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from abmgraph.ingest.chunks import Chunk, bad_chunk, bad_frame, concat_chunks, empty_text_frame
from abmgraph.ingest.encoding import TextEncoding

__all__ = ["CsvScanner", "first_record_end", "sniff"]

_SNIFF = (",", "\t", ";", "|")
_NL, _CR, _QUOTE = 10, 13, 34


def first_record_end(data: bytes) -> int | None:
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


def sniff(header: str, default: str) -> str:
    """The delimiter of a header line: the default if it occurs, else the most frequent one."""
    if default in header:
        return default
    counts = {d: header.count(d) for d in _SNIFF}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else default


class CsvScanner:
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
        return concat_chunks(parts, self.columns) if parts else None

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
        return concat_chunks(parts, self.columns)

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
            return bad_chunk([line], [reason], [fields], self.columns, [loose.rstrip("\r\n")])
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
            frame = empty_text_frame(self.columns)
        return Chunk(
            frame.reset_index(drop=True),
            np.asarray(good_lines, dtype=np.int64),
            bad_frame(
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
            return bad_chunk(
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


def _csv_line(fields: list[str], delimiter: str) -> str:
    """Fields written back as one line of the file's dialect (every field kept)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow(fields)
    return out.getvalue()
