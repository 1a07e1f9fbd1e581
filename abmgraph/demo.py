"""Realistic synthetic data in the native data contract, with a planted in-market truth.

``generate`` builds accounts, buying committees, engagement events, third-party
intent, opportunities and their contact roles for a given ``anchor`` instant.
A known share of target accounts is *in market*: their committees engage more
broadly, more senior people take part, the activity surges in the last weeks
and carries more high-intent events and intent topics. Everyone else gets
background engagement, with some deliberate noise (a hyperactive junior at an
out-of-market account, an in-market account missing a department), so a
committee-based scorer can be measured against ``DemoData.truth``.

Everything is drawn with vectorised numpy from one ``numpy.random.default_rng``
seeded by ``seed``: the same seed, anchor and sizes give identical frames and
identical files. Ten million events take seconds, not minutes.

Examples
--------
>>> data = generate(accounts=20, seed=1, anchor="2026-10-01")
>>> len(data.accounts), data.truth["in_market"].dtype.name
(20, 'bool')
>>> bool((data.engagements["occurred_at"] <= data.anchor).all())
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from abmgraph.graph.vocab import BUYING_ROLES, DEPARTMENTS, ENGAGEMENT_TYPES, SENIORITIES

__all__ = ["FILE_KINDS", "DemoData", "generate", "parse_anchor", "write"]

FILE_KINDS = (
    "accounts",
    "contacts",
    "engagements",
    "intent",
    "opportunities",
    "opportunity_contacts",
    "truth",
)

_DAY_US = 86_400_000_000
_WINDOW_DAYS = 180
_EVENTS_PER_CONTACT = 16

# -- word lists and mixes --------------------------------------------------------------
# fmt: off

_CORE_INDUSTRIES = ("Software", "Financial Services", "Healthcare", "Manufacturing")
_INDUSTRIES: dict[str, tuple[float, tuple[str, ...]]] = {  # → (share of accounts, name nouns)
    "Software": (0.17, ("Software", "Systems", "Labs", "Technologies", "Cloud", "Analytics")),
    "Financial Services": (0.11, ("Capital", "Financial", "Bank", "Insurance", "Payments")),
    "Healthcare": (0.10, ("Health", "Medical", "Care", "Clinics", "Therapeutics")),
    "Manufacturing": (0.11, ("Manufacturing", "Industries", "Components", "Machinery")),
    "Retail": (0.08, ("Retail", "Stores", "Outfitters", "Market", "Brands")),
    "Logistics": (0.07, ("Logistics", "Freight", "Shipping", "Transport")),
    "Education": (0.06, ("Academy", "Learning", "Education", "Schools")),
    "Telecommunications": (0.05, ("Telecom", "Networks", "Communications", "Wireless")),
    "Energy": (0.05, ("Energy", "Power", "Solar", "Utilities")),
    "Media": (0.06, ("Media", "Studios", "Publishing", "Entertainment")),
    "Government": (0.04, ("County", "Authority", "Agency", "Council")),
    "Professional Services": (0.10, ("Consulting", "Advisory", "Partners", "Associates")),
}
_BRAND_ROOTS = (
    "North", "Blue", "Iron", "Silver", "Red", "Green", "Bright", "Clear", "Stone", "Oak",
    "Pine", "Cedar", "Maple", "Summit", "Harbor", "River", "Lake", "Sun", "Star", "Golden",
    "Granite", "Crystal", "Swift", "Prime", "Bold", "Wild", "Deep", "High", "East", "West",
    "South", "Cloud", "Sky", "Ever", "Open", "Key", "Arrow", "Quantum", "Nova", "Apex",
    "Vertex", "Falcon", "Eagle", "Fox", "Hawk", "Lumen", "Orbit", "Pioneer", "Atlas", "Beacon",
    "Cobalt", "Copper", "Amber", "Birch", "Willow", "Aspen", "Coral", "Delta",
)
_BRAND_STEMS = (
    "wind", "field", "bridge", "point", "stone", "way", "gate", "wood", "view", "line", "path",
    "ridge", "haven", "crest", "works", "light", "spring", "brook", "port", "shore", "rock",
    "side", "land", "wave", "mark",
)
_COUNTRIES: dict[str, tuple[float, str, tuple[str, ...], str]] = {
    # → (share of accounts, country-code TLD, legal suffixes, phone country code)
    "US": (0.44, "com", ("Inc.", "LLC", "Corp."), "1"),
    "GB": (0.12, "co.uk", ("Ltd", "plc"), "44"),
    "DE": (0.08, "de", ("GmbH", "AG"), "49"),
    "FR": (0.06, "fr", ("SA", "SAS"), "33"),
    "CA": (0.06, "ca", ("Inc.", "Ltd."), "1"),
    "AU": (0.05, "com.au", ("Pty Ltd",), "61"),
    "NL": (0.04, "nl", ("B.V.",), "31"),
    "IN": (0.07, "in", ("Pvt Ltd", "Limited"), "91"),
    "JP": (0.04, "co.jp", ("K.K.", "Co., Ltd."), "81"),
    "SE": (0.01, "se", ("AB",), "46"),
    "ES": (0.01, "es", ("S.L.",), "34"),
    "SG": (0.01, "sg", ("Pte Ltd",), "65"),
    "BR": (0.01, "com.br", ("Ltda.",), "55"),
}
_TECHNOLOGIES = {
    "Salesforce": 0.45, "HubSpot": 0.25, "Snowflake": 0.18, "AWS": 0.50, "Azure": 0.30,
    "GCP": 0.15, "Okta": 0.20, "Workday": 0.15, "SAP": 0.15, "Zendesk": 0.20,
    "Marketo": 0.12, "Slack": 0.45,
}

_FIRST_NAMES = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Daniel", "Karen", "Matthew", "Nancy", "Anthony", "Lisa", "Mark", "Emily", "Paul",
    "Michelle", "Steven", "Laura", "Andrew", "Rachel", "Kevin", "Amanda", "Brian", "Olivia",
    "George", "Emma", "Oliver", "Sophie", "Lukas", "Anna", "Felix", "Lea", "Hugo", "Chloe",
    "Louis", "Camille", "Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Kavya", "Haruto", "Yui",
    "Sota", "Hina", "Lars", "Ingrid", "Pieter", "Sanne", "Mateo", "Lucia", "Diego", "Sofia",
    "Wei", "Mei", "Noah", "Ava", "Liam", "Mia", "Ethan", "Zoe", "Lucas", "Grace", "Samuel",
    "Hannah", "Omar", "Leila", "Ravi", "Nina", "Jonas", "Clara", "Tom", "Julia", "Ben", "Alice",
    "Max", "Eva",
)
_LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee",
    "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "King",
    "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Campbell", "Mitchell", "Roberts",
    "Carter", "Phillips", "Evans", "Turner", "O'Brien", "Murphy", "Kelly", "Müller", "Schmidt",
    "Schneider", "Fischer", "Weber", "Becker", "Dubois", "Laurent", "Moreau", "Lefebvre",
    "Bernard", "Sharma", "Patel", "Gupta", "Iyer", "Reddy", "Singh", "Sato", "Suzuki",
    "Takahashi", "Tanaka", "Watanabe", "de Vries", "Jansen", "van Dijk", "Bakker", "Visser",
    "Lindqvist", "Johansson", "Fernandez", "Lopez", "Gonzalez", "Chen", "Wang", "Li", "Zhang",
    "Nguyen", "Kim", "Park", "Cohen", "Khan", "Ali", "Hughes", "Price", "Bennett", "Wood",
    "Cooper", "Ward", "Morgan-Hill",
)
_FREE_MAIL = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com",
              "hotmail.com", "icloud.com")

# department, seniority, what the title states unambiguously (d: department, s: seniority;
# only those may be left blank for inference), title.
_TITLE_TABLE = """
executive   c_level                 ds  Chief Executive Officer
executive   c_level                 ds  CEO
executive   c_level                 ds  Founder & CEO
executive   c_level                 s   President
executive   c_level                 s   Co-Founder
it          c_level                 s   Chief Information Officer
it          c_level                 s   Chief Information Security Officer
engineering c_level                 s   Chief Technology Officer
engineering c_level                 s   CTO
finance     c_level                 s   Chief Financial Officer
finance     c_level                 s   CFO
operations  c_level                 s   Chief Operating Officer
marketing   c_level                 s   Chief Marketing Officer
sales       c_level                 s   Chief Revenue Officer
hr          c_level                 s   Chief People Officer
legal       c_level                 s   Chief Legal Officer
procurement c_level                 s   Chief Procurement Officer
product     c_level                 s   Chief Product Officer
support     c_level                 s   Chief Customer Officer
other       c_level                 s   Chief Strategy Officer
it          vp                      ds  VP of IT
it          vp                      ds  Vice President, Information Technology
engineering vp                      ds  VP of Engineering
engineering vp                      ds  SVP, Engineering
finance     vp                      ds  VP of Finance
finance     vp                      ds  Vice President, Finance
operations  vp                      ds  VP of Operations
marketing   vp                      ds  VP of Marketing
marketing   vp                      ds  Vice President, Demand Generation
sales       vp                      ds  VP of Sales
sales       vp                      ds  Vice President, Sales
hr          vp                      ds  VP of Human Resources
hr          vp                      ds  VP, People
legal       vp                      ds  VP, Legal
legal       vp                      -   Deputy General Counsel
procurement vp                      ds  VP of Procurement
product     vp                      ds  VP of Product
product     vp                      ds  Vice President, Product Management
support     vp                      ds  VP of Customer Success
other       vp                      s   VP, Corporate Strategy
it          director                ds  IT Director
it          director                ds  Director of IT
it          director                s   Director, IT Operations
it          director                ds  Head of IT
engineering director                ds  Director of Engineering
engineering director                ds  Head of Engineering
engineering director                s   Head of Data
finance     director                ds  Finance Director
finance     director                ds  Head of Finance
finance     director                -   Controller
operations  director                ds  Director of Operations
operations  director                ds  Head of Operations
marketing   director                ds  Marketing Director
marketing   director                ds  Director, Demand Generation
marketing   director                ds  Head of Marketing
sales       director                ds  Sales Director
sales       director                ds  Head of Sales
hr          director                ds  HR Director
hr          director                ds  Head of People
legal       director                ds  Director of Legal Affairs
legal       director                ds  Head of Legal
procurement director                ds  Procurement Director
procurement director                ds  Head of Procurement
product     director                ds  Director of Product Management
product     director                ds  Head of Product
support     director                ds  Director of Customer Support
other       director                s   Director of Strategy
it          manager                 ds  IT Manager
it          manager                 ds  Information Security Manager
engineering manager                 ds  Engineering Manager
engineering manager                 ds  Software Engineering Manager
finance     manager                 ds  Finance Manager
finance     manager                 ds  Accounting Manager
operations  manager                 ds  Operations Manager
marketing   manager                 ds  Marketing Manager
marketing   manager                 ds  Demand Generation Manager
marketing   manager                 s   Product Marketing Manager
sales       manager                 ds  Sales Manager
sales       manager                 ds  Regional Sales Manager
hr          manager                 ds  HR Manager
hr          manager                 ds  Talent Acquisition Manager
legal       manager                 ds  Compliance Manager
procurement manager                 ds  Procurement Manager
procurement manager                 ds  Purchasing Manager
product     manager                 ds  Product Manager
support     manager                 ds  Customer Success Manager
support     manager                 ds  Support Manager
other       manager                 s   Office Manager
other       manager                 s   Project Manager
it          individual_contributor  d   IT Analyst
it          individual_contributor  ds  Senior IT Analyst
it          individual_contributor  -   Systems Administrator
engineering individual_contributor  ds  Junior Developer
engineering individual_contributor  d   Software Engineer
engineering individual_contributor  ds  Senior Software Engineer
engineering individual_contributor  d   Data Engineer
engineering individual_contributor  ds  Senior Data Engineer
finance     individual_contributor  ds  Junior Accountant
finance     individual_contributor  d   Financial Analyst
finance     individual_contributor  ds  Senior Accountant
operations  individual_contributor  d   Operations Analyst
operations  individual_contributor  d   Operations Coordinator
marketing   individual_contributor  d   Marketing Specialist
marketing   individual_contributor  ds  Senior Marketing Specialist
marketing   individual_contributor  d   Digital Marketing Specialist
sales       individual_contributor  -   Account Executive
sales       individual_contributor  d   Sales Development Representative
sales       individual_contributor  d   Business Development Representative
hr          individual_contributor  d   HR Generalist
hr          individual_contributor  -   Recruiter
legal       individual_contributor  d   Legal Counsel
legal       individual_contributor  ds  Senior Legal Counsel
legal       individual_contributor  -   Paralegal
procurement individual_contributor  d   Procurement Specialist
procurement individual_contributor  ds  Senior Procurement Specialist
procurement individual_contributor  -   Senior Buyer
product     individual_contributor  d   Product Analyst
product     individual_contributor  ds  Senior Product Designer
support     individual_contributor  d   Customer Support Specialist
support     individual_contributor  ds  Senior Support Specialist
other       individual_contributor  -   Consultant
other       individual_contributor  -   Executive Assistant
it          entry                   ds  IT Intern
engineering entry                   ds  Software Engineering Intern
finance     entry                   ds  Finance Intern
operations  entry                   ds  Operations Intern
marketing   entry                   ds  Marketing Intern
sales       entry                   ds  Sales Intern
hr          entry                   ds  HR Intern
legal       entry                   ds  Legal Intern
procurement entry                   ds  Procurement Intern
product     entry                   ds  Product Management Intern
support     entry                   ds  Customer Support Intern
other       entry                   s   Student
other       entry                   s   Graduate Trainee
"""
_TITLES = tuple(tuple(line.split(maxsplit=3)) for line in _TITLE_TABLE.strip().splitlines())

# Seniority mix below the top person; department mix for everyone else and for executives.
_SENIORITY_P = (0.03, 0.09, 0.17, 0.26, 0.37, 0.08)
_DEPT_P = {
    "it": 0.13, "engineering": 0.15, "finance": 0.10, "operations": 0.10, "marketing": 0.13,
    "sales": 0.10, "hr": 0.05, "legal": 0.03, "procurement": 0.05, "product": 0.07,
    "support": 0.06, "other": 0.03,
}
_C_DEPT_P = {
    "it": 0.18, "engineering": 0.17, "finance": 0.20, "operations": 0.12, "marketing": 0.12,
    "sales": 0.10, "hr": 0.04, "product": 0.05, "legal": 0.02,
}
# Explicit buying role by seniority, in BUYING_ROLES order.
_ROLE_P = {
    "c_level":                (0.45, 0.15, 0.00, 0.00, 0.00, 0.05, 0.35, 0, 0.00, 0.00),
    "vp":                     (0.40, 0.25, 0.15, 0.00, 0.00, 0.10, 0.10, 0, 0.00, 0.00),
    "director":               (0.20, 0.10, 0.30, 0.20, 0.00, 0.15, 0.00, 0, 0.05, 0.00),
    "manager":                (0.00, 0.00, 0.35, 0.25, 0.10, 0.25, 0.00, 0, 0.05, 0.00),
    "individual_contributor": (0.00, 0.00, 0.15, 0.25, 0.45, 0.10, 0.00, 0, 0.00, 0.05),
    "entry":                  (0.00, 0.00, 0.00, 0.00, 0.80, 0.00, 0.00, 0, 0.00, 0.20),
}
# Salesforce OpportunityContactRole picklist values by seniority.
_OPP_ROLES = ("Decision Maker", "Economic Buyer", "Executive Sponsor", "Evaluator",
              "Technical Buyer", "Business User", "Influencer", "Other")
_OPP_ROLE_P = {
    "c_level":                (0.40, 0.20, 0.35, 0.00, 0.00, 0.00, 0.05, 0.00),
    "vp":                     (0.40, 0.35, 0.10, 0.05, 0.00, 0.00, 0.10, 0.00),
    "director":               (0.25, 0.10, 0.00, 0.30, 0.15, 0.00, 0.20, 0.00),
    "manager":                (0.05, 0.00, 0.00, 0.35, 0.20, 0.15, 0.25, 0.00),
    "individual_contributor": (0.00, 0.00, 0.00, 0.25, 0.25, 0.35, 0.10, 0.05),
    "entry":                  (0.00, 0.00, 0.00, 0.00, 0.00, 0.70, 0.00, 0.30),
}

# Event-type weights for the four kinds of activity.
_MIXES: dict[str, dict[str, float]] = {
    "dormant": {"email_open": 80, "email_click": 4, "page_view": 6, "blog_view": 5,
                "email_bounce": 2, "unsubscribe": 2, "careers_page_view": 1},
    "background": {
        "email_open": 36, "page_view": 22, "blog_view": 18, "email_click": 7,
        "product_page_view": 4, "content_download": 3.5, "case_study_download": 1,
        "webinar_registered": 2, "webinar_attended": 0.8, "event_attended": 0.4,
        "email_reply": 0.3, "form_submit": 0.8, "pricing_page_view": 1, "demo_request": 0.08,
        "trial_signup": 0.05, "meeting_held": 0.03, "unsubscribe": 0.8,
        "careers_page_view": 1.2, "email_bounce": 0.4, "spam_complaint": 0.08,
    },
    "surge": {
        "email_open": 22, "page_view": 20, "blog_view": 9, "email_click": 9,
        "product_page_view": 11, "pricing_page_view": 5, "content_download": 6,
        "case_study_download": 4, "webinar_registered": 3, "webinar_attended": 2.5,
        "event_attended": 1, "email_reply": 2, "form_submit": 2, "demo_request": 0.7,
        "trial_signup": 0.4, "meeting_held": 1.2, "unsubscribe": 0.2, "careers_page_view": 0.3,
        "email_bounce": 0.2, "spam_complaint": 0.05,
    },
    "hyperactive": {"page_view": 55, "blog_view": 15, "product_page_view": 12,
                    "pricing_page_view": 5, "email_open": 8, "content_download": 3,
                    "careers_page_view": 2},
}
_MIX_ORDER = ("dormant", "background", "surge", "hyperactive")

_EMAILS = ("Newsletter", "Nurture: Buying Groups 1", "Nurture: Buying Groups 2",
           "Nurture: Buying Groups 3", "Webinar Invite", "Product Update", "Event Invite")
_EMAIL_CAMPAIGNS = ("Monthly Newsletter", "Nurture - Buying Groups", "Webinar Promotion",
                    "Product Launch - Graph Explorer", "Event Invitations")
_PAID = ("Paid Search - Brand", "Paid Search - ABM", "LinkedIn - ABM Retargeting",
         "Intent Retargeting")
_WEBINARS = ("Webinar: Building Buying Groups in Salesforce", "Webinar: From MQL to MQA",
             "Webinar: Intent Data Sales Trusts", "Webinar: Multi-threading Enterprise Deals")
_WEB = ("organic", "organic", "organic", "paid", "web", "web", "social", "referral")
_CAMPAIGNED_WEB = (None, None, None, *_PAID)
_EMAIL = (_EMAILS, ("email",), _EMAIL_CAMPAIGNS)
# type → (assets, channels, campaigns); None is a blank campaign, repeats weight a value.
_DETAILS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str | None, ...]]] = {
    "page_view": (("/", "/platform", "/solutions/account-based-marketing",
                   "/solutions/revops", "/integrations/salesforce", "/integrations/hubspot",
                   "/customers", "/about", "/resources", "/security"), _WEB, _CAMPAIGNED_WEB),
    "pricing_page_view": (("/pricing", "/pricing", "/pricing/enterprise"), _WEB,
                          _CAMPAIGNED_WEB),
    "product_page_view": (("/product/buying-groups", "/product/intent", "/product/scoring",
                           "/product/audiences", "/product/graph-explorer"), _WEB,
                          _CAMPAIGNED_WEB),
    "blog_view": (("/blog/what-is-a-buying-group", "/blog/abm-metrics-that-matter",
                   "/blog/lead-scoring-is-not-enough", "/blog/multi-threading-deals",
                   "/blog/intent-data-101", "/blog/revops-playbook", "/blog/fit-vs-engagement"),
                  ("organic", "organic", "organic", "social", "email", "referral"),
                  (None, None, None, None, "Monthly Newsletter")),
    "careers_page_view": (("/careers", "/careers/engineering", "/careers/sales"),
                          ("organic", "organic", "social", "referral"), (None,)),
    "content_download": (("Ebook: The Buying Group Playbook",
                          "Whitepaper: Account Scoring Beyond MQLs",
                          "Report: The State of B2B Buying Groups",
                          "Template: Scoring Model Worksheet"),
                         ("organic", "paid", "paid", "third_party", "third_party", "email"),
                         ("Content Syndication - Ebook", "LinkedIn - ABM Retargeting",
                          "Nurture - Buying Groups", None)),
    "case_study_download": (("Case Study: Global Payments Provider",
                             "Case Study: Mid-Market SaaS",
                             "Case Study: Regional Healthcare Network"),
                            ("organic", "email", "paid"), ("Nurture - Buying Groups", None)),
    "webinar_registered": (_WEBINARS, ("email", "email", "event", "paid"),
                           ("Webinar Promotion",)),
    "webinar_attended": (_WEBINARS, ("event",), ("Webinar Promotion",)),
    "event_attended": (("Field Dinner: New York", "Field Dinner: London",
                        "Booth: SaaStr Annual", "Booth: Dreamforce",
                        "Roundtable: RevOps Leaders", "Workshop: ABM Bootcamp"),
                       ("event",), ("Field Events", "Conference Program")),
    "email_open": _EMAIL,
    "email_click": _EMAIL,
    "email_reply": _EMAIL,
    "form_submit": (("/contact", "/newsletter-signup", "/resources/gated"),
                    ("web", "organic", "paid"), (None, None, *_PAID)),
    "demo_request": (("/demo",), ("web", "web", "paid", "organic"),
                     (None, None, "Paid Search - ABM", "Intent Retargeting")),
    "trial_signup": (("/trial", "/signup"), ("web", "organic", "paid"), (None,)),
    "meeting_held": (("Discovery Call", "Demo Meeting", "Technical Deep Dive",
                      "Business Case Review"), ("sales",), ("Outbound - Named Accounts", None)),
    "unsubscribe": _EMAIL,
    "email_bounce": _EMAIL,
    "spam_complaint": _EMAIL,
}

_RELEVANT_TOPICS = ("buying group software", "account based marketing", "intent data",
                    "sales intelligence", "lead scoring", "marketing automation",
                    "revenue operations", "customer data platform")
_OTHER_TOPICS = ("cloud security", "data warehousing", "hr software",
                 "supply chain management", "erp", "video conferencing")
_OPEN_STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation")

# fmt: on


@dataclass(frozen=True, eq=False)
class DemoData:
    """A generated dataset: one frame per contract kind, the planted truth and the anchor.

    Attributes
    ----------
    accounts, contacts, engagements, intent, opportunities, opportunity_contacts
        Frames whose columns are exactly the data-contract field names.
    truth
        ``account_id`` and ``in_market`` (bool) for every account.
    anchor
        The instant the data was generated for (tz-aware UTC); no event,
        observation or opportunity date is after it.
    seed
        The seed the data was drawn with (``None`` when not known).
    """

    accounts: pd.DataFrame
    contacts: pd.DataFrame
    engagements: pd.DataFrame
    intent: pd.DataFrame
    opportunities: pd.DataFrame
    opportunity_contacts: pd.DataFrame
    truth: pd.DataFrame
    anchor: pd.Timestamp
    seed: int | None = None

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by file kind, in ``FILE_KINDS`` order."""
        return {kind: getattr(self, kind) for kind in FILE_KINDS}


