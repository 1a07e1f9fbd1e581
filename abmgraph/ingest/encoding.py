"""How a text file's bytes become UTF-8: the encoding rule, block transcoding, NUL removal.

A CSV or JSON Lines file is decoded as a whole, in one encoding, never row by
row. The encoding is, in this order:

1. the one given with ``--encoding NAME`` (any Python codec name: ``utf-8``,
   ``cp1252``, ``latin-1``, ``utf-16`` …); a leading byte-order mark is
   dropped. Bytes that cannot be decoded in it reject the row they are on.
2. the byte-order mark: ``EF BB BF`` UTF-8, ``FF FE`` / ``FE FF`` UTF-16
   little / big endian (Excel's "Unicode Text"), ``FF FE 00 00`` /
   ``00 00 FE FF`` UTF-32.
3. UTF-16 without a mark, when the start of the file has a NUL in nearly
   every other byte (ASCII text written as UTF-16).
4. ``utf-8`` when the whole file is valid UTF-8 (plain ASCII included).
5. ``cp1252`` (Windows-1252) when the file is not valid UTF-8 and, over the
   whole file, more of its non-ASCII bytes are invalid as UTF-8 than form
   valid UTF-8 sequences (a Latin-1 file: an accent is a lone high byte).
   The five bytes Windows-1252 leaves undefined (``81 8D 8F 90 9D``) are
   read as ISO-8859-1 reads them, so every ISO-8859-1 file reads exactly as
   ISO-8859-1, and the Windows extras (``€``, curly quotes, ``…``) that
   Salesforce and Excel write in "ISO-8859-1" exports read right too.
6. ``utf-8`` otherwise: a UTF-8 file with some invalid bytes mixes encodings
   (rows pasted from elsewhere), so guessing would garble the larger part.
   The rows holding invalid bytes are rejected, naming the byte; the rest
   loads.

Whatever the rule, bytes that do not decode in the chosen encoding (Latin-1
bytes in a file marked as UTF-8, say) reject the row they are on, with a
reason naming the encoding; they are never replaced or guessed.

The file is transcoded to UTF-8 in blocks (multi-byte characters split
across blocks are carried over), so the fast CSV parser sees UTF-8 whatever
the input was; line breaks, quotes and delimiters keep their places, so line
numbers are those of the file. NUL bytes (a Salesforce Data Export writes
them at the start of rich-text values) are removed wherever they are, and
counted.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from abmgraph.errors import InputError

__all__ = ["TextEncoding", "Utf8Stream", "choose_encoding", "forced_encoding"]

_PIECE = 8 * 1024 * 1024  # raw bytes decoded at a time
_CENSUS = 1024 * 1024  # raw bytes weighed at a time (a few byte-sized masks each)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Windows-1252, with the five bytes it leaves undefined read as ISO-8859-1 does.
_CP1252_TABLE = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))
_UNDECODABLE = "abmgraph.undecodable"


def _keep_undecodable(exc: UnicodeError) -> tuple[str, int]:
    """Undecodable bytes as lone surrogates: they stay invalid UTF-8, so their row is rejected."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error(_UNDECODABLE, _keep_undecodable)


@dataclass(frozen=True)
class TextEncoding:
    """The encoding a file is read in.

    ``name`` is a Python codec name (what the summary shows, and what
    ``--encoding`` accepts back); ``bom`` is the length of the byte-order
    mark to skip; ``mixed`` marks rule 6; ``checked`` says every byte is
    known to decode (no row can hold undecodable bytes).
    """

    name: str
    bom: int = 0
    mixed: bool = False
    checked: bool = False
    forced: bool = False

    @property
    def is_utf8(self) -> bool:
        return self.name in ("utf-8", "utf-8-sig")

    def invalid_reason(self, byte: int, position: int) -> str:
        """Why a row with undecodable bytes is rejected."""
        if self.is_utf8:
            text = f"not valid UTF-8 (byte 0x{byte:02x} at byte {position} of the row); "
            if self.mixed:
                return text + (
                    "the file mixes UTF-8 with another encoding: save it in one encoding, "
                    "or name it with --encoding"
                )
            return text + "save the file as UTF-8, or name its encoding with --encoding"
        return (
            f"not valid {self.name} (bytes that do not decode in it); "
            "name the file's real encoding with --encoding"
        )


def forced_encoding(name: str) -> TextEncoding:
    """The encoding given by name, or ``InputError`` if Python knows no such text codec."""
    try:
        info = codecs.lookup(name.strip())
    except (LookupError, ValueError) as exc:
        raise InputError(
            f"unknown encoding {name!r}; give a name such as utf-8, cp1252, latin-1 or utf-16."
        ) from exc
    if not getattr(info, "_is_text_encoding", True):
        raise InputError(f"{name!r} is not a text encoding; give one such as utf-8 or cp1252.")
    canonical = {"utf-8-sig": "utf-8"}.get(info.name, info.name)
    return TextEncoding(canonical, forced=True)


