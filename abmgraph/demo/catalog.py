"""Static word lists and mixes the generator draws from: firms, people, events, topics."""

__all__ = [
    "BRAND_ROOTS",
    "BRAND_STEMS",
    "CORE_INDUSTRIES",
    "COUNTRIES",
    "DEPT_P",
    "DETAILS",
    "EXEC_DEPT_P",
    "FIRST_NAMES",
    "FREE_MAIL",
    "INDUSTRIES",
    "LAST_NAMES",
    "MIXES",
    "MIX_ORDER",
    "OPEN_STAGES",
    "OPP_ROLES",
    "OPP_ROLE_P",
    "OTHER_TOPICS",
    "PAID",
    "RELEVANT_TOPICS",
    "ROLE_P",
    "SENIORITY_P",
    "TECHNOLOGIES",
]


# fmt: off

CORE_INDUSTRIES = ("Software", "Financial Services", "Healthcare", "Manufacturing")
INDUSTRIES: dict[str, tuple[float, tuple[str, ...]]] = {  # → (share of accounts, name nouns)
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
BRAND_ROOTS = (
    "North", "Blue", "Iron", "Silver", "Red", "Green", "Bright", "Clear", "Stone", "Oak",
    "Pine", "Cedar", "Maple", "Summit", "Harbor", "River", "Lake", "Sun", "Star", "Golden",
    "Granite", "Crystal", "Swift", "Prime", "Bold", "Wild", "Deep", "High", "East", "West",
    "South", "Cloud", "Sky", "Ever", "Open", "Key", "Arrow", "Quantum", "Nova", "Apex",
    "Vertex", "Falcon", "Eagle", "Fox", "Hawk", "Lumen", "Orbit", "Pioneer", "Atlas", "Beacon",
    "Cobalt", "Copper", "Amber", "Birch", "Willow", "Aspen", "Coral", "Delta",
)
BRAND_STEMS = (
    "wind", "field", "bridge", "point", "stone", "way", "gate", "wood", "view", "line", "path",
    "ridge", "haven", "crest", "works", "light", "spring", "brook", "port", "shore", "rock",
    "side", "land", "wave", "mark",
)
COUNTRIES: dict[str, tuple[float, str, tuple[str, ...], str]] = {
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
TECHNOLOGIES = {
    "Salesforce": 0.45, "HubSpot": 0.25, "Snowflake": 0.18, "AWS": 0.50, "Azure": 0.30,
    "GCP": 0.15, "Okta": 0.20, "Workday": 0.15, "SAP": 0.15, "Zendesk": 0.20,
    "Marketo": 0.12, "Slack": 0.45,
}

FIRST_NAMES = (
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
LAST_NAMES = (
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
FREE_MAIL = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com",
             "hotmail.com", "icloud.com")

# Seniority mix below the top person; department mix for everyone else and for executives.
SENIORITY_P = (0.03, 0.09, 0.17, 0.26, 0.37, 0.08)
DEPT_P = {
    "it": 0.13, "engineering": 0.15, "finance": 0.10, "operations": 0.10, "marketing": 0.13,
    "sales": 0.10, "hr": 0.05, "legal": 0.03, "procurement": 0.05, "product": 0.07,
    "support": 0.06, "other": 0.03,
}
EXEC_DEPT_P = {
    "it": 0.18, "engineering": 0.17, "finance": 0.20, "operations": 0.12, "marketing": 0.12,
    "sales": 0.10, "hr": 0.04, "product": 0.05, "legal": 0.02,
}
# Explicit buying role by seniority, in BUYING_ROLES order.
ROLE_P = {
    "c_level":                (0.45, 0.15, 0.00, 0.00, 0.00, 0.05, 0.35, 0, 0.00, 0.00),
    "vp":                     (0.40, 0.25, 0.15, 0.00, 0.00, 0.10, 0.10, 0, 0.00, 0.00),
    "director":               (0.20, 0.10, 0.30, 0.20, 0.00, 0.15, 0.00, 0, 0.05, 0.00),
    "manager":                (0.00, 0.00, 0.35, 0.25, 0.10, 0.25, 0.00, 0, 0.05, 0.00),
    "individual_contributor": (0.00, 0.00, 0.15, 0.25, 0.45, 0.10, 0.00, 0, 0.00, 0.05),
    "entry":                  (0.00, 0.00, 0.00, 0.00, 0.80, 0.00, 0.00, 0, 0.00, 0.20),
}
# Salesforce OpportunityContactRole picklist values by seniority.
OPP_ROLES = ("Decision Maker", "Economic Buyer", "Executive Sponsor", "Evaluator",
             "Technical Buyer", "Business User", "Influencer", "Other")
OPP_ROLE_P = {
    "c_level":                (0.40, 0.20, 0.35, 0.00, 0.00, 0.00, 0.05, 0.00),
    "vp":                     (0.40, 0.35, 0.10, 0.05, 0.00, 0.00, 0.10, 0.00),
    "director":               (0.25, 0.10, 0.00, 0.30, 0.15, 0.00, 0.20, 0.00),
    "manager":                (0.05, 0.00, 0.00, 0.35, 0.20, 0.15, 0.25, 0.00),
    "individual_contributor": (0.00, 0.00, 0.00, 0.25, 0.25, 0.35, 0.10, 0.05),
    "entry":                  (0.00, 0.00, 0.00, 0.00, 0.00, 0.70, 0.00, 0.30),
}

# Event-type weights for the four kinds of activity.
MIXES: dict[str, dict[str, float]] = {
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
MIX_ORDER = ("dormant", "background", "surge", "hyperactive")

_EMAILS = ("Newsletter", "Nurture: Buying Groups 1", "Nurture: Buying Groups 2",
           "Nurture: Buying Groups 3", "Webinar Invite", "Product Update", "Event Invite")
_EMAIL_CAMPAIGNS = ("Monthly Newsletter", "Nurture - Buying Groups", "Webinar Promotion",
                    "Product Launch - Graph Explorer", "Event Invitations")
PAID = ("Paid Search - Brand", "Paid Search - ABM", "LinkedIn - ABM Retargeting",
        "Intent Retargeting")
_WEBINARS = ("Webinar: Building Buying Groups in Salesforce", "Webinar: From MQL to MQA",
             "Webinar: Intent Data Sales Trusts", "Webinar: Multi-threading Enterprise Deals")
_WEB = ("organic", "organic", "organic", "paid", "web", "web", "social", "referral")
_CAMPAIGNED_WEB = (None, None, None, *PAID)
_EMAIL = (_EMAILS, ("email",), _EMAIL_CAMPAIGNS)
# type → (assets, channels, campaigns); None is a blank campaign, repeats weight a value.
DETAILS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str | None, ...]]] = {
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
                    ("web", "organic", "paid"), (None, None, *PAID)),
    "demo_request": (("/demo",), ("web", "web", "paid", "organic"),
                     (None, None, "Paid Search - ABM", "Intent Retargeting")),
    "trial_signup": (("/trial", "/signup"), ("web", "organic", "paid"), (None,)),
    "meeting_held": (("Discovery Call", "Demo Meeting", "Technical Deep Dive",
                      "Business Case Review"), ("sales",), ("Outbound - Named Accounts", None)),
    "unsubscribe": _EMAIL,
    "email_bounce": _EMAIL,
    "spam_complaint": _EMAIL,
}

RELEVANT_TOPICS = ("buying group software", "account based marketing", "intent data",
                   "sales intelligence", "lead scoring", "marketing automation",
                   "revenue operations", "customer data platform")
OTHER_TOPICS = ("cloud security", "data warehousing", "hr software",
                "supply chain management", "erp", "video conferencing")
OPEN_STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation")

# fmt: on
