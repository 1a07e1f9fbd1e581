"""The HubSpot preset: how each kind reads from HubSpot exports (single- and multi-object)."""

from __future__ import annotations

from abmgraph.graph.schema import Kind
from abmgraph.ingest.variants import Variant

__all__ = ["HUBSPOT"]

# HubSpot names a record's id "Record ID"; a multi-object export (one file of, say,
# contacts with their companies) says whose it is: "Record ID - Contact", "Record ID - Company".
_HS_COMPANY_ID = (
    ("Associated Company IDs (Primary)", "first_of_list"),
    ("Primary Associated Company ID", "first_of_list"),
    "Record ID - Company",
    ("Associated Company IDs", "first_of_list"),
    ("Associated Company ID", "first_of_list"),
)
_HS_CONTACT_ID = ("Record ID - Contact", ("Associated Contact IDs", "first_of_list"), "Contact ID")
_HS_CONTACT_EMAIL = (("Associated Contact Email", "first_of_list"), "Email")

HUBSPOT: dict[Kind, tuple[Variant, ...]] = {
    "accounts": (
        Variant(
            "Companies",
            {
                "account_id": ("Record ID - Company", "Record ID", "Company ID"),
                "name": ("Company name", "Name"),
                "domain": ("Company Domain Name", "Website URL", "Domain"),
                "industry": ("Industry",),
                "employees": ("Number of Employees",),
                "annual_revenue": ("Annual Revenue",),
                "country": ("Country/Region", "Country"),
                "parent_account_id": ("Parent Company", "Parent Company ID"),
                "is_customer": (("Lifecycle Stage", "hubspot_lifecycle_customer"),),
                "owner": ("Company owner", "HubSpot Owner", "Owner"),
            },
        ),
    ),
    "contacts": (
        Variant(
            "Contacts",
            {
                "contact_id": ("Record ID - Contact", "Record ID", "Contact ID"),
                "account_id": (*_HS_COMPANY_ID, ("Company ID", "first_of_list")),
                "email": ("Email",),
                "first_name": ("First Name",),
                "last_name": ("Last Name",),
                "title": ("Job Title",),
                "buying_role": ("Buying Role", "Buying Roles"),
                "phone": ("Phone Number", "Mobile Phone Number"),
                "country": ("Country/Region", "Country"),
                "opted_out": ("Unsubscribed from all email",),
                "owner": ("Contact owner", "HubSpot Owner", "Owner"),
                "consent": (("Legal basis for processing contact's data", "hubspot_consent"),),
                # Attributes beyond the contract, kept under these names.
                "lawful_basis": (
                    ("Legal basis for processing contact's data", "hubspot_lawful_basis"),
                ),
                "marketing_contact": (("Marketing contact status", "hubspot_marketing_contact"),),
                "company_domain": ("Associated Company Domain",),
                "associated_company_ids": ("Associated Company IDs",),
            },
        ),
    ),
    "opportunities": (
        Variant(
            "Deals",
            {
                "opportunity_id": ("Record ID - Deal", "Record ID", "Deal ID"),
                "account_id": _HS_COMPANY_ID,
                "stage": ("Deal Stage",),
                "is_won": ("Is Closed Won", ("Deal Stage", "stage_won")),
                "is_closed": ("Is Deal Closed?", "Is Closed", ("Deal Stage", "stage_closed")),
                "amount": ("Amount",),
                "currency": (
                    ("Currency", "currency_code"),
                    ("Deal currency code", "currency_code"),
                ),
                "created_at": ("Create Date",),
                "closed_at": ("Close Date",),
                "associated_company_ids": ("Associated Company IDs",),
            },
        ),
    ),
    "opportunity_contacts": (
        Variant(
            "Deals with contacts",
            {
                "opportunity_id": ("Record ID - Deal", "Deal ID"),
                "contact_id": _HS_CONTACT_ID,
            },
        ),
    ),
    "engagements": (
        Variant(
            "Meetings",
            {
                "event_id": ("Record ID - Meeting", "Record ID"),
                "contact_id": _HS_CONTACT_ID,
                "email": _HS_CONTACT_EMAIL,
                "type": (("Meeting outcome", "hubspot_meeting_outcome"),),
                "occurred_at": ("Meeting start time", "Activity date", "Create Date"),
                "asset": ("Meeting name",),
            },
            when=(("Record ID - Meeting", "Meeting outcome", "Meeting start time"),),
            defaults={"type": "meeting_held"},
        ),
        Variant(
            "Calls",
            {
                "event_id": ("Record ID - Call", "Record ID"),
                "contact_id": _HS_CONTACT_ID,
                "email": _HS_CONTACT_EMAIL,
                "type": (("Call outcome", "hubspot_call_outcome"),),
                "occurred_at": ("Activity date", "Create Date"),
                "asset": ("Call title",),
            },
            when=(("Record ID - Call", "Call outcome"),),
            defaults={"type": "meeting_held"},
        ),
        Variant(
            "Activities",
            {
                "event_id": ("Record ID - Activity", "Record ID", "Activity ID"),
                "contact_id": _HS_CONTACT_ID,
                "email": _HS_CONTACT_EMAIL,
                "type": (
                    ("Activity type", "hubspot_activity_type"),
                    ("Engagement type", "hubspot_activity_type"),
                ),
                "occurred_at": ("Activity date", "Create Date"),
            },
        ),
    ),
}
