"""One spec per destination: its exact header, how each column is filled, its limits.

Every builder takes the selected rows (see :mod:`abmgraph.export.audience`)
and returns the platform's columns in the platform's order, plus the reason a
row cannot be used (missing where it can) and how many values were cut to the
platform's length limits. Sources for the limits and rules are the platforms'
own help pages; where they are silent the choice is said next to the value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from abmgraph.errors import InputError
from abmgraph.export import normalize as norm
from abmgraph.export import tables

__all__ = [
    "CONTACT_SOURCES",
    "PLATFORMS",
    "PLATFORM_NAMES",
    "Built",
    "Platform",
    "platform_spec",
]

Level = Literal["accounts", "contacts"]

# Columns the data contract does not carry but a store keeps as attributes when
# the input had them; the first name present is used.
CITY = ("city", "billing_city", "mailing_city")
STATE = ("state", "billing_state", "mailing_state", "region")
ZIP = ("zip", "zipcode", "zip_code", "postal_code", "postcode")
STOCK = ("stock_symbol", "ticker", "stocksymbol")
LINKEDIN_URL = ("linkedin_url", "linkedin_company_url", "linkedincompanypageurl")
# What contact exports read from the contact table (scores and employer come along).
CONTACT_SOURCES = (
    "contact_id",
    "account_id",
    "email",
    "first_name",
    "last_name",
    "title",
    "department",
    "seniority",
    "phone",
    "country",
    *CITY,
    *STATE,
    *ZIP,
)


@dataclass
class Built:
    """A platform's rows, why some cannot be used, and how many values were cut."""

    rows: pd.DataFrame
    reasons: pd.Series
    truncated: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Platform:
    """How one destination wants its file."""

    name: str
    level: Level
    header: tuple[str, ...]
    build: Callable[[pd.DataFrame, bool], Built]
    format: Literal["csv", "json"] = "csv"
    max_rows: int | None = None
    max_bytes: int | None = None
    min_rows: int = 0
    min_note: str = ""
    # Fewer rows than this the platform refuses outright: not written without --force.
    refuse_below: int = 0
    hashed: tuple[str, ...] = ()
    dedupe_on: tuple[str, ...] = ()

    @property
    def suffix(self) -> str:
        return "." + self.format


def attribute(frame: pd.DataFrame, names: Sequence[str]) -> pd.Series:
    """The first of these attribute columns the rows carry, as clean text; empty when none."""
    for name in names:
        if name in frame.columns:
            return norm.clean_text(frame[name])
    return pd.Series(pd.NA, index=frame.index, dtype="str")


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="str")
    return norm.clean_text(frame[name])


def _missing(rows: pd.DataFrame, checks: Sequence[tuple[str, pd.Series]]) -> pd.Series:
    """The first reason whose mask holds, per row; missing where none does."""
    if not checks:
        return pd.Series(pd.NA, index=rows.index, dtype="str")
    reasons = np.select(
        [mask.to_numpy(dtype=bool) for _, mask in checks],
        [reason for reason, _ in checks],
        default="",
    )
    return pd.Series(reasons, index=rows.index, dtype="str").replace("", pd.NA)


def _limit(rows: pd.DataFrame, limits: dict[str, int]) -> dict[str, int]:
    cut = {}
    for column, length in limits.items():
        rows[column], count = norm.truncate(rows[column], length)
        if count:
            cut[column] = count
    return cut


# -- accounts ---------------------------------------------------------------------


def _linkedin_companies(src: pd.DataFrame, hash_emails: bool) -> Built:
    domain = _text(src, "domain")
    rows = pd.DataFrame(
        {
            "companyname": _text(src, "name"),
            "companywebsite": domain,
            "companyemaildomain": _text(src, "email_domain").fillna(domain),
            "linkedincompanypageurl": attribute(src, LINKEDIN_URL),
            "stocksymbol": attribute(src, STOCK),
            "industry": _text(src, "industry"),
            "city": attribute(src, CITY),
            "state": attribute(src, STATE),
            "companycountry": _text(src, "country"),
            "zipcode": attribute(src, ZIP),
        }
    )
    return Built(rows, _missing(rows, [("missing_name", rows["companyname"].isna())]))