def parse_anchor(value: str | date | datetime | pd.Timestamp | None) -> pd.Timestamp:
    """The generation instant in UTC: naive values are UTC, a bare date is its 00:00.

    ``None`` means today at 00:00 UTC.

    Examples
    --------
    >>> parse_anchor("2026-10-01")
    Timestamp('2026-10-01 00:00:00+0000', tz='UTC')
    """
    if value is None:
        return pd.Timestamp.now(tz="UTC").normalize()
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


# -- helpers ---------------------------------------------------------------------------

_NULL = pa.scalar(None, pa.string())


def _probs(weights: dict[str, float] | tuple[float, ...]) -> np.ndarray:
    values = np.fromiter(weights.values() if isinstance(weights, dict) else weights, float)
    return values / values.sum()


def _codes(
    rng: np.random.Generator, n: int, weights: dict[str, float], vocab: tuple[str, ...]
) -> np.ndarray:
    """``n`` draws from named ``weights``, as indexes into ``vocab``."""
    index = np.array([vocab.index(name) for name in weights])
    return index[rng.choice(len(index), n, p=_probs(weights))]


def _grouped(groups: list[tuple]) -> tuple[list, np.ndarray]:
    """The groups flattened, and the offsets where each starts (plus the end)."""
    flat = [value for group in groups for value in group]
    return flat, np.cumsum([0] + [len(group) for group in groups])


