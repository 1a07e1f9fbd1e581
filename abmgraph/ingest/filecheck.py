"""Whether an input path is a file that can be read as text, before anything reads it.

A path must be a regular file: a directory, a named pipe (FIFO), a socket or
a device is refused before it is opened (reading a FIFO could wait forever, a
device never end). A CSV or JSON Lines file is refused as binary only when it
is: a known signature (zip or xlsx, Parquet, PDF, gzip, xz, 7-Zip, old Office,
SQLite), or a start whose bytes other than NUL are not text (over 5% of them control
bytes). NUL bytes never refuse a file, however many and wherever they are: the
reader removes and counts them.
"""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np

from abmgraph.errors import InputError

__all__ = ["ACCEPTED", "check_text", "regular_file_size"]

ACCEPTED = "CSV (.csv, .tsv, .txt), Parquet (.parquet, .pq) or JSON Lines (.jsonl, .ndjson, .json)"

# Signatures of files that are never text, with what each is and the fix.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"PAR1", "a Parquet file", "rename it to end in .parquet"),
    (b"\x1f\x8b", "gzip-compressed", "decompress it first (gunzip)"),
    (
        b"PK\x03\x04",
        "a zip archive or an Excel workbook",
        "unzip it, or export the sheet as CSV UTF-8",
    ),
    (b"PK\x05\x06", "an empty zip archive", "give the file inside it"),
    (b"%PDF-", "a PDF document", "export the table from its source as CSV"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Excel or Office file",
        "export the sheet as CSV UTF-8",
    ),
    (b"SQLite format 3\x00", "a SQLite database", "export the table as CSV"),
    (b"\xfd7zXZ\x00", "xz-compressed", "decompress it first (unxz)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "extract it first"),
)
# Bytes that text never holds (C0 controls but tab, LF, VT, FF, CR; and DEL).
_CONTROL = np.zeros(256, dtype=bool)
_CONTROL[[*range(0, 9), *range(14, 32), 127]] = True
# Share of control bytes among the first 64 KiB's bytes other than NUL that makes a
# file binary: text has next to none, while binary data spreads over all 256 values.
_MOSTLY_BINARY = 0.05


def regular_file_size(path: Path) -> int:
    """The size of ``path``, or ``InputError`` if it is missing or not a regular file.

    A FIFO, socket or device is refused before it is opened: reading one could
    wait forever, or never end.
    """
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file; check the path.") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); check the path.") from exc
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a directory, not a file; give the path of a file in it.")
    if not stat.S_ISREG(mode):
        what = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise InputError(
            f"{path}: is {what}, not a regular file; save the data to a file and give its path."
        )
    return info.st_size


def check_text(path: Path, head: bytes, fmt: str) -> None:
    """Refuse a file that is not text: a known binary signature, or mostly control bytes.

    NUL bytes alone never refuse a file: they are removed while reading.
    """
    what = "CSV" if fmt == "csv" else "JSON Lines"
    for signature, kind, fix in _SIGNATURES:
        if head.startswith(signature):
            raise InputError(f"{path}: is {kind}, not {what}; {fix}.")
    if not head:
        return
    buf = np.frombuffer(head, dtype=np.uint8)
    nuls = int((buf == 0).sum())
    controls = int(_CONTROL[buf].sum()) - nuls
    if controls > _MOSTLY_BINARY * (len(buf) - nuls):
        raise InputError(
            f"{path}: is not a text file (it is mostly binary data); "
            f"give a {what} file, or name the file after its real format ({ACCEPTED})."
        )
