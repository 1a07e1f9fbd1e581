"""Normalisation and hashing against values worked out by hand from each platform's rules.

Every expected digest below was computed outside Python, e.g.
``printf '%s' 'test@gmail.com' | sha256sum``, from the normal form the
platform's help page describes:

- Google Customer Match: email lower case without whitespace, and for
  gmail.com / googlemail.com no dots in the local part (Google's own sample
  code) and no ``+tag``; phone in E.164 with its ``+``; names lower case
  without prefixes or suffixes; Country and Zip sent in clear.
- Meta customer list: email trimmed and lower case; phone digits only with
  the country code; fn/ln letters only, lower case; zip lower case, US
  zips as five digits; country the lower-case ISO code, hashed too.
- LinkedIn: a plain email, or its SHA-256 once trimmed and lower-cased.
"""

from __future__ import annotations

import pandas as pd
import pytest

from abmgraph.export import normalize as norm

TEST_AT_GMAIL = "87924606b4131a8aceeeae8868531fbb9712aaa07a5d3a756b26ce0f5d6ca674"
PLUS_1_800 = "fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30"  # +18005550100
DIGITS_1_800 = "92cfdc5fbcd4a20fbe5d3857af6c1aba31762105bba7f21a17155e920653046c"  # 18005550100
US = "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"
JOHN = "96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a"
SMITH = "6627835f988e2c5e50533d491163072d3f4f41f5c8b04630150debb3722ca2dd"
MARY = "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"
ZIP_94035 = "1794327a4d443904421f5ca1f3d72d0a62ba2f0770d80755ec2220fc0efb052e"
JANE_AT_EXAMPLE = "8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d"
ZOE = "2752b88686847fa5c86f47b94ce652b7b3f22a91c37617d451a4db9afa431450"  # zoë


def one(values: pd.Series) -> object:
    return values.iloc[0]


def hashed(value: str | None, *steps) -> object:
    series = pd.Series([value], dtype="str")
    for step in steps:
        series = step(series)
    return one(norm.sha256_hex(series))


@pytest.mark.parametrize(
    "raw",
    [
        "test@gmail.com",
        " Test@Gmail.com ",
        "t.e.s.t@gmail.com",
        "te.st+promo@GMAIL.COM",
        "te st@gmail.com",
    ],
)
def test_google_gmail_rule(raw):
    assert hashed(raw, norm.google_email) == TEST_AT_GMAIL


def test_google_rule_keeps_googlemail_and_leaves_other_domains_alone():
    emails = pd.Series(["Jane.Doe+ads@GoogleMail.com", "J.Doe+x@Example.com", "+tag@gmail.com"])
    assert norm.google_email(emails).tolist()[:2] == [
        "janedoe@googlemail.com",
        "j.doe+x@example.com",
    ]
    assert pd.isna(norm.google_email(emails).iloc[2])  # nothing left of the local part


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("+1 800-555-0100", "US"),
        ("1 (800) 555-0100", "US"),
        ("(800) 555 0100", "US"),
        ("+18005550100", "DE"),
    ],
)
def test_phone_to_e164_then_hashed_for_google(raw, country):
    e164 = norm.phone_e164(pd.Series([raw], dtype="str"), pd.Series([country], dtype="str"))
    assert one(e164) == "+18005550100"
    assert one(norm.sha256_hex(e164)) == PLUS_1_800


def test_meta_phone_is_digits_with_country_code():
    e164 = pd.Series(["+18005550100", "+442079460018", None], dtype="str")
    assert norm.meta_phone(e164).tolist()[:2] == ["18005550100", "442079460018"]
    assert one(norm.sha256_hex(norm.meta_phone(e164))) == DIGITS_1_800


def test_unparseable_phones_are_dropped():
    phones = pd.Series(["call me", "12"], dtype="str")
    assert norm.phone_e164(phones, pd.Series(["US", "US"], dtype="str")).isna().all()


def test_meta_hashes_the_lower_case_country():
    assert hashed("US", norm.meta_letters) == US


def test_names():
    assert hashed("  Dr. John ", norm.person_name) == JOHN
    assert hashed("Smith, Jr.", norm.person_name) == SMITH
    assert hashed("Mary", norm.person_name, norm.meta_letters) == MARY
    assert hashed("Zoë", norm.person_name) == ZOE
    assert norm.meta_letters(pd.Series(["Mary-Ann O'Neil 2nd"])).tolist() == ["maryannoneilnd"]
    assert norm.person_name(pd.Series(["Mary  Ann"])).tolist() == ["mary ann"]


def test_zip_codes():
    us = pd.Series(["US", "US", "GB"], dtype="str")
    zips = pd.Series(["94035-1234", " 94035 ", "WC2H 8LG"], dtype="str")
    assert norm.google_zip(zips, us).tolist() == ["94035", "94035", "WC2H 8LG"]
    # Meta: US codes as 5 digits; UK ones as area, district and sector (outward code + digit).
    assert norm.meta_zip(zips, us).tolist() == ["94035", "94035", "wc2h8"]
    assert hashed("94035-1234", lambda s: norm.meta_zip(s, us.iloc[:1])) == ZIP_94035


def test_linkedin_email_plain_or_hashed():
    assert norm.email(pd.Series([" Jane@Example.COM "])).tolist() == ["jane@example.com"]
    assert hashed(" Jane@Example.COM ", norm.email) == JANE_AT_EXAMPLE


def test_missing_stays_missing_and_empty_is_missing():
    values = pd.Series([None, "", "   "], dtype="str")
    assert norm.sha256_hex(norm.email(values)).isna().all()
    assert norm.clean_text(values).isna().all()


def test_truncate_counts_what_it_cut():
    values, cut = norm.truncate(pd.Series(["abcdef ghij", "abc", None], dtype="str"), 7)
    assert values.tolist()[:2] == ["abcdef", "abc"] and cut == 1


def test_clean_text_folds_line_breaks():
    assert norm.clean_text(pd.Series(["VP,\r\n  Sales "])).tolist() == ["VP, Sales"]


def test_values_stay_on_their_rows_whatever_the_index():
    emails = pd.Series(
        ["a.b@gmail.com", "x@corp.com", "c.d+e@googlemail.com", None],
        index=[7, 3, 11, 0],
        dtype="str",
    )
    result = norm.google_email(emails)
    assert result.index.tolist() == [7, 3, 11, 0]
    assert result.tolist()[:3] == ["ab@gmail.com", "x@corp.com", "cd@googlemail.com"]
    assert pd.isna(result.loc[0])
    hashes = norm.sha256_hex(emails)
    assert hashes.loc[7] == one(norm.sha256_hex(pd.Series(["a.b@gmail.com"])))
    assert norm.clean_text(emails).loc[11] == "c.d+e@googlemail.com"
