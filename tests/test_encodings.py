"""Text files in the encodings CRMs and spreadsheets write, NUL bytes, binary and non-regular files."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abmgraph.errors import InputError
from abmgraph.graph.store import GraphStore
from abmgraph.ingest.pipeline import ingest_file
from abmgraph.ingest.readers import open_input


def read_all(path: Path, **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(good rows with a source_line column, bad rows) over every chunk."""
    reader = open_input(path, **options)
    goods, bads = [], []
    for chunk in reader.chunks():
        frame = chunk.frame.copy()
        frame.insert(0, "source_line", chunk.source_line)
        goods.append(frame)
        bads.append(chunk.bad)
    good = pd.concat(goods, ignore_index=True) if goods else pd.DataFrame()
    bad = pd.concat(bads, ignore_index=True) if bads else pd.DataFrame()
    return good, bad


# A weekly Salesforce Data Export's Account.csv: ISO-8859-1, every field quoted,
# NUL bytes at the start of the rich-text Description, a line break inside one.
SALESFORCE_ACCOUNTS = (
    '"Id","Name","Website","Industry","NumberOfEmployees","BillingCountry","Description"\n'
    '"0015g00000AbCdEAAV","Müller GmbH","www.mueller.de","Manufacturing","120","Germany",'
    '"\x00<p>Kunde seit 2019</p>"\n'
    '"0015g00000AbCdFAAV","Société Générale","societegenerale.com","Banking","117000",'
    '"France","\x00\x00<p>Réunion trimestrielle</p>\n<p>Suivi</p>"\n'
    '"0015g00000AbCdGAAV","Café Olé SARL","cafeole.fr","Food & Beverage","12","France",""\n'
    '"0015g00000AbCdHAAV","Ørsted A/S","orsted.com","Energy","8900","Denmark","\x00Grøn energi"\n'
).encode("latin-1")


def test_salesforce_latin1_export_loads_every_row_with_its_text(
    store: GraphStore, tmp_path: Path
) -> None:
    path = tmp_path / "Account.csv"
    path.write_bytes(SALESFORCE_ACCOUNTS)
    report = ingest_file(store, "accounts", path, preset="salesforce", quiet=True)
    assert (report.read, report.loaded, report.rejected) == (4, 4, 0)
    assert report.encoding == "cp1252"
    assert report.nul_bytes_removed == 4  # 1 + 2 + 0 + 1
    assert report.summary_line() == (
        "accounts: read 4, loaded 4 (4 new), rejected 0; encoding cp1252, 4 NUL bytes removed."
    )
    table = store.table("accounts").set_index("account_id").sort_index()
    assert table["name"].tolist() == [
        "Müller GmbH",
        "Société Générale",
        "Café Olé SARL",
        "Ørsted A/S",
    ]
    assert table["country"].tolist() == ["DE", "FR", "FR", "DK"]


def test_salesforce_export_rows_keep_their_lines_and_lose_only_the_nuls(tmp_path: Path) -> None:
    path = tmp_path / "Account.csv"
    path.write_bytes(SALESFORCE_ACCOUNTS)
    reader = open_input(path)
    good, bad = read_all(path)
    assert bad.empty
    assert reader.encoding == "cp1252"
    # The second record spans lines 3 and 4, so the third starts on line 5.
    assert good["source_line"].tolist() == [2, 3, 5, 6]
    assert good["Description"].tolist() == [
        "<p>Kunde seit 2019</p>",
        "<p>Réunion trimestrielle</p>\n<p>Suivi</p>",
        "",
        "Grøn energi",
    ]


# Excel's "Unicode Text": UTF-16 LE with a byte-order mark, tab-separated, CRLF,
# quotes only around fields that need them; any script, and characters beyond
# the Basic Multilingual Plane (surrogate pairs in UTF-16).
EXCEL_UNICODE_TEXT = (
    "contact_id\taccount_id\temail\tfirst_name\tlast_name\ttitle\r\n"
    "C1\tA1\tjurgen@mueller.de\tJürgen\tMüller\tGeschäftsführer\r\n"
    'C2\tA1\tzoe@mueller.de\tZoë\tŁukasiewicz\t"Head of ""R&D"""\r\n'
    "C3\tA2\tsatoshi@example.jp\t聡\t中本\tCTO 🚀\r\n"
)


