"""Vectorised parsers and normalisers of the data contract's fields."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abmgraph.ingest import emails
from abmgraph.ingest.countries import country_iso2
from abmgraph.ingest.emails import (
    email_domain,
    is_disposable,
    is_free_mail,
    normalize_email,
    registrable_domain,
)
from abmgraph.ingest.phones import normalize_phone
from abmgraph.ingest.scalars import parse_bool, parse_int, parse_number
from abmgraph.ingest.timestamps import parse_datetime
from abmgraph.ingest.vocabularies import (
    canonical_buying_role,
    canonical_department,
    canonical_seniority,
    canonical_vocab,
    split_list,
)

NA = None


def text(*values: str | None, index: list[int] | None = None) -> pd.Series:
    """A column as the readers produce it: pandas' default string dtype."""
    return pd.Series(list(values), dtype="str", index=index)


def cells(series: pd.Series) -> list[object]:
    """Values with every missing marker (NaN, NA, NaT) as None."""
    return [None if pd.isna(v) else v for v in series.tolist()]


def one(parser, value: str | None) -> tuple[object, bool]:
    values, invalid = parser(text(value))
    return cells(values)[0], bool(invalid.iloc[0])


# ---------------------------------------------------------------------------
# Booleans


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        (" Yes ", True),
        ("y", True),
        ("T", True),
        ("1", True),
        ("false", False),
        ("No", False),
        ("n", False),
        ("f", False),
        ("0", False),
    ],
)
def test_parse_bool(raw: str, expected: bool) -> None:
    assert one(parse_bool, raw) == (expected, False)


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_parse_bool_empty_is_missing_not_invalid(raw: str | None) -> None:
    assert one(parse_bool, raw) == (NA, False)


@pytest.mark.parametrize("raw", ["maybe", "2", "yess", "on"])
def test_parse_bool_invalid(raw: str) -> None:
    assert one(parse_bool, raw) == (NA, True)


def test_parse_bool_typed_input() -> None:
    values, invalid = parse_bool(pd.Series([True, False]))
    assert values.dtype == "boolean" and cells(values) == [True, False]
    assert not invalid.any()
    values, invalid = parse_bool(pd.Series([1, 0, 2]))
    assert cells(values) == [True, False, NA]
    assert invalid.tolist() == [False, False, True]
    values, invalid = parse_bool(pd.Series([1.0, np.nan]))
    assert cells(values) == [True, NA] and not invalid.any()


def test_parse_bool_keeps_index() -> None:
    values, invalid = parse_bool(text("yes", "bad", "", index=[30, 10, 20]))
    assert list(values.index) == list(invalid.index) == [30, 10, 20]
    assert bool(values.loc[30])
    assert invalid.loc[10] and not invalid.loc[20]


# ---------------------------------------------------------------------------
# Numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1200", 1200.0),
        ("1,200", 1200.0),
        ("1,200,000.50", 1200000.5),
        ("-4.5", -4.5),
        ("+7", 7.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("$1.5M", 1_500_000.0),
        ("€ 30k", 30_000.0),
        ("USD 2,500", 2500.0),
        ("2500 EUR", 2500.0),
        ("£3bn", 3e9),
        ("10mm", 10_000_000.0),
        ("1 000 000", 1_000_000.0),
        ("(1,200)", -1200.0),
    ],
)
def test_parse_number(raw: str, expected: float) -> None:
    assert one(parse_number, raw) == (pytest.approx(expected), False)


@pytest.mark.parametrize("raw", ["abc", "1,5", "12,34,567", "1.2.3", "5x", "--1", "nan", "$"])
def test_parse_number_invalid(raw: str) -> None:
    assert one(parse_number, raw) == (NA, True)


def test_parse_number_empty_and_typed() -> None:
    values, invalid = parse_number(text("", None, "  "))
    assert values.dtype == "float64" and values.isna().all() and not invalid.any()
    values, invalid = parse_number(pd.Series([1, 2], index=[5, 6]))
    assert values.tolist() == [1.0, 2.0] and list(values.index) == [5, 6]