def _sixsense_accounts(src: pd.DataFrame, hash_emails: bool) -> Built:
    rows = pd.DataFrame(
        {
            "Account Name": _text(src, "name"),
            "Country": _text(src, "country"),
            "Domain": _text(src, "domain"),
        }
    )
    # 6sense leaves a record unmatched when its name, domain or country is missing.
    checks = [
        ("missing_name", rows["Account Name"].isna()),
        ("missing_domain", rows["Domain"].isna()),
        ("missing_country", rows["Country"].isna()),
    ]
    return Built(rows, _missing(rows, checks))


def _demandbase_accounts(src: pd.DataFrame, hash_emails: bool) -> Built:
    rows = pd.DataFrame(
        {
            "Account Name": _text(src, "name"),
            "Account Domain": _text(src, "domain"),
            "External Account ID": _text(src, "account_id"),
            "Employees": src["employees"],
            "Annual Revenue": src["annual_revenue"],
            "Industry": _text(src, "industry"),
        }
    )
    checks = [
        ("missing_name", rows["Account Name"].isna()),
        ("missing_domain", rows["Account Domain"].isna()),
    ]
    return Built(rows, _missing(rows, checks))


# -- contacts ---------------------------------------------------------------------


def _has(*columns: pd.Series) -> pd.Series:
    present = columns[0].notna()
    for column in columns[1:]:
        present &= column.notna()
    return present


def _linkedin_contacts(src: pd.DataFrame, hash_emails: bool) -> Built:
    email = norm.email(src["email"])
    rows = pd.DataFrame(
        {
            "email": norm.sha256_hex(email) if hash_emails else email,
            "firstname": _text(src, "first_name"),
            "lastname": _text(src, "last_name"),
            "jobtitle": _text(src, "title"),
            "employeecompany": _text(src, "account_name"),
            "country": _text(src, "country"),
            "googleaid": pd.Series(pd.NA, index=src.index, dtype="str"),
        }
    )
    cut = _limit(rows, {"firstname": 35, "lastname": 35, "jobtitle": 50, "employeecompany": 50})
    # LinkedIn matches on an email, or on first name, last name and company together.
    usable = rows["email"].notna() | _has(
        rows["firstname"], rows["lastname"], rows["employeecompany"]
    )
    return Built(rows, _missing(rows, [("no_identifier", ~usable)]), cut)


def _google_customer_match(src: pd.DataFrame, hash_emails: bool) -> Built:
    country = _text(src, "country")
    phone = norm.phone_e164(src["phone"], country)
    first, last = norm.person_name(src["first_name"]), norm.person_name(src["last_name"])
    zip_code = norm.google_zip(attribute(src, ZIP), country)
    rows = pd.DataFrame(
        {
            "Email": norm.sha256_hex(norm.google_email(src["email"])),
            "Phone": norm.sha256_hex(phone),
            "First Name": norm.sha256_hex(first),
            "Last Name": norm.sha256_hex(last),
            "Country": country,
            "Zip": zip_code,
        }
    )
    # An address match needs first name, last name, country and zip together.
    usable = rows["Email"].notna() | rows["Phone"].notna() | _has(first, last, country, zip_code)
    return Built(rows, _missing(rows, [("no_identifier", ~usable)]))


def _meta_customer_list(src: pd.DataFrame, hash_emails: bool) -> Built:
    country = _text(src, "country")
    phone = norm.meta_phone(norm.phone_e164(src["phone"], country))
    first = norm.meta_letters(norm.person_name(src["first_name"]))
    last = norm.meta_letters(norm.person_name(src["last_name"]))
    city = norm.meta_letters(attribute(src, CITY))
    state = norm.meta_state(attribute(src, STATE), country)
    zip_code = norm.meta_zip(attribute(src, ZIP), country)
    country_code = norm.meta_letters(country)
    rows = pd.DataFrame(
        {
            "email": norm.sha256_hex(norm.email(src["email"])),
            "phone": norm.sha256_hex(phone),
            "fn": norm.sha256_hex(first),
            "ln": norm.sha256_hex(last),
            "ct": norm.sha256_hex(city),
            "st": norm.sha256_hex(state),
            "zip": norm.sha256_hex(zip_code),
            "country": norm.sha256_hex(country_code),
        }
    )
    usable = (
        rows["email"].notna() | rows["phone"].notna() | _has(first, last, country_code, zip_code)
    )
    return Built(rows, _missing(rows, [("no_identifier", ~usable)]))