def test_excel_unicode_text_utf16_loads_every_row(store: GraphStore, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name\nA1,Müller GmbH\nA2,中本 KK\n", encoding="utf-8")
    ingest_file(store, "accounts", accounts, quiet=True)
    path = tmp_path / "contacts.txt"
    path.write_bytes(b"\xff\xfe" + EXCEL_UNICODE_TEXT.encode("utf-16-le"))
    report = ingest_file(store, "contacts", path, quiet=True)
    assert (report.read, report.loaded, report.rejected) == (3, 3, 0)
    assert report.encoding == "utf-16-le"
    table = store.table("contacts").set_index("contact_id").sort_index()
    assert table["first_name"].tolist() == ["Jürgen", "Zoë", "聡"]
    assert table["last_name"].tolist() == ["Müller", "Łukasiewicz", "中本"]
    assert table["title"].tolist() == ["Geschäftsführer", 'Head of "R&D"', "CTO 🚀"]


@pytest.mark.parametrize(("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_split_anywhere_across_blocks_reads_the_same(
    tmp_path: Path, bom: bytes, codec: str
) -> None:
    rows = "".join(f'C{i}\tÉlodie 🚀 {i}\t"note {i}\r\nsecond line"\r\n' for i in range(400))
    path = tmp_path / "contacts.txt"
    path.write_bytes(bom + ("contact_id\tname\tnote\r\n" + rows).encode(codec))
    small, bad_small = read_all(path, block_bytes=1024 + 1)  # odd: splits code units too
    large, _ = read_all(path)
    assert bad_small.empty
    pd.testing.assert_frame_equal(small, large)
    assert len(large) == 400
    assert large["name"].iloc[399] == "Élodie 🚀 399"
    assert large["note"].iloc[0] == "note 0\r\nsecond line"
    assert large["source_line"].iloc[399] == 2 + 2 * 399


def test_utf8_with_bom(store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes("\ufeffaccount_id,name,city\nA1,Zürich Versicherung,Zürich\n".encode())
    report = ingest_file(store, "accounts", path, quiet=True)
    assert (report.loaded, report.encoding) == (1, "utf-8-sig")
    assert store.table("accounts")["name"].tolist() == ["Zürich Versicherung"]


def test_cp1252_curly_quotes_euro_and_the_undefined_bytes(tmp_path: Path) -> None:
    # 0x93/0x94 curly quotes, 0x80 euro, 0x96 en dash, 0x85 ellipsis; 0x81 is undefined
    # in Windows-1252 and reads as ISO-8859-1 reads it (U+0081).
    path = tmp_path / "accounts.csv"
    path.write_bytes(
        b"account_id,name,note\n"
        b'A1,\x93Acme\x94 Ltd,"Budget \x8050k \x96 Q3\x85"\n'
        b"A2,Caf\xe9 \x81,plain\n"
    )
    good, bad = read_all(path)
    assert bad.empty
    assert open_input(path).encoding == "cp1252"
    assert good["name"].tolist() == ["\u201cAcme\u201d Ltd", "Café \x81"]
    assert good["note"].tolist() == ["Budget €50k – Q3…", "plain"]


def test_a_latin1_byte_deep_in_a_file_decides_for_the_whole_file(tmp_path: Path) -> None:
    # The first non-ASCII byte is far past the first block: every row still reads as cp1252.
    rows = "".join(f"A{i},Account {i}\n" for i in range(3000)) + "A3000,Müller\n"
    path = tmp_path / "accounts.csv"
    path.write_bytes(("account_id,name\n" + rows).encode("latin-1"))
    good, bad = read_all(path, block_bytes=1024)
    assert bad.empty and len(good) == 3001
    assert good["name"].iloc[-1] == "Müller"


def test_latin1_that_starts_like_utf8_is_still_latin1(tmp_path: Path) -> None:
    # "Ø“" is D8 93 in Windows-1252: a valid UTF-8 sequence by chance. The rest of
    # the file's accents are lone high bytes, so the file is read as cp1252.
    path = tmp_path / "accounts.csv"
    text = "account_id,name\nA1,Ø“Nordic”\nA2,Müller\nA3,Société Générale\n"
    path.write_bytes(text.encode("cp1252"))
    good, bad = read_all(path)
    assert open_input(path).encoding == "cp1252"
    assert bad.empty
    assert good["name"].tolist() == ["Ø“Nordic”", "Müller", "Société Générale"]


def test_a_file_mixing_utf8_and_latin1_rejects_only_the_rows_it_cannot_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"account_id,name\nA1,Soci\xc3\xa9t\xc3\xa9\nA2,M\xfcller\nA3,Plain\n")
    reader = open_input(path)
    good, bad = read_all(path)
    assert reader.encoding == "utf-8"
    assert good["name"].tolist() == ["Société", "Plain"]
    assert bad["source_line"].tolist() == [3]
    assert bad["reason"].iloc[0] == (
        "not valid UTF-8 (byte 0xfc at byte 5 of the row); the file mixes UTF-8 with "
        "another encoding: save it in one encoding, or name it with --encoding"
    )


def test_encoding_can_be_forced(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"account_id,name\nA1,M\xfcller \x80\n")
    # ISO-8859-1 proper: 0x80 is the C1 control U+0080, not the euro sign.
    good, _ = read_all(path, encoding="latin-1")
    assert good["name"].tolist() == ["Müller \x80"]
    assert open_input(path, encoding="Latin-1").encoding == "iso8859-1"
    # Forced UTF-8: the row that is not UTF-8 is rejected, not guessed.
    good, bad = read_all(path, encoding="utf-8")
    assert good.empty
    assert bad["reason"].iloc[0].startswith("not valid UTF-8 (byte 0xfc at byte 5 of the row)")
    # A forced multi-byte encoding that does not fit rejects the row it fails on.
    odd = tmp_path / "odd.csv"
    odd.write_bytes("account_id,name\nA1,Zoë\n".encode("utf-16-le") + b"A")
    good, bad = read_all(odd, encoding="utf-16-le")
    assert good["name"].tolist() == ["Zoë"]
    assert bad["reason"].tolist() == [
        "not valid utf-16-le (bytes that do not decode in it); "
        "name the file's real encoding with --encoding"
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("klingon", "unknown encoding 'klingon'; give a name such as utf-8, cp1252"),
        ("base64", "'base64' is not a text encoding"),
    ],
)
def test_an_unknown_encoding_is_a_clear_error(tmp_path: Path, name: str, message: str) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,name\nA1,Acme\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        open_input(path, encoding=name)


def test_utf16_without_a_mark_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes("account_id,name\nA1,Acme Straße\n".encode("utf-16-le"))
    good, bad = read_all(path)
    assert open_input(path).encoding == "utf-16-le"
    assert bad.empty and good["name"].tolist() == ["Acme Straße"]


def test_latin1_json_lines_load(tmp_path: Path) -> None:
    path = tmp_path / "accounts.jsonl"
    path.write_bytes(b'{"account_id": "A1", "name": "M\xfcller"}\n{"account_id": "A2"}\n')
    good, bad = read_all(path)
    assert bad.empty and good["name"].tolist()[0] == "Müller"


@pytest.mark.parametrize(
    "content",
    [
        b"\x00account_id,name\nA1,Acme\n",  # at the very start
        b"account_id,na\x00me\nA1,Acme\n",  # in the header
        b"account_id,name\nA1,\x00\x00\x00Acme\x00\n",  # in and around a value
        b"account_id,name\nA1,Acme\n\x00",  # after the last line
    ],
)
def test_nul_bytes_never_refuse_a_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(content)
    reader = open_input(path)
    good, bad = read_all(path)
    assert bad.empty
    assert reader.columns == ["account_id", "name"]
    assert good["name"].tolist() == ["Acme"]
    assert good["source_line"].tolist() == [2]


def test_nul_bytes_are_counted_past_the_first_block(tmp_path: Path) -> None:
    rows = "".join(f"A{i},\x00Account {i}\n" for i in range(2000))
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,name\n" + rows, encoding="utf-8")
    reader = open_input(path, block_bytes=1024)
    names = pd.concat([c.frame["name"] for c in reader.chunks()], ignore_index=True)
    assert reader.nul_bytes == 2000
    assert names.iloc[1999] == "Account 1999"


def test_a_run_of_nuls_longer_than_a_block_is_only_removed(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"account_id,name\nA1,Acme\n" + b"\x00" * 5000 + b"A2,Globex\n")
    reader = open_input(path, block_bytes=1024)
    names = pd.concat([c.frame["name"] for c in reader.chunks()], ignore_index=True)
    assert names.tolist() == ["Acme", "Globex"]
    assert reader.nul_bytes == 5000
    # A file of nothing but NULs is an empty file, not a binary one.
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\x00" * 600)
    reader = open_input(empty)
    assert (reader.columns, list(reader.chunks()), reader.nul_bytes) == ([], [], 600)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF document, not CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "is an old Excel or Office file"),
        (b"SQLite format 3\x00\x10\x00", "is a SQLite database"),
        (bytes(range(256)) * 4, "is not a text file (it is mostly binary data)"),
    ],
)
def test_binary_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(message)):
        open_input(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "contacts.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as info:
        open_input(fifo)
    assert str(info.value) == (
        f"{fifo}: is a named pipe (FIFO), not a regular file; "
        "save the data to a file and give its path."
    )


def test_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "null.csv"
    link.symlink_to("/dev/null")
    with pytest.raises(InputError, match=r"null.csv: is a device, not a regular file"):
        open_input(link)


def test_a_utf16_row_that_does_not_decode_is_rejected_alone(tmp_path: Path) -> None:
    # A lone high surrogate (D800) on line 3: that row is rejected, the others load.
    body = "account_id\tname\r\nA1\tZoë\r\n".encode("utf-16-le")
    body += "A2\t".encode("utf-16-le") + b"\x00\xd8" + "x\r\nA3\tÅse\r\n".encode("utf-16-le")
    path = tmp_path / "accounts.txt"
    path.write_bytes(b"\xff\xfe" + body)
    good, bad = read_all(path)
    assert good["name"].tolist() == ["Zoë", "Åse"]
    assert good["source_line"].tolist() == [2, 4]
    assert bad["source_line"].tolist() == [3]
    assert bad["reason"].iloc[0].startswith("not valid utf-16-le")


# Accents that are lone lead bytes in Windows-1252 (never a UTF-8 sequence by
# chance), the CSV specials, and a line break inside values.
_LATIN1_SAFE = "aZ9 éüØçñ,;\"'\n"
_UNICODE = _LATIN1_SAFE + "€“”…Łä中🚀"


@given(
    data=st.data(),
    codec=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16-le", "utf-16-be"]),
    block_bytes=st.sampled_from([1024, 1025, 1500, 4096]),
)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_in_any_encoding_reads_back_as_written_with_its_lines(
    tmp_path: Path, data: st.DataObject, codec: str, block_bytes: int
) -> None:
    alphabet = _LATIN1_SAFE if codec == "cp1252" else _UNICODE
    text = st.text(alphabet=alphabet, max_size=40)
    rows = data.draw(st.lists(st.tuples(text, text), min_size=1, max_size=60))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["id", "name", "note"])
    for i, (name, note) in enumerate(rows):
        writer.writerow([f"R{i}", name, note])
    raw = out.getvalue().encode(codec)
    if codec.startswith("utf-16"):
        raw = ("\ufeff".encode(codec)) + raw
    path = tmp_path / f"rows-{codec}-{block_bytes}.csv"
    path.write_bytes(raw)
    good, bad = read_all(path, block_bytes=block_bytes)
    assert bad.empty
    assert good["name"].tolist() == [name for name, _ in rows]
    assert good["note"].tolist() == [note for _, note in rows]
    # Each record starts after the previous one's line breaks (its own and those in values).
    breaks = [1 + name.count("\n") + note.count("\n") for name, note in rows]
    assert good["source_line"].tolist() == [2 + sum(breaks[:i]) for i in range(len(rows))]


def test_utf16_json_lines_load(tmp_path: Path) -> None:
    path = tmp_path / "accounts.jsonl"
    lines = '{"account_id": "A1", "name": "Zoë 🚀"}\r\n{"account_id": "A2", "name": "中本"}\r\n'
    path.write_bytes(b"\xff\xfe" + lines.encode("utf-16-le"))
    good, bad = read_all(path, block_bytes=1024)
    assert open_input(path).encoding == "utf-16-le"
    assert bad.empty
    assert good["name"].tolist() == ["Zoë 🚀", "中本"]
    assert good["source_line"].tolist() == [1, 2]