def choose_encoding(path: Path, head: bytes, forced: TextEncoding | None = None) -> TextEncoding:
    """The encoding of a text file whose first bytes are ``head`` (see the module rules)."""
    if forced is not None:
        bom = 0
        if forced.name == "utf-8" and head.startswith(codecs.BOM_UTF8):
            bom = len(codecs.BOM_UTF8)
        return TextEncoding(forced.name, bom=bom, forced=True)
    for mark, name in _BOMS:
        if head.startswith(mark):
            # Not checked: a marked file can still hold bytes that do not decode.
            return TextEncoding(name, bom=len(mark))
    unmarked = _utf16_without_bom(head)
    if unmarked:
        return TextEncoding(unmarked)
    return _utf8_or_cp1252(path)


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[:4096]
    half = len(sample) // 2
    if half < 8:
        return None
    even, odd = sample[0 : 2 * half : 2], sample[1 : 2 * half : 2]
    nul_even, nul_odd = even.count(0), odd.count(0)
    if nul_odd >= 0.9 * half and nul_even <= 0.1 * half:
        return "utf-16-le"
    if nul_even >= 0.9 * half and nul_odd <= 0.1 * half:
        return "utf-16-be"
    return None


def _utf8_or_cp1252(path: Path) -> TextEncoding:
    """Rules 4–6: validate the file as UTF-8; at the first invalid byte, weigh the whole file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        while True:
            piece = handle.read(_PIECE)
            if piece and piece.isascii():
                continue
            try:
                decoder.decode(piece, final=not piece)
            except UnicodeDecodeError:
                break
            if not piece:
                return TextEncoding("utf-8", checked=True)
        handle.seek(0)
        valid = invalid = 0
        while piece := handle.read(_CENSUS):
            good, bad = _utf8_census(piece)
            valid, invalid = valid + good, invalid + bad
    if invalid > valid:
        return TextEncoding("cp1252", checked=True)
    return TextEncoding("utf-8", mixed=True)


def _utf8_census(data: bytes) -> tuple[int, int]:
    """Non-ASCII bytes of ``data`` in well-formed UTF-8 sequences, and the others.

    A sequence is a lead byte followed by its continuation bytes (``80``–``BF``);
    a sequence cut by the end of ``data`` counts as invalid, which over a file
    read in megabyte pieces is noise.
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    n = len(buf)
    continuation = (buf & 0xC0) == 0x80
    followed = np.ones(n, dtype=bool)  # followed[i]: the k bytes after i are continuations
    valid = 0
    for k, (low, high) in enumerate(((0xC2, 0xDF), (0xE0, 0xEF), (0xF0, 0xF4)), start=1):
        cut = max(n - k, 0)
        followed[:cut] &= continuation[k:]
        followed[cut:] = False
        leads = int(((buf >= low) & (buf <= high) & followed).sum())
        valid += leads * (k + 1)
    return valid, int((buf >= 0x80).sum()) - valid


class Utf8Stream:
    """A text file's bytes as UTF-8 blocks: the mark skipped, transcoded, NULs removed.

    Iterating yields ``(utf8_bytes, raw_bytes_consumed)`` pairs; ``nul_bytes``
    counts the NUL bytes removed so far. The output does not depend on the
    block sizes: ``first_bytes`` (default ``block_bytes``) is the size of the
    first read, so a caller that drops the header copies a small block only.
    """

    def __init__(
        self, path: Path, encoding: TextEncoding, block_bytes: int, first_bytes: int | None = None
    ) -> None:
        self.path = path
        self.encoding = encoding
        self.block_bytes = block_bytes
        self.first_bytes = first_bytes or block_bytes
        self.nul_bytes = 0

    def __iter__(self) -> Iterator[tuple[bytes, int]]:
        encoding = self.encoding
        identity = encoding.is_utf8
        single_byte = encoding.name == "cp1252" and not encoding.forced
        decoder = codecs.getincrementaldecoder(encoding.name)(errors=_UNDECODABLE)
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            raise InputError(
                f"{self.path}: cannot be read ({exc.strerror}); check its permissions."
            ) from exc
        with handle:
            handle.seek(encoding.bom)
            consumed = encoding.bom
            size = self.first_bytes
            while True:
                raw = handle.read(size)
                size = self.block_bytes
                consumed += len(raw)
                if identity:
                    out = raw
                elif single_byte:
                    out = codecs.charmap_decode(raw, "strict", _CP1252_TABLE)[0].encode("utf-8")
                else:
                    text = decoder.decode(raw, final=not raw)
                    out = text.encode("utf-8", errors="surrogatepass")
                nuls = out.count(0)
                if nuls:
                    self.nul_bytes += nuls
                    out = out.replace(b"\x00", b"")
                if out or raw:
                    yield out, consumed
                    consumed = 0
                if not raw:
                    return