def test_parse_int() -> None:
    values, invalid = parse_int(
        text("1,200", "1.5", "2.5k", "x", "", "7.0", index=[9, 8, 7, 6, 5, 4])
    )
    assert values.dtype == "Int64"
    assert cells(values) == [1200, NA, 2500, NA, NA, 7]
    assert invalid.tolist() == [False, True, False, True, False, False]
    assert list(values.index) == [9, 8, 7, 6, 5, 4]


def test_parse_int_typed() -> None:
    values, invalid = parse_int(pd.Series([3, 4], dtype="int64"))
    assert values.dtype == "Int64" and values.tolist() == [3, 4] and not invalid.any()


# ---------------------------------------------------------------------------
# Dates and times


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-10-01", "2026-10-01T00:00:00Z"),
        ("2026-10-01 14:03:00", "2026-10-01T14:03:00Z"),
        ("2026-10-01T14:03:00", "2026-10-01T14:03:00Z"),
        ("2026-10-01T14:03:00Z", "2026-10-01T14:03:00Z"),
        ("2026-10-01T14:03:00+02:00", "2026-10-01T12:03:00Z"),
        ("2026-10-01T14:03:00.000+0000", "2026-10-01T14:03:00Z"),
        ("2026-10-01T14:03:00.5-05:00", "2026-10-01T19:03:00.5Z"),
        ("2026-10-01T14:03", "2026-10-01T14:03:00Z"),
        (" 2026-10-01 ", "2026-10-01T00:00:00Z"),
        ("2026-10-01 14:03:00 UTC", "2026-10-01T14:03:00Z"),
    ],
)
def test_parse_datetime(raw: str, expected: str) -> None:
    value, invalid = one(parse_datetime, raw)
    assert value == pd.Timestamp(expected)
    assert not invalid


@pytest.mark.parametrize(
    "raw", ["garbage", "2026-13-01", "2026-02-30", "13/13/2026", "tomorrow", "now", "today"]
)
def test_parse_datetime_invalid(raw: str) -> None:
    assert one(parse_datetime, raw) == (NA, True)


def test_parse_datetime_dtype_and_empty() -> None:
    values, invalid = parse_datetime(text("", None, "2026-01-01"))
    assert str(values.dtype) == "datetime64[us, UTC]"
    assert cells(values)[:2] == [NA, NA]
    assert not invalid.any()


def test_parse_datetime_mixed_zoned_and_naive() -> None:
    values, invalid = parse_datetime(text("2026-10-01T10:00:00Z", "2026-10-01 10:00:00"))
    assert values.iloc[0] == values.iloc[1]
    assert not invalid.any()


def test_parse_datetime_typed_input() -> None:
    naive = pd.Series(pd.to_datetime(["2026-10-01 10:00"]))
    aware = pd.Series(pd.to_datetime(["2026-10-01 12:00+02:00"]))
    assert parse_datetime(naive)[0].iloc[0] == pd.Timestamp("2026-10-01T10:00Z")
    assert parse_datetime(aware)[0].iloc[0] == pd.Timestamp("2026-10-01T10:00Z")
    assert str(parse_datetime(aware)[0].dtype) == "datetime64[us, UTC]"


def test_parse_datetime_object_dtype() -> None:
    values, invalid = parse_datetime(pd.Series(["2026-10-01", None, "bad"], dtype=object))
    assert cells(values) == [pd.Timestamp("2026-10-01T00:00Z"), NA, NA]
    assert invalid.tolist() == [False, False, True]


