"""Canonical vocabularies of the data contract and the aliases accepted for them."""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "BUYING_ROLES",
    "BUYING_ROLE_ALIASES",
    "DEPARTMENTS",
    "DEPARTMENT_ALIASES",
    "ENGAGEMENT_TYPES",
    "SENIORITIES",
    "SENIORITY_ALIASES",
    "BuyingRole",
    "Department",
    "Seniority",
    "alias_key",
]

# Ordered from most to least senior: scoring relies on this order.
Seniority = Literal["c_level", "vp", "director", "manager", "individual_contributor", "entry"]
SENIORITIES: tuple[Seniority, ...] = get_args(Seniority)

Department = Literal[
    "executive",
    "it",
    "engineering",
    "finance",
    "operations",
    "marketing",
    "sales",
    "hr",
    "legal",
    "procurement",
    "product",
    "support",
    "other",
]
DEPARTMENTS: tuple[Department, ...] = get_args(Department)

BuyingRole = Literal[
    "decision_maker",
    "economic_buyer",
    "champion",
    "technical_evaluator",
    "end_user",
    "influencer",
    "executive_sponsor",
    "legal_procurement",
    "blocker",
    "other",
]
BUYING_ROLES: tuple[BuyingRole, ...] = get_args(BuyingRole)

ENGAGEMENT_TYPES = (
    "page_view",
    "pricing_page_view",
    "product_page_view",
    "blog_view",
    "careers_page_view",
    "content_download",
    "case_study_download",
    "webinar_registered",
    "webinar_attended",
    "event_attended",
    "email_open",
    "email_click",
    "email_reply",
    "form_submit",
    "demo_request",
    "trial_signup",
    "meeting_held",
    "unsubscribe",
    "email_bounce",
    "spam_complaint",
)


def alias_key(value: str) -> str:
    """Fold a vocabulary value for alias lookup: case, spaces, dashes and punctuation."""
    return "".join(ch for ch in value.lower() if ch.isalnum())


# Keys are folded with ``alias_key``; canonical names map to themselves implicitly.
SENIORITY_ALIASES = {
    "clevel": "c_level",
    "csuite": "c_level",
    "cxo": "c_level",
    "executive": "c_level",
    "owner": "c_level",
    "founder": "c_level",
    "partner": "c_level",
    "vicepresident": "vp",
    "svp": "vp",
    "evp": "vp",
    "avp": "vp",
    "head": "director",
    "senior": "individual_contributor",
    "ic": "individual_contributor",
    "individualcontributor": "individual_contributor",
    "staff": "individual_contributor",
    "nonmanager": "individual_contributor",
    "mgr": "manager",
    "intern": "entry",
    "student": "entry",
    "trainee": "entry",
    "junior": "entry",
    "entrylevel": "entry",
    "training": "entry",
    # Management levels of enrichment vendors (ZoomInfo "VP-Level", "Non-Manager"; LinkedIn "Unpaid").
    "vplevel": "vp",
    "directorlevel": "director",
    "managerlevel": "manager",
    "chief": "c_level",
    "employee": "individual_contributor",
    "unpaid": "entry",
}

DEPARTMENT_ALIASES = {
    "exec": "executive",
    "management": "executive",
    "csuite": "executive",
    "informationtechnology": "it",
    "itsecurity": "it",
    "security": "it",
    "infosec": "it",
    "rd": "engineering",
    "researchanddevelopment": "engineering",
    "development": "engineering",
    "dataengineering": "engineering",
    "accounting": "finance",
    "ops": "operations",
    "humanresources": "hr",
    "people": "hr",
    "peopleoperations": "hr",
    "talent": "hr",
    "recruiting": "hr",
    "compliance": "legal",
    "purchasing": "procurement",
    "sourcing": "procurement",
    "productmanagement": "product",
    "customersuccess": "support",
    "customersupport": "support",
    "customerservice": "support",
    "service": "support",
    "businessdevelopment": "sales",
    "revenue": "sales",
    "demandgeneration": "marketing",
    "communications": "marketing",
    # Combined labels common in CRM picklists and enrichment data.
    "researchdevelopment": "engineering",
    "engineeringtechnical": "engineering",
    "engineeringandtechnical": "engineering",
    "accountingfinance": "finance",
    "financeaccounting": "finance",
    "financeandaccounting": "finance",
    "legalcompliance": "legal",
    "legalandcompliance": "legal",
    "talentacquisition": "hr",
    "supplychain": "operations",
    "administration": "operations",
}

BUYING_ROLE_ALIASES = {
    # HubSpot's "Buying Role" internal values.
    "budgetholder": "economic_buyer",
    "legalandcompliance": "legal_procurement",
    # Salesforce OpportunityContactRole picklist.
    "businessuser": "end_user",
    "economicdecisionmaker": "economic_buyer",
    "evaluator": "technical_evaluator",
    "technicalbuyer": "technical_evaluator",
    # Marketo buying-group roles.
    "practitioner": "end_user",
    "executivesteeringcommittee": "executive_sponsor",
    # Common spellings.
    "user": "end_user",
    "enduser": "end_user",
    "dm": "decision_maker",
    "sponsor": "executive_sponsor",
    "procurement": "legal_procurement",
    "legal": "legal_procurement",
    "purchasing": "legal_procurement",
    "budgetowner": "economic_buyer",
    "technical": "technical_evaluator",
}