def _within(rng: np.random.Generator, offsets: np.ndarray, group: np.ndarray) -> np.ndarray:
    """A uniform draw from each row's group of a ``_grouped`` table."""
    span = (offsets[1:] - offsets[:-1])[group]
    step = (rng.random(len(group), dtype=np.float32) * span).astype(np.int64)
    return offsets[:-1][group] + np.minimum(step, span - 1)


def _ids(prefix: str, count: int, width: int) -> pa.Array:
    """``prefix`` + a zero-padded 1-based number, as an Arrow string array."""
    numbers = pa.array(np.arange(1, count + 1, dtype=np.int64)).cast(pa.string())
    width = max(width, len(str(count)))
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, "0"), "")


def _take(values: tuple | list | pa.Array, codes: np.ndarray) -> pa.Array:
    """``values[codes]`` as an Arrow string array; code -1 (or a None value) is null."""
    if not isinstance(values, pa.Array):
        values = pa.array(values, pa.string())
    codes = np.asarray(codes)
    mask = codes < 0
    indices = pa.array(np.where(mask, 0, codes).astype(np.int32), mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(indices, values).cast(pa.string())


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _where(mask: np.ndarray, yes: pa.Array | pa.Scalar | str, no: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), yes, no)


def _text(array: pa.Array) -> pd.Series:
    return pd.Series(array, dtype="str")