def test_parse_datetime_large_column_with_a_few_bad_rows() -> None:
    # Longer than one block of the fast path, with trouble in one block only.
    n = 200_000
    stamps = pd.date_range("2026-01-01", periods=1000, freq="h", tz="UTC")
    raw = pd.Series(stamps.strftime("%Y-%m-%dT%H:%M:%SZ")[np.arange(n) % 1000], dtype="str")
    raw.iloc[150_000] = "not a date"
    raw.iloc[150_001] = ""
    raw.iloc[150_002] = "2026-01-01 05:00:00"
    raw.index = raw.index + 10
    values, invalid = parse_datetime(raw)
    assert list(values.index[:2]) == [10, 11]
    assert invalid.sum() == 1 and invalid.iloc[150_000]
    assert values.isna().sum() == 2
    assert values.iloc[150_002] == pd.Timestamp("2026-01-01T05:00Z")
    assert values.iloc[199_999] == stamps[199_999 % 1000]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-01 05:00:00 UTC", "2026-01-01T05:00:00Z"),
        ("2026-01-01 05:00:00+02:00", "2026-01-01T03:00:00Z"),
        ("2026-01-01 05:00:00", "2026-01-01T05:00:00Z"),
        ("  2026-01-01 05:00:00Z", "2026-01-01T05:00:00Z"),
        ("20260101T050000Z", "2026-01-01T05:00:00Z"),  # a form only pandas reads
    ],
)
def test_parse_datetime_whole_blocks_of_one_form(value: str, expected: str) -> None:
    raw = pd.Series([value] * 70_000, dtype="str")
    raw.iloc[-1] = None
    values, invalid = parse_datetime(raw)
    assert (values.iloc[:-1] == pd.Timestamp(expected)).all()
    assert pd.isna(values.iloc[-1]) and not invalid.any()


# ---------------------------------------------------------------------------
# Emails


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("john.doe@acme.com", "john.doe@acme.com"),
        ("  John.Doe@ACME.com ", "john.doe@acme.com"),
        ("mailto:jane@acme.co.uk", "jane@acme.co.uk"),
        ("MAILTO:jane@acme.io", "jane@acme.io"),
        ("first+tag@sub.acme-corp.com", "first+tag@sub.acme-corp.com"),
        ("x@xn--bcher-kva.de", "x@xn--bcher-kva.de"),
        ("x@bücher.de", "x@bücher.de"),
    ],
)
def test_normalize_email(raw: str, expected: str) -> None:
    assert one(normalize_email, raw) == (expected, False)


@pytest.mark.parametrize(
    "raw",
    [
        "john",
        "john@",
        "@acme.com",
        "a@@acme.com",
        "a@b@acme.com",
        "john doe@acme.com",
        "john@acme",
        "john@localhost",
        "john@acme.c",
        "john@acme..com",
        "john@-acme.com",
        "john@acme_corp.com",
        "john@acme.com.",
        "a@x.com; b@y.com",
    ],
)
def test_normalize_email_invalid(raw: str) -> None:
    assert one(normalize_email, raw) == (NA, True)


def test_normalize_email_empty_and_index() -> None:
    values, invalid = normalize_email(text("", None, "A@B.com", index=[3, 2, 1]))
    assert cells(values) == [NA, NA, "a@b.com"]
    assert not invalid.any()
    assert list(values.index) == [3, 2, 1]


def test_email_domain() -> None:
    domains = email_domain(text("a@acme.com", None, "no-at-sign", "b@mail.acme.co.uk"))
    assert cells(domains) == ["acme.com", NA, NA, "mail.acme.co.uk"]


def test_free_mail_and_disposable() -> None:
    domains = text(
        "gmail.com", "yahoo.co.uk", "acme.com", "mailinator.com", "10minutemail.com", None
    )
    assert is_free_mail(domains).tolist() == [True, True, False, True, False, False]
    assert is_disposable(domains).tolist() == [False, False, False, True, True, False]
    assert is_free_mail(text("GMail.com ")).tolist() == [True]


# ---------------------------------------------------------------------------
# Web domains


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://www.Acme.co.uk/about", "acme.co.uk"),
        ("WWW.acme.com", "acme.com"),
        ("mail.acme.com", "acme.com"),
        ("acme.com", "acme.com"),
        ("http://acme.com:8080/x?y=1#z", "acme.com"),
        ("//cdn.acme.com/asset.js", "acme.com"),
        ("acme.com.", "acme.com"),
        ("john@acme.com", "acme.com"),
        ("shop.acme.com.au", "acme.com.au"),
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ],
)
def test_registrable_domain(raw: str, expected: str) -> None:
    assert one(registrable_domain, raw) == (expected, False)


