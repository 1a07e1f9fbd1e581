"""Accounts: names, domains, firmographics, hierarchy, and the planted in-market set."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.demo.catalog import (
    BRAND_ROOTS,
    BRAND_STEMS,
    CORE_INDUSTRIES,
    COUNTRIES,
    INDUSTRIES,
    TECHNOLOGIES,
)
from abmgraph.demo.columns import NULL, as_text, choose, concat, lookup, serial_ids
from abmgraph.demo.draws import draw_codes, draw_within, grouped

__all__ = ["Accounts", "choose_in_market", "draw_accounts"]


@dataclass(frozen=True)
class Accounts:
    """The accounts frame and the per-account arrays later steps draw from."""

    frame: pd.DataFrame
    ids: pa.Array
    domain: pa.Array  # bare lowercase domains
    country: np.ndarray  # index into COUNTRIES
    employees: np.ndarray
    core: np.ndarray
    target: np.ndarray
    customer: np.ndarray
    parent: np.ndarray  # index of the parent account, -1 for none


def _domains(
    rng: np.random.Generator,
    brand: pa.Array,
    noun: pa.Array,
    industry: np.ndarray,
    country: np.ndarray,
) -> pa.Array:
    """Unique bare domains such as northwind.com, northwind-logistics.co.uk."""
    n = len(industry)
    base = pc.utf8_lower(brand)
    slug = pc.replace_substring(pc.utf8_lower(noun), " ", "-")
    base = choose(rng.random(n) < 0.55, concat(base, "-", slug), base)
    local = np.where(rng.random(n) < 0.4, country, 0)  # COUNTRIES starts with US → .com
    tld = lookup([spec[1] for spec in COUNTRIES.values()], local)
    us_government = (industry == list(INDUSTRIES).index("Government")) & (country == 0)
    tld = choose(us_government, "gov", tld)
    tld = choose((industry == 0) & (rng.random(n) < 0.15), "io", tld)  # 0 is Software
    domain = concat(base, ".", tld)
    clash = as_text(domain).groupby(as_text(domain)).cumcount().to_numpy()
    return choose(clash > 0, concat(base, pa.array((clash + 1).astype(str)), ".", tld), domain)


def draw_accounts(rng: np.random.Generator, n: int) -> Accounts:
    """``n`` accounts: name, domain, industry, size, country, stack, parent and flags."""
    industries, countries = list(INDUSTRIES), list(COUNTRIES)
    industry = draw_codes(rng, n, {k: v[0] for k, v in INDUSTRIES.items()}, tuple(industries))
    country = draw_codes(rng, n, {k: v[0] for k, v in COUNTRIES.items()}, tuple(countries))

    # A brand and an industry noun, e.g. "Northwind Logistics", sometimes with "Inc.".
    stem = np.where(rng.random(n) < 0.7, rng.integers(len(BRAND_STEMS), size=n), -1)
    brand = concat(
        lookup(BRAND_ROOTS, rng.integers(len(BRAND_ROOTS), size=n)),
        pc.fill_null(lookup(BRAND_STEMS, stem), ""),
    )
    nouns, noun_at = grouped([INDUSTRIES[name][1] for name in industries])
    noun = lookup(nouns, draw_within(rng, noun_at, industry))
    suffixes, suffix_at = grouped([COUNTRIES[code][2] for code in countries])
    suffix = draw_within(rng, suffix_at, country)
    government = industry == industries.index("Government")
    suffix = np.where((rng.random(n) < 0.35) & ~government, suffix, -1)
    name = concat(brand, " ", noun)
    name = choose(suffix >= 0, concat(name, " ", lookup(suffixes, suffix)), name)
    domain = _domains(rng, brand, noun, industry, country)
    # A few exports carry "www." or capitals; both normalise to the bare domain.
    style = rng.random(n)
    shown = choose(style < 0.01, concat("www.", domain), domain)
    shown = choose((style >= 0.01) & (style < 0.02), pc.utf8_capitalize(domain), shown)

    employees = np.clip(np.exp(rng.normal(np.log(250), 1.5, n)), 10, 100_000).astype(np.int64)
    revenue = np.round(employees * np.exp(rng.normal(np.log(180_000), 0.45, n)), -3)
    revenue = np.where(rng.random(n) < 0.05, np.nan, revenue)

    size_factor = np.where(employees < 200, 0.6, np.where(employees < 5000, 1.0, 1.3))
    stack = pa.array([""] * n, pa.string())
    for tech, share in TECHNOLOGIES.items():
        used = rng.random(n) < np.minimum(share * size_factor, 0.95)
        stack = choose(used, concat(stack, tech, ";"), stack)
    stack = pc.utf8_rtrim(stack, ";")
    stack = pc.if_else(pc.equal(stack, ""), NULL, stack)

    # Subsidiaries point at a top-level account (larger ones more often): depth one,
    # so the hierarchy never has a cycle.
    subsidiary = rng.random(n) < 0.05
    tops = np.flatnonzero(~subsidiary)
    parent = np.full(n, -1)
    if subsidiary.any() and len(tops):
        weight = np.sqrt(employees[tops].astype(float))
        parent[subsidiary] = rng.choice(tops, subsidiary.sum(), p=weight / weight.sum())

    customer = rng.random(n) < 0.08
    target = rng.random(n) < 0.70
    ids = serial_ids("A", n, 5)
    frame = pd.DataFrame(
        {
            "account_id": as_text(ids),
            "name": as_text(name),
            "domain": as_text(shown),
            "industry": as_text(lookup(industries, industry)),
            "employees": pd.array(employees, dtype="Int64"),
            "annual_revenue": revenue,
            "country": as_text(lookup(countries, country)),
            "technologies": as_text(stack),
            "parent_account_id": as_text(lookup(ids, parent)),
            "is_customer": customer,
            "is_target": target,
        }
    )
    core = np.isin(industry, [industries.index(i) for i in CORE_INDUSTRIES])
    return Accounts(frame, ids, domain, country, employees, core, target, customer, parent)


def choose_in_market(rng: np.random.Generator, acc: Accounts, share: float) -> np.ndarray:
    """The planted in-market accounts: targets, not customers, mostly core and mid/large."""
    candidates = np.flatnonzero(acc.target & ~acc.customer)
    wanted = min(len(candidates), round(share * acc.target.sum()))
    if share > 0 and len(candidates):
        wanted = max(wanted, 1)
    in_market = np.zeros(len(acc.employees), dtype=bool)
    if wanted:
        mid_large = (acc.employees >= 200) & (acc.employees <= 50_000)
        weight = (np.where(acc.core, 5.0, 1.0) * np.where(mid_large, 4.0, 0.5))[candidates]
        in_market[rng.choice(candidates, wanted, replace=False, p=weight / weight.sum())] = True
    return in_market
