"""Readers: CSV, Parquet and JSON Lines in chunks, with source lines and unreadable rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from abmgraph.errors import InputError
from abmgraph.ingest.readers import header_key, open_input


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


MESSY = (
    b"\xef\xbb\xbf contact_id , Email ,title\r\n"
    b'C1,a@x.com,"VP\nSales"\r\n'  # lines 2-3: a quoted line break
    b"\r\n"  # line 4: blank, not a row
    b"C2,b@x.com,CTO\n"  # line 5
    b"C3,b\xe9@x.com,Dev\n"  # line 6: Latin-1 byte
    b"C4,too,many,fields\n"  # line 7
    b'C5,c@x.com,"Eng ""lead"""\n'  # line 8: escaped quotes
    b'C6,"d@x.com'  # line 9: truncated, quote never closed
)


@pytest.mark.parametrize("block_bytes", [1024, 1 << 20])
def test_csv_lines_bom_and_bad_rows(tmp_path: Path, block_bytes: int) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(MESSY)
    reader = open_input(path, block_bytes=block_bytes)
    assert reader.columns == ["contact_id", "Email", "title"]
    good, bad = read_all(path, block_bytes=block_bytes)
    assert good["source_line"].tolist() == [2, 5, 8]
    assert good["contact_id"].tolist() == ["C1", "C2", "C5"]
    assert good["title"].tolist() == ["VP\nSales", "CTO", 'Eng "lead"']
    assert bad["source_line"].tolist() == [6, 7, 9]
    reasons = bad["reason"].tolist()
    assert reasons[0].startswith("not valid UTF-8 (byte 0xe9")
    assert reasons[1] == "expected 3 fields, found 4"
    assert reasons[2].startswith("unterminated quoted field")
    # What could be recovered of the bad rows is kept for the rejects file.
    assert bad["contact_id"].tolist() == ["C3", "C4", "C6"]


def test_csv_chunk_boundaries_do_not_change_rows(tmp_path: Path) -> None:
    rows = [f'C{i},"note {i}\nline two",{i}' for i in range(500)]
    path = tmp_path / "big.csv"
    path.write_text("contact_id,note,n\n" + "\n".join(rows) + "\n", encoding="utf-8")
    small, _ = read_all(path, block_bytes=1024)
    large, _ = read_all(path)
    pd.testing.assert_frame_equal(small, large)
    # Each record spans two physical lines after the header.
    assert small["source_line"].tolist() == list(range(2, 1002, 2))