@pytest.mark.parametrize(
    "raw", ["localhost", "not a url", "1.2.3.4", "acme", "co.uk", "http://", "foo bar.com"]
)
def test_registrable_domain_invalid(raw: str) -> None:
    assert one(registrable_domain, raw) == (NA, True)


def test_registrable_domain_empty_and_index() -> None:
    values, invalid = registrable_domain(text(None, "", "www.acme.com", index=[7, 8, 9]))
    assert cells(values) == [NA, NA, "acme.com"]
    assert not invalid.any()
    assert list(invalid.index) == [7, 8, 9]


def test_registrable_domain_never_uses_the_network_or_writes_a_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for var in ("TLDEXTRACT_CACHE", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.setenv(var, str(tmp_path))
    emails._tld_extractor.cache_clear()  # build it afresh under the patches
    try:
        values, invalid = registrable_domain(text("https://www.acme.co.uk", "sub.example.com"))
    finally:
        emails._tld_extractor.cache_clear()
    assert cells(values) == ["acme.co.uk", "example.com"]
    assert not invalid.any()
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------
# Countries


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("US", "US"),
        ("us", "US"),
        ("USA", "US"),
        ("840", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("U.S.A.", "US"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("Germany", "DE"),
        ("DEU", "DE"),
        ("Deutschland", "DE"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("North Korea", "KP"),
        ("Czech Republic", "CZ"),
        ("Czechia", "CZ"),
        ("Holland", "NL"),
        ("The Netherlands", "NL"),
        ("UAE", "AE"),
        ("Vietnam", "VN"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d'Ivoire", "CI"),
        ("36", "AU"),
        ("036", "AU"),
        ("  france ", "FR"),
    ],
)
def test_country_iso2(raw: str, expected: str) -> None:
    assert one(country_iso2, raw) == (expected, False)


@pytest.mark.parametrize("raw", ["Narnia", "EU", "Europe", "XX", "Nigeri"])
def test_country_iso2_invalid(raw: str) -> None:
    assert one(country_iso2, raw) == (NA, True)


def test_country_iso2_empty_and_index() -> None:
    values, invalid = country_iso2(text("", None, "fr", index=[1, 0, 2]))
    assert cells(values) == [NA, NA, "FR"]
    assert not invalid.any() and list(values.index) == [1, 0, 2]


# ---------------------------------------------------------------------------
# Phone numbers


def test_normalize_phone_with_per_row_region() -> None:
    phones = text("+1 415 555 2671", "020 7946 0958", "(415) 555-2671", "abc", "", "123")
    regions = text("US", "GB", "United States", "US", "US", "US")
    values, invalid = normalize_phone(phones, regions)
    assert cells(values) == ["+14155552671", "+442079460958", "+14155552671", NA, NA, NA]
    assert invalid.tolist() == [False, False, False, True, False, True]


def test_normalize_phone_one_region_or_none() -> None:
    values, invalid = normalize_phone(text("020 7946 0958", "+49 30 123456"), "GB")
    assert cells(values) == ["+442079460958", "+4930123456"] and not invalid.any()
    values, invalid = normalize_phone(text("020 7946 0958"), "United Kingdom")
    assert cells(values) == ["+442079460958"] and not invalid.any()
    values, invalid = normalize_phone(text("020 7946 0958", "0044 20 7946 0958"))
    assert cells(values) == [NA, "+442079460958"]
    assert invalid.tolist() == [True, False]


def test_normalize_phone_region_series_is_aligned_by_index() -> None:
    phones = text("020 7946 0958", "(415) 555-2671", index=[5, 6])
    regions = text("US", "GB", index=[6, 5])
    values, invalid = normalize_phone(phones, regions)
    assert cells(values) == ["+442079460958", "+14155552671"]
    assert list(values.index) == [5, 6] and not invalid.any()


# ---------------------------------------------------------------------------
# Vocabularies and lists


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("c_level", "c_level"),
        ("C-Level", "c_level"),
        ("CXO", "c_level"),
        ("Vice President", "vp"),
        ("SVP", "vp"),
        ("Director", "director"),
        ("Individual Contributor", "individual_contributor"),
        ("intern", "entry"),
        ("VP-Level", "vp"),
        ("Non-Manager", "individual_contributor"),
    ],
)
def test_canonical_seniority(raw: str, expected: str) -> None:
    assert one(canonical_seniority, raw) == (expected, False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("IT", "it"),
        ("Information Technology", "it"),
        ("Human Resources", "hr"),
        ("R&D", "engineering"),
        ("Customer Success", "support"),
        ("Other", "other"),
        ("Research & Development", "engineering"),
        ("Finance & Accounting", "finance"),
    ],
)
def test_canonical_department(raw: str, expected: str) -> None:
    assert one(canonical_department, raw) == (expected, False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("BUDGET_HOLDER", "economic_buyer"),
        ("DECISION_MAKER", "decision_maker"),
        ("LEGAL_AND_COMPLIANCE", "legal_procurement"),
        ("Business User", "end_user"),
        ("Economic Decision Maker", "economic_buyer"),
        ("Technical Buyer", "technical_evaluator"),
        ("Evaluator", "technical_evaluator"),
        ("Executive Sponsor", "executive_sponsor"),
        ("Practitioner", "end_user"),
        ("Executive Steering Committee", "executive_sponsor"),
    ],
)
def test_canonical_buying_role(raw: str, expected: str) -> None:
    assert one(canonical_buying_role, raw) == (expected, False)