def _pick(rng: np.random.Generator, table: dict[str, tuple], rows: np.ndarray) -> np.ndarray:
    """One category per row, from the probabilities of ``table[SENIORITIES[rows]]``."""
    cumulative = np.cumsum(np.array([_probs(table[s]) for s in SENIORITIES]), axis=1)
    u = rng.random(len(rows))
    return (u[:, None] >= cumulative[rows]).sum(axis=1).clip(max=cumulative.shape[1] - 1)


def _stamp(rng: np.random.Generator, days_ago: np.ndarray, anchor: pd.Timestamp) -> np.ndarray:
    """Microseconds since the epoch, ``days_ago`` days before the anchor in office hours.

    Most weekend activity moves to a weekday; nothing lands after the anchor.
    """
    n = len(days_ago)
    anchor_us = anchor.value // 1000
    day = anchor_us // _DAY_US - np.floor(days_ago).astype(np.int64)
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    back = weekday - 4 + rng.integers(0, 5, n)  # Saturday/Sunday → Monday..Friday before
    day -= np.where((weekday >= 5) & (rng.random(n, dtype=np.float32) < 0.85), back, 0)
    office = np.clip(780 + 150 * rng.standard_normal(n, dtype=np.float32), 360, 1290)
    anytime = rng.random(n, dtype=np.float32) * 1440
    minute = np.where(rng.random(n, dtype=np.float32) < 0.88, office, anytime).astype(np.int64)
    stamp = day * _DAY_US + minute * 60_000_000
    return np.where(stamp > anchor_us, stamp - _DAY_US, stamp)


def _timestamps(us: np.ndarray) -> pd.Series:
    return pd.Series(us.astype("datetime64[us]")).dt.tz_localize("UTC")


# -- accounts --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Accounts:
    frame: pd.DataFrame
    ids: pa.Array
    domain: pa.Array  # bare lowercase domains
    country: np.ndarray  # index into _COUNTRIES
    employees: np.ndarray
    core: np.ndarray
    target: np.ndarray
    customer: np.ndarray


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
    base = _where(rng.random(n) < 0.55, _join(base, "-", slug), base)
    local = np.where(rng.random(n) < 0.4, country, 0)  # _COUNTRIES starts with US → .com
    tld = _take([spec[1] for spec in _COUNTRIES.values()], local)
    us_government = (industry == list(_INDUSTRIES).index("Government")) & (country == 0)
    tld = _where(us_government, "gov", tld)
    tld = _where((industry == 0) & (rng.random(n) < 0.15), "io", tld)  # 0 is Software
    domain = _join(base, ".", tld)
    clash = _text(domain).groupby(_text(domain)).cumcount().to_numpy()
    return _where(clash > 0, _join(base, pa.array((clash + 1).astype(str)), ".", tld), domain)