# -- the specs ----------------------------------------------------------------------

_LINKEDIN_MIN = "LinkedIn serves a list only once 300 members match"

_SPECS = [
    Platform(
        name="linkedin-companies",
        level="accounts",
        header=(
            "companyname",
            "companywebsite",
            "companyemaildomain",
            "linkedincompanypageurl",
            "stocksymbol",
            "industry",
            "city",
            "state",
            "companycountry",
            "zipcode",
        ),
        build=_linkedin_companies,
        max_rows=300_000,
        max_bytes=20_000_000,
        min_rows=300,
        refuse_below=300,
        min_note=_LINKEDIN_MIN + "; it recommends 1,000 companies or more",
    ),
    Platform(
        name="linkedin-contacts",
        level="contacts",
        header=(
            "email",
            "firstname",
            "lastname",
            "jobtitle",
            "employeecompany",
            "country",
            "googleaid",
        ),
        build=_linkedin_contacts,
        max_rows=300_000,
        max_bytes=20_000_000,
        min_rows=300,
        refuse_below=300,
        min_note=_LINKEDIN_MIN + " and refuses uploads under 300 rows",
        dedupe_on=("email",),
    ),
    Platform(
        name="google-customer-match",
        level="contacts",
        header=("Email", "Phone", "First Name", "Last Name", "Country", "Zip"),
        build=_google_customer_match,
        min_rows=100,
        min_note="Google serves Customer Match lists with 100 or more active members",
        hashed=("Email", "Phone", "First Name", "Last Name"),
        dedupe_on=("Email", "Phone"),
    ),
    Platform(
        name="meta-customer-list",
        level="contacts",
        header=("email", "phone", "fn", "ln", "ct", "st", "zip", "country"),
        build=_meta_customer_list,
        min_rows=100,
        min_note="Meta advises against customer lists of fewer than 100 people",
        hashed=("email", "phone", "fn", "ln", "ct", "st", "zip", "country"),
        dedupe_on=("email", "phone"),
    ),
    Platform(
        name="6sense-accounts",
        level="accounts",
        header=("Account Name", "Country", "Domain"),
        build=_sixsense_accounts,
        max_rows=25_000,
    ),
    Platform(
        name="demandbase-accounts",
        level="accounts",
        header=(
            "Account Name",
            "Account Domain",
            "External Account ID",
            "Employees",
            "Annual Revenue",
            "Industry",
        ),
        build=_demandbase_accounts,
    ),
]

PLATFORMS: dict[str, Platform] = {spec.name: spec for spec in _SPECS}
_TABLES = {
    "accounts": (tables.ACCOUNT_COLUMNS, tables.account_table),
    "contacts": (tables.CONTACT_COLUMNS, tables.contact_table),
}
PLATFORM_NAMES = (*PLATFORMS, "csv", "json")


def platform_spec(name: str, level: Level | None = None) -> Platform:
    """The spec for ``name``; ``csv`` and ``json`` export either level (accounts by default)."""
    if name in PLATFORMS:
        if level is not None and level != PLATFORMS[name].level:
            raise InputError(f"{name} lists {PLATFORMS[name].level} only; leave out --level.")
        return PLATFORMS[name]
    if name not in ("csv", "json"):
        raise InputError(f"Unknown platform {name!r}: use one of {', '.join(PLATFORM_NAMES)}.")
    level = level or "accounts"
    columns, table = _TABLES[level]

    def build(src: pd.DataFrame, hash_emails: bool) -> Built:
        rows = table(src, hash_emails)
        return Built(rows, pd.Series(pd.NA, index=rows.index, dtype="str"))

    return Platform(
        name=name,
        level=level,
        header=columns,
        build=build,
        format=name,  # type: ignore[arg-type]
    )
