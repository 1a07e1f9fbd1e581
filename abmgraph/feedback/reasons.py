"""Rejection reasons read into a few kinds, and what each kind says about the funnel.

Reps write reasons in their own words, or pick them from a CRM list
(Salesforce's and HubSpot's disqualification reasons). Each reason is read
by keywords into one category:

- ``no_fit``: not the customer profile (wrong industry, size, country, a
  student, a competitor, an existing customer) — the targeting is wrong;
- ``not_ready``: no need, no budget, no authority, bad timing — handed over
  too early: the threshold is too low;
- ``unreachable``: no response, could not reach — engagement did not mean
  intent, or the lead waited too long;
- ``bad_data``: wrong person, left the company, duplicate, fake — the data;
- ``other``: anything else, and empty reasons.

The first category whose keyword appears in the folded reason wins, in the
order above.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["CATEGORIES", "SUGGESTIONS", "reason_category"]

CATEGORIES: dict[str, tuple[str, ...]] = {
    "no_fit": (
        "no fit",
        "not a fit",
        "bad fit",
        "poor fit",
        "nofit",
        "not icp",
        "outside icp",
        "wrong industry",
        "industry",
        "too small",
        "too large",
        "too big",
        "company size",
        "wrong size",
        "geograph",
        "wrong country",
        "region",
        "student",
        "competitor",
        "existing customer",
        "already a customer",
        "already customer",
        "partner",
        "personal",
        "job seeker",
    ),
    "not_ready": (
        "timing",
        "not now",
        "next year",
        "later",
        "no budget",
        "budget",
        "no authority",
        "authority",
        "not decision",
        "decision maker",
        "no need",
        "not interested",
        "no interest",
        "no project",
    ),
    "unreachable": (
        "no response",
        "no answer",
        "unresponsive",
        "not responding",
        "unreachable",
        "unable to reach",
        "could not reach",
        "couldn't reach",
        "ghost",
        "no show",
    ),
    "bad_data": (
        "wrong contact",
        "wrong person",
        "left company",
        "left the company",
        "no longer",
        "duplicate",
        "fake",
        "spam",
        "invalid",
        "bad data",
        "bounced",
    ),
}

SUGGESTIONS: dict[str, str] = {
    "no_fit": "targeting: the fit rules let in accounts or people sales does not want; "
    "'abmgraph calibrate --target accepted' proposes negative fit rules from these rejections",
    "not_ready": "the threshold: leads are handed over before they are ready; raise the "
    "MQL/SQL thresholds or weigh late-stage signals (demo, pricing) more",
    "unreachable": "follow-up: leads go unanswered or cold; route them faster "
    "(see speed-to-lead) or require a hand-raise before handing over",
    "bad_data": "data quality: contacts are wrong, duplicated or gone; clean the contact "
    "data and check how leads are matched to accounts",
    "other": "read the reasons: they fall in no known category",
}

_PATTERNS = {
    category: re.compile("|".join(re.escape(k) for k in keys))
    for category, keys in CATEGORIES.items()
}


def reason_category(reasons: pd.Series) -> pd.Series:
    """The category of each reason (``other`` when empty or unknown).

    >>> reason_category(pd.Series(["No fit - too small", "Bad timing", None])).tolist()
    ['no_fit', 'not_ready', 'other']
    """
    folded = reasons.astype("str").str.casefold().str.replace(r"[_\-/]+", " ", regex=True)
    out = pd.Series("other", index=reasons.index, dtype="str")
    undecided = folded.notna().to_numpy(dtype=bool).copy()
    for category, pattern in _PATTERNS.items():
        hit = undecided & folded.str.contains(pattern).fillna(False).to_numpy(dtype=bool)
        out[hit] = category
        undecided &= ~hit
    return out
