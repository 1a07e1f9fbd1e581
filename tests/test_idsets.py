"""Membership and positions of ids through Arrow: the same answers as pandas, nulls apart."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd

from abmgraph import idsets
from abmgraph.idsets import among, positions


def test_among_answers_as_isin_and_never_matches_a_missing_value():
    column = pd.Series(["A1", None, "A2", "A3"], dtype="str")
    assert among(column, pd.Series(["A3", None, "A1"])).tolist() == [True, False, False, True]
    assert among(column, {"A2"}).tolist() == [False, False, True, False]
    assert among(column, []).tolist() == [False] * 4
    assert among(pd.Series([], dtype="str"), ["A1"]).tolist() == []
    # Object, numpy and pandas text all compare as text.
    assert among(np.array(["x", "y"], dtype=object), pd.Index(["y"])).tolist() == [False, True]


def test_positions_give_the_first_place_or_minus_one():
    index = pd.Index(["C1", "C2", "C2", "C3"])
    assert positions(index, ["C2", "C9", None, "C3"]).tolist() == [1, -1, -1, 3]
    assert positions(pd.Index([]), ["C1"]).tolist() == [-1]


def test_the_examples_in_the_docstrings_run():
    failed, tried = doctest.testmod(idsets)
    assert (failed, tried) == (0, 2)