def _accounts(rng: np.random.Generator, n: int) -> _Accounts:
    industries, countries = list(_INDUSTRIES), list(_COUNTRIES)
    industry = _codes(rng, n, {k: v[0] for k, v in _INDUSTRIES.items()}, tuple(industries))
    country = _codes(rng, n, {k: v[0] for k, v in _COUNTRIES.items()}, tuple(countries))

    # A brand and an industry noun, e.g. "Northwind Logistics", sometimes with "Inc.".
    stem = np.where(rng.random(n) < 0.7, rng.integers(len(_BRAND_STEMS), size=n), -1)
    brand = _join(
        _take(_BRAND_ROOTS, rng.integers(len(_BRAND_ROOTS), size=n)),
        pc.fill_null(_take(_BRAND_STEMS, stem), ""),
    )
    nouns, noun_at = _grouped([_INDUSTRIES[name][1] for name in industries])
    noun = _take(nouns, _within(rng, noun_at, industry))
    suffixes, suffix_at = _grouped([_COUNTRIES[code][2] for code in countries])
    suffix = _within(rng, suffix_at, country)
    government = industry == industries.index("Government")
    suffix = np.where((rng.random(n) < 0.35) & ~government, suffix, -1)
    name = _join(brand, " ", noun)
    name = _where(suffix >= 0, _join(name, " ", _take(suffixes, suffix)), name)
    domain = _domains(rng, brand, noun, industry, country)
    # A few exports carry "www." or capitals; both normalise to the bare domain.
    style = rng.random(n)
    shown = _where(style < 0.01, _join("www.", domain), domain)
    shown = _where((style >= 0.01) & (style < 0.02), pc.utf8_capitalize(domain), shown)

    employees = np.clip(np.exp(rng.normal(np.log(250), 1.5, n)), 10, 100_000).astype(np.int64)
    revenue = np.round(employees * np.exp(rng.normal(np.log(180_000), 0.45, n)), -3)
    revenue = np.where(rng.random(n) < 0.05, np.nan, revenue)

    size_factor = np.where(employees < 200, 0.6, np.where(employees < 5000, 1.0, 1.3))
    stack = pa.array([""] * n, pa.string())
    for tech, share in _TECHNOLOGIES.items():
        used = rng.random(n) < np.minimum(share * size_factor, 0.95)
        stack = _where(used, _join(stack, tech, ";"), stack)
    stack = pc.utf8_rtrim(stack, ";")
    stack = pc.if_else(pc.equal(stack, ""), _NULL, stack)

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
    ids = _ids("A", n, 5)
    frame = pd.DataFrame(
        {
            "account_id": _text(ids),
            "name": _text(name),
            "domain": _text(shown),
            "industry": _text(_take(industries, industry)),
            "employees": pd.array(employees, dtype="Int64"),
            "annual_revenue": revenue,
            "country": _text(_take(countries, country)),
            "technologies": _text(stack),
            "parent_account_id": _text(_take(ids, parent)),
            "is_customer": customer,
            "is_target": target,
        }
    )
    core = np.isin(industry, [industries.index(i) for i in _CORE_INDUSTRIES])
    return _Accounts(frame, ids, domain, country, employees, core, target, customer)


def _choose_in_market(rng: np.random.Generator, acc: _Accounts, share: float) -> np.ndarray:
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


def _committee_sizes(
    rng: np.random.Generator, n: int, low: int, high: int, total: int | None
) -> np.ndarray:
    """Contacts per account, uniform in [low, high]; adjusted to ``total`` when given."""
    sizes = rng.integers(low, high + 1, size=n)
    gap = 0 if total is None else total - int(sizes.sum())
    if gap:
        room = high - sizes if gap > 0 else sizes - low
        sizes = sizes + np.sign(gap) * rng.multivariate_hypergeometric(room, abs(gap))
    return sizes


# -- contacts --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Contacts:
    frame: pd.DataFrame
    ids: pa.Array
    account: np.ndarray  # account index per contact
    starts: np.ndarray  # first contact index per account
    seniority: np.ndarray  # index into SENIORITIES
    department: np.ndarray  # index into DEPARTMENTS


def _titles(
    rng: np.random.Generator, department: np.ndarray, seniority: np.ndarray
) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """A title per contact, and whether it states the department / the seniority."""
    key = [DEPARTMENTS.index(d) * len(SENIORITIES) + SENIORITIES.index(s) for d, s, *_ in _TITLES]
    groups = [[] for _ in range(len(DEPARTMENTS) * len(SENIORITIES))]
    for k, row in zip(key, _TITLES, strict=True):
        groups[k].append(row)
    rows, offsets = _grouped(groups)
    row = _within(rng, offsets, department * len(SENIORITIES) + seniority)
    states_department = np.array(["d" in r[2] for r in rows])[row]
    states_seniority = np.array(["s" in r[2] for r in rows])[row]
    return _take([r[3] for r in rows], row), states_department, states_seniority


def _managers(
    rng: np.random.Generator,
    account: np.ndarray,
    starts: np.ndarray,
    seniority: np.ndarray,
    department: np.ndarray,
) -> np.ndarray:
    """REPORTS_TO as a contact index (-1 for none) within committees sorted top-down.

    Everyone reports to someone strictly more senior (fellow executives to the top
    person), preferring the same department and a nearby level, so the chart never
    has a cycle and the top person is its root.
    """
    n = len(account)
    index = np.arange(n)
    local = index - starts[account]
    new_level = np.ones(n, dtype=bool)
    new_level[1:] = (account[1:] != account[:-1]) | (seniority[1:] != seniority[:-1])
    above = np.maximum.accumulate(np.where(new_level, index, 0)) - starts[account]
    candidates = starts[account] + np.floor(np.sqrt(rng.random((3, n))) * above).astype(np.int64)
    same = department[candidates] == department
    chosen = np.where(same.any(axis=0), candidates[same.argmax(axis=0), index], candidates[0])
    # The top person reports to nobody; some org charts are incomplete.
    return np.where((local == 0) | (rng.random(n) < 0.12), -1, chosen)


def _emails(
    rng: np.random.Generator,
    acc: _Accounts,
    account: np.ndarray,
    first: pa.Array,
    last: pa.Array,
) -> tuple[pa.Array, np.ndarray]:
    """first.last@domain (and variants), unique; ~3% free mail. Also the free-mail mask."""
    n = len(account)
    first_slug = pc.utf8_lower(first)
    last_slug = pc.replace_substring_regex(
        pc.utf8_lower(pc.replace_substring(last, "ü", "ue")), r"[^a-z]", ""
    )
    pattern = rng.random(n)
    local = _join(first_slug, ".", last_slug)
    local = _where(
        pattern >= 0.75, _join(pc.utf8_slice_codeunits(first_slug, 0, 1), last_slug), local
    )
    local = _where(pattern >= 0.90, _join(first_slug, "_", last_slug), local)
    local = _where(pattern >= 0.95, first_slug, local)
    free = rng.random(n) < 0.03
    numbered = _join(local, pa.array(rng.integers(1, 99, size=n).astype(str)))
    local = _where(free, numbered, local)
    domain = _where(
        free,
        _take(_FREE_MAIL, rng.integers(len(_FREE_MAIL), size=n)),
        pc.take(acc.domain, pa.array(account)),
    )
    address = _text(_join(local, "@", domain))
    repeat = address.groupby(address).cumcount().to_numpy()
    local = _where(repeat > 0, _join(local, pa.array((repeat + 1).astype(str))), local)
    # A few CRMs keep the capitals people typed.
    capitals = _join(pc.utf8_title(local), "@", pc.utf8_capitalize(domain))
    email = _where(~free & (rng.random(n) < 0.01), capitals, _join(local, "@", domain))
    return email, free


def _history(rng: np.random.Generator, acc: _Accounts, account: np.ndarray) -> pa.Array:
    """Past employers (`;`-separated account ids) for ~10%, often customers."""
    n, n_acc = len(account), len(acc.employees)
    customers = np.flatnonzero(acc.customer)
    moved = rng.random(n) < 0.10
    previous = []
    for share in (1.0, 0.3):
        pick = rng.integers(n_acc, size=n)
        if len(customers):
            former_customer = customers[rng.integers(len(customers), size=n)]
            pick = np.where(rng.random(n) < 0.4, former_customer, pick)
        keep = moved & (rng.random(n) < share) & (pick != account)
        previous.append(np.where(keep, pick, -1))
    first, second = previous
    first, second = np.where(first < 0, second, first), np.where(first < 0, -1, second)
    second = np.where(second == first, -1, second)
    one = _take(acc.ids, first)
    return _where(second >= 0, _join(one, ";", _take(acc.ids, second)), one)


