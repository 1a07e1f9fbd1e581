"""Countries as ISO-3166 alpha-2 codes, from codes, numbers, names and common aliases."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pandas as pd
import pycountry

from abmgraph.ingest.distinct import (
    Parsed,
    map_text,
)

__all__ = [
    "COUNTRY_ALIASES",
    "country_iso2",
    "lookup_country",
]

# Names people write that pycountry does not carry; keys folded by _country_key.
COUNTRY_ALIASES: dict[str, str] = {
    "america": "US",
    "unitedstatesofamerica": "US",
    "uk": "GB",
    "greatbritain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northernireland": "GB",
    "russia": "RU",
    "korea": "KR",
    "republicofkorea": "KR",
    "dprk": "KP",
    "czechrepublic": "CZ",
    "holland": "NL",
    "uae": "AE",
    "emirates": "AE",
    "macedonia": "MK",
    "turkey": "TR",
    "ivorycoast": "CI",
    "capeverde": "CV",
    "swaziland": "SZ",
    "burma": "MM",
    "vatican": "VA",
    "vaticancity": "VA",
    "holysee": "VA",
    "palestine": "PS",
    "brunei": "BN",
    "micronesia": "FM",
    "macau": "MO",
    "drc": "CD",
    "drcongo": "CD",
    "democraticrepublicofcongo": "CD",
    "democraticrepublicofthecongo": "CD",
    "congokinshasa": "CD",
    "congobrazzaville": "CG",
    "eastimor": "TL",
    "bosnia": "BA",
    "stkittsandnevis": "KN",
    "stlucia": "LC",
    "stvincentandthegrenadines": "VC",
    "trinidad": "TT",
    "falklandislands": "FK",
    "falklands": "FK",
    "ksa": "SA",
    "saudi": "SA",
    "prc": "CN",
    "mainlandchina": "CN",
    "peoplesrepublicofchina": "CN",
    "republicofireland": "IE",
    "eire": "IE",
    # Names in the country's own language, common in European CRMs.
    "deutschland": "DE",
    "espana": "ES",
    "italia": "IT",
    "brasil": "BR",
    "nederland": "NL",
    "schweiz": "CH",
    "suisse": "CH",
    "svizzera": "CH",
    "osterreich": "AT",
    "sverige": "SE",
    "norge": "NO",
    "danmark": "DK",
    "suomi": "FI",
    "polska": "PL",
    "belgique": "BE",
    "belgie": "BE",
    "cesko": "CZ",
}


def _country_key(value: str) -> str:
    """Fold case, accents, punctuation and a leading "the" ("The Netherlands")."""
    text = unicodedata.normalize("NFKD", value.strip().lower())
    text = re.sub(r"^the\s+", "", text)
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


@cache
def _country_table() -> dict[str, str]:
    # The fields pycountry.countries.lookup matches, indexed once: an exact
    # dictionary hit per distinct value instead of a scan, and no fuzzy
    # matching ("Niger" must never become "Nigeria").
    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        table[country.numeric] = code
        table[str(int(country.numeric))] = code
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                table[_country_key(name)] = code
    table.update(COUNTRY_ALIASES)
    return table


def lookup_country(value: str) -> str | None:
    return _country_table().get(_country_key(value))


def country_iso2(s: pd.Series) -> Parsed:
    """ISO-3166 alpha-2 code (upper case) from a code, number, name or common alias.

    ``us``, ``USA``, ``840``, ``United States of America``, ``U.S.`` → ``US``;
    ``UK``, ``England`` → ``GB``; ``Holland`` → ``NL``; ``Türkiye`` → ``TR``.

    Returns
    -------
    (values, invalid)
        ``str`` codes and the invalid mask.
    """
    return map_text(s, lookup_country)
