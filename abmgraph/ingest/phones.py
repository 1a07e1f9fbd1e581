"""Phone numbers in E.164, read in each row's country when they carry no prefix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import phonenumbers

from abmgraph.ingest.countries import country_iso2, lookup_country
from abmgraph.ingest.distinct import (
    Parsed,
    distinct_text,
    expand,
    expand_mask,
    factorize,
)

__all__ = [
    "normalize_phone",
]


def _e164(text: str | None, region: str | None) -> tuple[str | None, bool]:
    """(E.164 number, could not parse) for one distinct phone and region."""
    if not isinstance(text, str):
        return None, False
    if region is None and text.startswith("00"):
        text = "+" + text[2:]  # international prefix written without "+"
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None, True
    if not phonenumbers.is_possible_number(number):
        return None, True
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), False


def normalize_phone(s: pd.Series, default_region: pd.Series | str | None = None) -> Parsed:
    """Phone numbers in E.164 (``+14155552671``).

    Numbers without a country prefix are read in ``default_region``: one
    country for every row, or a Series aligned with ``s`` giving each row's
    country (a code or name, as :func:`country_iso2` accepts). A number is
    understood when it parses and has a possible length for its country;
    whether the range is currently allocated is not checked.

    Returns
    -------
    (values, invalid)
        ``str`` numbers and the invalid mask.
    """
    phone_codes, phones = factorize(s)
    phone_text = distinct_text(phones).tolist()
    if isinstance(default_region, pd.Series):
        regions, _ = country_iso2(default_region.reindex(s.index))
        region_codes, region_values = factorize(regions)
        region_list = region_values.tolist()
    else:
        region = None if default_region is None else lookup_country(str(default_region))
        region_codes = np.full(len(s), -1 if region is None else 0, dtype=np.intp)
        region_list = [] if region is None else [region]

    # Each distinct (phone, region) pair is parsed once; -1 codes mean missing.
    width = len(region_list) + 1
    pair = np.where(phone_codes >= 0, phone_codes * width + region_codes + 1, -1)
    pair_codes, pairs = pd.factorize(pair, use_na_sentinel=True)
    results = []
    for key in pairs.tolist():
        if key < 0:
            results.append((None, False))
            continue
        phone, region = divmod(key, width)
        results.append(_e164(phone_text[phone], region_list[region - 1] if region else None))
    values = [r[0] for r in results]
    failed = [r[1] for r in results]
    return expand(pair_codes, values, s, "str"), expand_mask(pair_codes, failed, s)