def _contacts(rng: np.random.Generator, acc: _Accounts, sizes: np.ndarray) -> _Contacts:
    n = int(sizes.sum())
    account = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    local = np.arange(n) - starts[account]

    # The first person is the top executive; each committee is sorted top-down.
    seniority = rng.choice(len(SENIORITIES), n, p=_probs(_SENIORITY_P))
    seniority[local == 0] = 0
    seniority = seniority[np.lexsort((seniority, account))]
    department = np.where(
        seniority == 0,
        _codes(rng, n, _C_DEPT_P, DEPARTMENTS),
        _codes(rng, n, _DEPT_P, DEPARTMENTS),
    )
    department[local == 0] = DEPARTMENTS.index("executive")
    title, states_department, states_seniority = _titles(rng, department, seniority)
    # ~40% leave department and seniority blank, only where the title states them.
    blank_department = states_department & (rng.random(n) < 0.4 / states_department.mean())
    blank_seniority = states_seniority & (rng.random(n) < 0.4 / states_seniority.mean())

    role = _pick(rng, _ROLE_P, seniority)
    deal_desk = np.isin(department, [DEPARTMENTS.index("legal"), DEPARTMENTS.index("procurement")])
    role = np.where(
        deal_desk & (rng.random(n) < 0.6), BUYING_ROLES.index("legal_procurement"), role
    )
    role = np.where(rng.random(n) < 0.30, role, -1)
    manager = _managers(rng, account, starts, seniority, department)

    first = _take(_FIRST_NAMES, rng.integers(len(_FIRST_NAMES), size=n))
    last = _take(_LAST_NAMES, rng.integers(len(_LAST_NAMES), size=n))
    email, free = _emails(rng, acc, account, first, last)
    # ~10% carry no account_id and are matched by email domain (free mail never is).
    unlinked = ~free & (rng.random(n) < 0.10 / 0.97)
    account_id = _where(unlinked, _NULL, pc.take(acc.ids, pa.array(account)))

    status = _take(("valid", "bounced", "unknown"), rng.choice(3, n, p=[0.90, 0.02, 0.08]))
    opted_out = rng.random(n) < 0.03
    consent = (rng.random(n) < 0.87) & ~opted_out
    country = acc.country[account]
    digits = pa.array(rng.integers(2_000_000_000, 9_999_999_999, size=n).astype(str))
    phone = _join("+", _take([spec[3] for spec in _COUNTRIES.values()], country), digits)
    phone = _where(rng.random(n) < 0.55, phone, pa.nulls(n, pa.string()))
    history = _history(rng, acc, account)

    ids = _ids("C", n, 7)
    frame = pd.DataFrame(
        {
            "contact_id": _text(ids),
            "account_id": _text(account_id),
            "email": _text(email),
            "first_name": _text(first),
            "last_name": _text(last),
            "title": _text(title),
            "department": _text(_where(blank_department, _NULL, _take(DEPARTMENTS, department))),
            "seniority": _text(_where(blank_seniority, _NULL, _take(SENIORITIES, seniority))),
            "buying_role": _text(_take(BUYING_ROLES, role)),
            "manager_id": _text(_take(ids, manager)),
            "email_status": _text(status),
            "opted_out": opted_out,
            "consent": consent,
            "phone": _text(phone),
            "country": _text(_take(list(_COUNTRIES), country)),
            "previous_account_ids": _text(history),
        }
    )
    return _Contacts(frame, ids, account, starts, seniority, department)


# -- engagement ------------------------------------------------------------------------

_DORMANT, _BACKGROUND, _IN_MARKET, _HYPERACTIVE = range(4)  # indexes into _MIX_ORDER


def _activity(
    rng: np.random.Generator, acc: _Accounts, con: _Contacts, in_market: np.ndarray
) -> np.ndarray:
    """Who engages: the activity class of every contact."""
    account, seniority, starts = con.account, con.seniority, con.starts
    n, n_acc = len(account), len(in_market)
    local = np.arange(n) - starts[account]
    sizes = np.bincount(account, minlength=n_acc)
    ours = in_market[account]

    # In market: most of the committee, seniors most of all, at least three people...
    engaged = ours & (rng.random(n) < np.array([0.55, 0.75, 0.80, 0.70, 0.60, 0.30])[seniority])
    thin = np.bincount(account, weights=engaged, minlength=n_acc) < np.minimum(3, sizes)
    engaged |= ours & thin[account] & (local < 3)
    # ...though some buying groups leave a whole department out.
    someone = starts + (rng.random(n_acc) * sizes).astype(np.int64)
    missing = np.where(rng.random(n_acc) < 0.25, con.department[someone], -1)
    engaged &= ~(ours & (con.department == missing[account]) & (local > 0))

    # Elsewhere: mostly one or two people, rarely more, juniors more than executives.
    busy = np.where(
        acc.customer,
        rng.choice(4, n_acc, p=[0.2, 0.3, 0.3, 0.2]),
        np.where(
            acc.target,
            rng.choice(5, n_acc, p=[0.3, 0.4, 0.2, 0.07, 0.03]),
            rng.choice(3, n_acc, p=[0.5, 0.35, 0.15]),
        ),
    )
    key = rng.exponential(size=n) / np.array([0.3, 0.5, 0.8, 1.2, 1.3, 1.0])[seniority]
    order = np.lexsort((key, account))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts[account[order]]
    background = ~ours & (rank < busy[account])

    activity = np.full(n, _DORMANT, dtype=np.int8)
    activity[background] = _BACKGROUND
    activity[engaged] = _IN_MARKET
    # Noise: a hyperactive junior (the committee's last, most junior person) at a few
    # out-of-market target accounts.
    loud = acc.target & ~in_market & (rng.random(n_acc) < 0.04)
    activity[(starts + sizes - 1)[loud]] = _HYPERACTIVE
    return activity


