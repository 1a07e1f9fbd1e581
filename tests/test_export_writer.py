"""The file writer: byte sizes known before writing, and splits that respect every limit."""

from __future__ import annotations

import csv
import io
import json
from itertools import pairwise

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from abmgraph.export.writer import CRLF, cells, json_text, plan_parts, row_bytes

TEXT = st.text(alphabet=st.sampled_from(list('ab ,"\r\néß€😀;')), max_size=8)


@given(st.lists(st.tuples(TEXT, TEXT, st.one_of(st.none(), TEXT)), min_size=1, max_size=20))
def test_row_bytes_equal_what_the_csv_module_writes(rows):
    frame = pd.DataFrame(rows, columns=["a", "b", "c"]).astype("str")
    columns = cells(frame)
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, lineterminator=CRLF)
    expected = []
    for row in zip(*(c.to_pylist() for c in columns), strict=True):
        before = stream.tell()
        writer.writerow(row)
        expected.append(len(stream.getvalue()[before:].encode("utf-8")))
    assert row_bytes(columns).tolist() == expected


def test_numbers_booleans_and_lists_as_text():
    frame = pd.DataFrame(
        {
            "whole": [50000000.0, 6.0, None],
            "fraction": [55.42, 25500000.5, 123456789012.5],
            "count": pd.array([1, None, 3], dtype="Int64"),
            "flag": pd.array([True, False, None], dtype="boolean"),
            "roles": [["decision_maker", "champion"], [], None],
        }
    )
    assert [c.to_pylist() for c in cells(frame)] == [
        ["50000000", "6", ""],
        ["55.42", "25500000.5", "123456789012.5"],
        ["1", "", "3"],
        ["true", "false", ""],
        ["decision_maker;champion", "", ""],
    ]


@given(
    st.lists(st.integers(1, 50), max_size=200),
    st.one_of(st.none(), st.integers(1, 40)),
    st.one_of(st.none(), st.integers(60, 400)),
)
def test_parts_cover_every_row_once_within_both_limits(sizes, max_rows, max_bytes):
    header = 10
    parts = plan_parts(np.array(sizes, dtype=np.int64), header, max_rows, max_bytes)
    assert parts[0][0] == 0 and parts[-1][1] == len(sizes)
    assert all(a[1] == b[0] for a, b in pairwise(parts))
    for start, stop, size in parts:
        assert size == header + sum(sizes[start:stop])
        assert max_rows is None or stop - start <= max_rows
        assert max_bytes is None or size <= max_bytes
    if max_bytes is None and max_rows:
        counts = [stop - start for start, stop, _ in parts]
        assert len(parts) == max(1, -(-len(sizes) // max_rows))
        assert max(counts) - min(counts) <= 1


@given(st.lists(st.text(alphabet=st.sampled_from(list('a/\\"é\n')), max_size=6), max_size=10))
def test_json_text_round_trips_slashes_and_backslashes(values):
    frame = pd.DataFrame({"value": values}, dtype="str")
    assert [row["value"] for row in json.loads(json_text(frame))] == values
    assert "\\/" not in json_text(pd.DataFrame({"url": ["https://example.com/a"]}))