def test_a_csv_that_fits_in_one_block_is_one_chunk(tmp_path: Path) -> None:
    # 2,000 rows of 40-odd bytes: past the 64 KiB a large file's header block holds.
    rows = [f"C{i:05d},{'x' * 32},{i}" for i in range(2000)]
    path = tmp_path / "small.csv"
    path.write_text("contact_id,note,n\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1 << 16
    chunks = [c for c in open_input(path, block_bytes=1 << 20).chunks() if len(c.frame)]
    assert [len(c.frame) for c in chunks] == [2000]
    assert chunks[0].source_line[[0, -1]].tolist() == [2, 2001]
    # Larger than a block: read in several, the rows the same.
    several = [c for c in open_input(path, block_bytes=1 << 15).chunks() if len(c.frame)]
    assert len(several) > 1 and sum(len(c.frame) for c in several) == 2000


def test_csv_stray_quote_inside_a_field(tmp_path: Path) -> None:
    path = tmp_path / "stray.csv"
    path.write_text('id,size,x\nA,5" screen,1\nB,7,2\nC,8,3\n', encoding="utf-8")
    good, bad = read_all(path)
    assert good["id"].tolist() == ["A", "B", "C"]
    assert good["size"].tolist() == ['5" screen', "7", "8"]
    assert good["source_line"].tolist() == [2, 3, 4]
    assert bad.empty


def test_tsv_and_semicolon_delimiters(tmp_path: Path) -> None:
    tsv = tmp_path / "a.tsv"
    tsv.write_text("account_id\tname\nA1\tAcme, Inc.\n", encoding="utf-8")
    good, _ = read_all(tsv)
    assert good["name"].tolist() == ["Acme, Inc."]
    semi = tmp_path / "b.csv"
    semi.write_text("account_id;name\nA1;Acme\n", encoding="utf-8")
    good, _ = read_all(semi)
    assert good["name"].tolist() == ["Acme"]


def test_empty_and_header_only_files_have_no_rows(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert open_input(empty).columns == []
    assert read_all(empty)[0].empty
    header = tmp_path / "header.csv"
    header.write_text("account_id,name\n", encoding="utf-8")
    assert open_input(header).columns == ["account_id", "name"]
    assert read_all(header)[0].empty
    for name in ("empty.parquet", "empty.jsonl"):
        (tmp_path / name).write_bytes(b"")
        assert read_all(tmp_path / name)[0].empty
    blank_jsonl = tmp_path / "blank.jsonl"
    blank_jsonl.write_text("\n\n", encoding="utf-8")
    assert read_all(blank_jsonl)[0].empty


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.xlsx", b"PK\x03\x04", "export the sheet as CSV UTF-8"),
        ("data.xml", b"<a/>", "unknown file type '.xml'"),
        ("data.csv", b"PK\x03\x04rest", "Excel"),
        ("data.csv", b"a,b\n\x00\x01\x02\x03", "not a text file"),
        ("data.csv", b"PAR1xxxx", "Parquet"),
        ("data.csv", b"%PDF-1.4\n", "PDF"),
        ("data.jsonl", b"\x1f\x8b\x08\x00", "gzip"),
        ("data.parquet", b"account_id,name\nA1,Acme\n", "not a readable Parquet file"),
        ("data.json", b'[{"a": 1}]\n', "JSON array"),
        ("data.jsonl", b"account_id,name\nA1,Acme\n", "not JSON Lines"),
    ],
)
def test_unreadable_files_name_the_file_and_the_fix(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_all(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        open_input(tmp_path / "nope.csv")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(InputError, match="is a directory"):
        open_input(folder)


def test_parquet_keeps_native_types_and_numbers_rows_like_lines(tmp_path: Path) -> None:
    path = tmp_path / "events.parquet"
    table = pa.table(
        {
            " Event_ID ": ["E1", "E2", "E3"],
            "occurred_at": pa.array([1_700_000_000_000_000] * 3, type=pa.timestamp("us", tz="UTC")),
            "n": pa.array([1, None, 3], type=pa.int32()),
            "tags": pa.array([["a", "b"], [], None], type=pa.list_(pa.string())),
        }
    )
    pq.write_table(table, path)
    good, bad = read_all(path, parquet_rows=2)
    assert open_input(path).columns == ["Event_ID", "occurred_at", "n", "tags"]
    assert good["source_line"].tolist() == [2, 3, 4]
    assert str(good["occurred_at"].dtype) == "datetime64[us, UTC]"
    assert good["n"].tolist()[0] == 1 and pd.isna(good["n"].tolist()[1])
    assert good["tags"].tolist()[0] == "a;b"
    assert bad.empty


def test_jsonl_values_become_text_and_bad_lines_are_rows(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(
        b'{"event_id": "E1", "n": 3, "ok": true, "x": 1.5, "tags": ["a", "b"], "none": null}\n'
        b"\n"
        b'{"event_id": "E2", "n": 2.0}\n'
        b'{"event_id": "E3", broken\n'
        b"[1, 2]\n"
        b'{"event_id": "E\xc3\xa94"}\n'
        b'{"event_id": "E\xe95"}'
    )
    good, bad = read_all(path, block_bytes=1024)
    assert good["source_line"].tolist() == [1, 3, 6]
    first = good.iloc[0]
    assert (first["n"], first["ok"], first["x"], first["tags"]) == ("3", "true", "1.5", "a;b")
    assert pd.isna(first["none"])
    assert good.iloc[1]["n"] == "2"
    assert good.iloc[2]["event_id"] == "Eé4"
    # Latin-1 after UTF-8 in one file: that line is rejected, not guessed.
    assert bad["source_line"].tolist() == [4, 5, 7]
    assert bad["reason"].iloc[0].startswith("malformed JSON")
    assert bad["reason"].iloc[1].startswith("not a JSON object")
    assert bad["reason"].iloc[2].startswith("not valid UTF-8 (byte 0xe9")


def test_jsonl_with_a_broken_first_line_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"event_id": "E1", \n{"event_id": "E2"}\n', encoding="utf-8")
    good, bad = read_all(path)
    assert (good["source_line"].tolist(), bad["source_line"].tolist()) == ([2], [1])


def test_header_key_folds_case_spaces_and_punctuation() -> None:
    assert header_key(" Account ID ") == "account_id"
    assert header_key("Country/Region") == "country_region"
    assert header_key("\ufeffIs Deal Closed?") == "is_deal_closed"
    assert header_key("NumberOfEmployees") == "numberofemployees"


def test_progress_is_silent_when_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.csv"
    path.write_text("account_id,name\nA1,Acme\n", encoding="utf-8")
    list(open_input(path).chunks(quiet=False))
    assert capsys.readouterr().err == ""
    assert np.array_equal(read_all(path)[0]["source_line"].to_numpy(), [2])