def _days_ago(
    rng: np.random.Generator, con: _Contacts, activity: np.ndarray, who: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Age of every event in days, and which in-market events belong to the surge.

    Dormant contacts trickle, mostly long ago; background contacts come in personal
    bursts (or steadily); in-market committees surge since a per-account start 18–32
    days back; the hyperactive junior is recent.
    """
    total = len(who)
    kind = activity[who]
    u = rng.random(total, dtype=np.float32)
    v = rng.random(total, dtype=np.float32)
    z = rng.standard_normal(total, dtype=np.float32)
    centre = rng.uniform(5, _WINDOW_DAYS - 2, len(activity)).astype(np.float32)
    steady = rng.random(len(activity)) < 0.3
    start = rng.uniform(18, 32, len(con.starts)).astype(np.float32)[con.account][who]
    surge = (kind == _IN_MARKET) & (u < 0.7)

    days = np.where(u < 0.15, v * _WINDOW_DAYS, 30 + v * (_WINDOW_DAYS - 30))
    burst = np.where(steady[who], v * _WINDOW_DAYS, np.clip(centre[who] + 12 * z, 0, 179.9))
    days = np.where(kind == _BACKGROUND, burst, days)
    before = start + v * (_WINDOW_DAYS - start)
    days = np.where(kind == _IN_MARKET, np.where(surge, v * start, before), days)
    days = np.where(kind == _HYPERACTIVE, v * 28, days)
    return days, surge


def _event_types(
    rng: np.random.Generator,
    activity: np.ndarray,
    who: np.ndarray,
    surge: np.ndarray,
    per_contact: np.ndarray,
) -> np.ndarray:
    """Event types drawn from each event's activity mix.

    In-market activity outside the surge looks like background activity.
    """
    mix = activity[who]
    mix = np.where((mix == _IN_MARKET) & ~surge, _BACKGROUND, mix)
    u = rng.random(len(who))
    types = np.empty(len(who), dtype=np.int8)
    for code, name in enumerate(_MIX_ORDER):
        weights = np.array([_MIXES[name].get(t, 0.0) for t in ENGAGEMENT_TYPES])
        cumulative = np.cumsum(weights / weights.sum())
        rows = mix == code
        types[rows] = np.searchsorted(cumulative, u[rows], side="right").clip(max=len(weights) - 1)
    # The hyperactive junior also asks for a demo once.
    first_event = np.cumsum(per_contact) - per_contact
    loud = (activity == _HYPERACTIVE) & (per_contact > 0)
    types[first_event[loud]] = ENGAGEMENT_TYPES.index("demo_request")
    return types


def _event_details(rng: np.random.Generator, types: np.ndarray) -> dict[str, pd.Series]:
    """Asset, campaign and channel per event, drawn from the type's lists."""
    details = [_DETAILS[name] for name in ENGAGEMENT_TYPES]
    assets, asset_at = _grouped([d[0] for d in details])
    channels, channel_at = _grouped([d[1] for d in details])
    campaigns, campaign_at = _grouped([d[2] for d in details])
    asset = _within(rng, asset_at, types)
    channel = _within(rng, channel_at, types)
    campaign = _within(rng, campaign_at, types)
    # Paid campaigns only tag paid traffic.
    paid_campaign = np.array([c in _PAID for c in campaigns])[campaign]
    campaign = np.where(paid_campaign & (np.array(channels) != "paid")[channel], -1, campaign)
    return {
        "asset": _text(_take(assets, asset)),
        "campaign": _text(_take(campaigns, campaign)),
        "channel": _text(_take(channels, channel)),
    }


def _engagements(
    rng: np.random.Generator,
    con: _Contacts,
    activity: np.ndarray,
    total: int,
    anchor: pd.Timestamp,
) -> pd.DataFrame:
    """Exactly ``total`` events, shared out by activity and sorted by time."""
    weight = np.array([0.3, 1.0, 1.8, 7.0])[activity] * rng.lognormal(0.0, 0.5, len(activity))
    senior_pace = np.array([0.5, 0.7, 0.9, 1.0, 1.1, 1.0])[con.seniority]
    weight *= np.where(activity == _IN_MARKET, senior_pace, 1.0)
    per_contact = rng.multinomial(total, weight / weight.sum())
    who = np.repeat(np.arange(len(activity), dtype=np.int32), per_contact)
    days, surge = _days_ago(rng, con, activity, who)
    types = _event_types(rng, activity, who, surge, per_contact)
    del surge
    stamp = _stamp(rng, days, anchor)
    del days
    order = np.argsort(stamp, kind="stable")
    stamp, who, types = stamp[order], who[order], types[order]
    del order
    return pd.DataFrame(
        {
            "event_id": _text(_ids("E", total, 9)),
            "contact_id": _text(_take(con.ids, who)),
            "type": _text(_take(ENGAGEMENT_TYPES, types)),
            "occurred_at": _timestamps(stamp),
            **_event_details(rng, types),
        }
    )


# -- intent and deals ------------------------------------------------------------------


def _intent(
    rng: np.random.Generator, acc: _Accounts, in_market: np.ndarray, anchor: pd.Timestamp
) -> pd.DataFrame:
    """Third-party intent: in-market accounts surge (70+) on relevant topics lately."""
    n = len(in_market)
    covered = rng.random(n) < np.where(in_market, 0.9, np.where(acc.target, 0.6, 0.3))
    hot = np.where(in_market & covered, rng.integers(2, 4, size=n), 0)
    # Noise: the odd out-of-market account shows one surge too.
    hot = np.where(~in_market & covered & (rng.random(n) < 0.06), 1, hot)
    cold = np.where(covered, rng.integers(1, 5, size=n), 0)
    account = np.concatenate([np.repeat(np.arange(n), hot), np.repeat(np.arange(n), cold)])
    is_hot = np.arange(len(account)) < hot.sum()
    rows = len(account)
    topics = _RELEVANT_TOPICS + _OTHER_TOPICS
    topic = np.where(
        is_hot,
        rng.integers(len(_RELEVANT_TOPICS), size=rows),
        rng.integers(len(topics), size=rows),
    )
    score = np.where(
        is_hot, rng.integers(70, 99, size=rows), np.round(15 + 55 * rng.beta(2.0, 3.0, rows))
    )
    days = np.where(is_hot, rng.integers(0, 21, rows), rng.integers(0, _WINDOW_DAYS, rows))
    observed = anchor.normalize().value // 1000 - days.astype(np.int64) * _DAY_US
    frame = pd.DataFrame(
        {
            "account_id": _text(_take(acc.ids, account)),
            "topic": _text(_take(topics, topic)),
            "score": score.astype(np.float64),
            "observed_at": _timestamps(observed),
        }
    )
    # One observation per account, topic and day, as an intent provider delivers them.
    frame = frame.drop_duplicates(["account_id", "topic", "observed_at"], keep="first")
    frame = frame.sort_values(["account_id", "observed_at", "topic"], kind="stable")
    return frame.reset_index(drop=True)


def _opportunities(
    rng: np.random.Generator, acc: _Accounts, in_market: np.ndarray, anchor: pd.Timestamp
) -> tuple[pd.DataFrame, np.ndarray]:
    """Deals: customers won some, some in-market accounts have one open, others lost.

    Also returns the account index of every deal.
    """
    n = len(in_market)
    won = np.where(acc.customer, 1 + (rng.random(n) < 0.3), 0)
    prospect = ~in_market & acc.target & ~acc.customer
    has_open = (in_market & (rng.random(n) < 0.35)) | (prospect & (rng.random(n) < 0.03))
    lost = ~acc.customer & (rng.random(n) < np.where(acc.target, 0.10, 0.02))
    account = np.concatenate(
        [np.repeat(np.arange(n), won), np.flatnonzero(has_open), np.flatnonzero(lost)]
    )
    outcome = np.repeat([0, 1, 2], [won.sum(), has_open.sum(), lost.sum()])  # won, open, lost
    rows = len(account)
    recent = np.where(in_market[account], rng.uniform(1, 25, rows), rng.uniform(1, 120, rows))
    created_days = np.select(
        [outcome == 0, outcome == 1],
        [rng.uniform(200, 900, rows), recent],
        rng.uniform(60, 600, rows),
    )
    created = _stamp(rng, created_days, anchor)
    closed_days = np.maximum(created_days - rng.uniform(20, 150, rows), 0)
    closed = np.maximum(_stamp(rng, closed_days, anchor), created)
    stages = (*_OPEN_STAGES, "Closed Won", "Closed Lost")
    open_stage = rng.choice(len(_OPEN_STAGES), rows, p=[0.3, 0.35, 0.25, 0.1])
    stage = np.select([outcome == 0, outcome == 2], [4, 5], open_stage)
    employees = acc.employees[account].astype(float)
    amount = np.round(15_000 * (employees / 200) ** 0.45 * rng.lognormal(0, 0.4, rows), -2)

    order = np.lexsort((created, account))
    account, outcome, stage = account[order], outcome[order], stage[order]
    deals = pd.DataFrame(
        {
            "opportunity_id": _text(_ids("O", rows, 6)),
            "account_id": _text(_take(acc.ids, account)),
            "stage": _text(_take(stages, stage)),
            "is_closed": outcome != 1,
            "is_won": outcome == 0,
            "amount": np.clip(amount, 5_000, 2_000_000)[order],
            "created_at": _timestamps(created[order]),
            "closed_at": _timestamps(closed[order]).where(outcome != 1),
        }
    )
    return deals, account


def _deal_contacts(
    rng: np.random.Generator, con: _Contacts, deals: pd.DataFrame, account: np.ndarray
) -> pd.DataFrame:
    """OpportunityContactRole rows: a senior primary contact and up to three others."""
    people = 1 + rng.binomial(3, 0.4, len(account))
    deal = np.repeat(np.arange(len(account)), people)
    first = np.arange(len(deal)) == np.repeat(np.cumsum(people) - people, people)
    size = np.bincount(con.account, minlength=len(con.starts))[account][deal]
    top = (rng.random(len(deal)) * np.minimum(3, size)).astype(np.int64)
    anyone = (rng.random(len(deal)) * size).astype(np.int64)
    contact = con.starts[account][deal] + np.where(first, top, anyone)
    unique = ~pd.DataFrame({"deal": deal, "contact": contact}).duplicated().to_numpy()
    deal, contact, first = deal[unique], contact[unique], first[unique]
    return pd.DataFrame(
        {
            "opportunity_id": deals["opportunity_id"].to_numpy()[deal],
            "contact_id": _text(_take(con.ids, contact)),
            "role": _text(_take(_OPP_ROLES, _pick(rng, _OPP_ROLE_P, con.seniority[contact]))),
            "is_primary": first,
        }
    ).astype({"opportunity_id": "str"})


# -- public API ------------------------------------------------------------------------


def generate(
    accounts: int = 200,
    seed: int = 0,
    anchor: str | date | datetime | pd.Timestamp | None = None,
    contacts_per_account: tuple[int, int] = (4, 12),
    events: int | None = None,
    in_market_share: float = 0.15,
    *,
    contacts: int | None = None,
) -> DemoData:
    """Generate a realistic dataset in the native data contract with a planted truth.

    Parameters
    ----------
    accounts
        Number of accounts (at least 1).
    seed
        Seed for ``numpy.random.default_rng``, the only source of randomness.
    anchor
        The "now" of the data (see ``parse_anchor``); default today 00:00 UTC.
        Every event is at or before it, spread over the ~180 days before.
    contacts_per_account
        Inclusive range of committee sizes.
    events
        Exact number of engagement rows; default 16 per contact.
    in_market_share
        Share of target accounts planted as in market (0–1); customers never are.
    contacts
        Exact total number of contacts, with every committee size still within
        ``contacts_per_account``; default: sizes drawn uniformly in the range.

    Returns
    -------
    DemoData
        The frames, the truth (``account_id``, ``in_market``) and the anchor.

    Raises
    ------
    ValueError
        When a size or share is out of range.

    Examples
    --------
    >>> data = generate(accounts=10, seed=3, anchor="2026-10-01", events=500)
    >>> len(data.engagements)
    500
    >>> data.anchor.isoformat()
    '2026-10-01T00:00:00+00:00'
    """
    low, high = contacts_per_account
    if accounts < 1:
        raise ValueError(f"accounts must be at least 1, got {accounts}")
    if not 1 <= low <= high:
        raise ValueError(f"contacts_per_account must satisfy 1 <= low <= high, got {low, high}")
    if contacts is not None and not accounts * low <= contacts <= accounts * high:
        raise ValueError(
            f"contacts must be between {accounts * low} and {accounts * high} "
            f"for {accounts} accounts of {low}-{high} contacts, got {contacts}"
        )
    if events is not None and events < 0:
        raise ValueError(f"events must not be negative, got {events}")
    if not 0 <= in_market_share <= 1:
        raise ValueError(f"in_market_share must be between 0 and 1, got {in_market_share}")
    moment = parse_anchor(anchor)
    rng = np.random.default_rng(seed)

    acc = _accounts(rng, accounts)
    in_market = _choose_in_market(rng, acc, in_market_share)
    con = _contacts(rng, acc, _committee_sizes(rng, accounts, low, high, contacts))
    activity = _activity(rng, acc, con, in_market)
    total = _EVENTS_PER_CONTACT * len(con.account) if events is None else events
    engagements = _engagements(rng, con, activity, total, moment)
    intent = _intent(rng, acc, in_market, moment)
    deals, deal_account = _opportunities(rng, acc, in_market, moment)
    return DemoData(
        accounts=acc.frame,
        contacts=con.frame,
        engagements=engagements,
        intent=intent,
        opportunities=deals,
        opportunity_contacts=_deal_contacts(rng, con, deals, deal_account),
        truth=pd.DataFrame({"account_id": acc.frame["account_id"], "in_market": in_market}),
        anchor=moment,
        seed=seed,
    )


# -- writing ---------------------------------------------------------------------------


def _iso_utc(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Instants as 2026-10-01T14:03:00Z (whole seconds, UTC)."""
    # Arrow stores UTC epoch values; reading them as naive wall time avoids a slow tz pass.
    naive = column.cast(pa.int64()).cast(pa.timestamp(column.type.unit))
    text = pc.cast(naive, pa.timestamp("s"), safe=False).cast(pa.string())
    return _join(pc.replace_substring(text, " ", "T"), "Z")


def _whole(column: pa.ChunkedArray) -> bool:
    return pc.all(pc.equal(pc.round(column), column)).as_py() is not False


def _csv_table(frame: pd.DataFrame) -> tuple[pa.Table, bool]:
    """Every column as text (ISO-8601 UTC instants, true/false, whole numbers without
    ".0"), and whether any value needs quoting."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns, quotes = [], False
    for column in table.columns:
        if pa.types.is_timestamp(column.type):
            column = _iso_utc(column)
        elif pa.types.is_boolean(column.type):
            column = pc.if_else(column, "true", "false")
        elif pa.types.is_floating(column.type) and _whole(column):
            column = column.cast(pa.int64())
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            quotes = quotes or bool(pc.any(pc.match_substring_regex(column, r'[,"\r\n]')).as_py())
        columns.append(column.cast(pa.string()))
    return pa.table(columns, names=table.column_names), quotes


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    table, quotes = _csv_table(frame)
    # Arrow's writer quotes every string: use it only when no value needs quotes.
    if quotes:
        table.to_pandas().to_csv(path, index=False, na_rep="", lineterminator="\n")
        return
    with path.open("wb") as sink:
        sink.write((",".join(table.column_names) + "\n").encode())
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        pacsv.write_csv(table, sink, options)


def write(
    data: DemoData, out_dir: Path | str, fmt: Literal["csv", "parquet"] = "csv"
) -> dict[str, Path]:
    """Write one file per kind plus a ``demo.json`` manifest into ``out_dir``.

    Parameters
    ----------
    data
        What ``generate`` returned.
    out_dir
        Folder to write into (created when missing); existing files are replaced.
    fmt
        ``"csv"`` (header row, UTF-8, ISO-8601 UTC instants, ``true``/``false``,
        empty cells for missing values) or ``"parquet"``.

    Returns
    -------
    dict of str to Path
        The path of every file by kind (``FILE_KINDS``), and ``"manifest"``.

    Raises
    ------
    ValueError
        When ``fmt`` is neither ``"csv"`` nor ``"parquet"``.

    Examples
    --------
    >>> import tempfile
    >>> paths = write(generate(accounts=5, anchor="2026-10-01"), tempfile.mkdtemp())
    >>> sorted(path.name for path in paths.values())[:3]
    ['accounts.csv', 'contacts.csv', 'demo.json']
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for kind, frame in data.frames().items():
        paths[kind] = out / f"{kind}.{fmt}"
        if fmt == "csv":
            _write_csv(frame, paths[kind])
        else:
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), paths[kind])
    manifest = {
        "seed": data.seed,
        "anchor": data.anchor.isoformat(),
        "format": fmt,
        "sizes": {kind: len(frame) for kind, frame in data.frames().items()},
        "in_market_accounts": int(data.truth["in_market"].sum()),
        "files": {kind: path.name for kind, path in paths.items()},
    }
    paths["manifest"] = out / "demo.json"
    paths["manifest"].write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return paths