def test_canonical_vocab_unknown_empty_and_index() -> None:
    values, invalid = canonical_vocab(
        text("Red", "", "BLUE", "purple", None, index=[4, 3, 2, 1, 0]),
        ("red", "blue"),
        {"crimson": "red"},
    )
    assert cells(values) == ["red", NA, "blue", NA, NA]
    assert invalid.tolist() == [False, False, False, True, False]
    assert list(values.index) == [4, 3, 2, 1, 0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a;b", "a;b"),
        (" a ; b;;a ", "a;b"),
        ("Salesforce; HubSpot ;salesforce", "Salesforce;HubSpot;salesforce"),
        (";", NA),
        ("", NA),
        (None, NA),
        ("a,b", "a,b"),
    ],
)
def test_split_list(raw: str | None, expected: str | None) -> None:
    assert cells(split_list(text(raw))) == [expected]


# ---------------------------------------------------------------------------
# Every parser: empty input, and distinct-value mapping equals per-value work

PARSERS = [
    parse_bool,
    parse_number,
    parse_int,
    parse_datetime,
    normalize_email,
    registrable_domain,
    country_iso2,
    canonical_seniority,
    canonical_department,
    canonical_buying_role,
    normalize_phone,
]


@pytest.mark.parametrize("parser", PARSERS, ids=lambda f: f.__name__)
def test_empty_series(parser) -> None:
    values, invalid = parser(pd.Series([], dtype="str"))
    assert len(values) == 0 and len(invalid) == 0
    assert invalid.dtype == bool


SAMPLES = st.sampled_from(
    ["", " ", "yes", "1,200", "2026-10-01", "A@B.com", "www.acme.com", "UK", "VP", "x", "0"]
)


@pytest.mark.parametrize("parser", PARSERS, ids=lambda f: f.__name__)
@settings(max_examples=25, deadline=None)
@given(values=st.lists(st.one_of(st.none(), SAMPLES), max_size=12))
def test_whole_column_equals_value_by_value(parser, values: list[str | None]) -> None:
    column = text(*values, index=list(range(100, 100 + len(values))))
    out, invalid = parser(column)
    assert list(out.index) == list(column.index) == list(invalid.index)
    for i, value in enumerate(values):
        single, single_invalid = parser(text(value))
        assert cells(out)[i] == cells(single)[0]
        assert bool(invalid.iloc[i]) == bool(single_invalid.iloc[0])
        if value is None or not value.strip():
            assert cells(out)[i] is None and not invalid.iloc[i]
