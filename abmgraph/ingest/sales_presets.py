"""How the CRM presets read the sales side: lead statuses as feedback, reps' activities.

Feedback comes from a lead or contact export with its status: Salesforce's
Lead ``Status`` (and the disqualification reason field most orgs add) or
HubSpot's ``Lead Status`` / ``Lead stage`` with its disqualification reason.
Sales activities come from Salesforce Task and Event exports and HubSpot's
calls, emails, meetings or mixed activity exports. The value transforms are
in ``sales_values``.
"""

from __future__ import annotations

from abmgraph.graph.schema import Kind
from abmgraph.ingest.variants import Variant

__all__ = ["HUBSPOT_SALES", "SALESFORCE_SALES"]

_SF_WHO = ("WhoId", "Who ID", "Contact ID", "ContactId", "Lead ID", "Name ID")
_SF_ACCOUNT = ("AccountId", "Account ID", "Account Id")
_SF_OWNER = ("Owner.Name", "Assigned To", "Assigned", "Owner Name", "OwnerId", "Owner ID")
_SF_ACTIVITY_TYPE = (
    ("Type", "salesforce_rep_activity"),
    ("Activity Type", "salesforce_rep_activity"),
)
_SF_OUTCOME = ("CallDisposition", "Call Disposition", "Call Result", "Outcome")

SALESFORCE_SALES: dict[Kind, tuple[Variant, ...]] = {
    "feedback": (
        Variant(
            "Lead",
            {
                "contact_id": ("Id", "Lead ID", "Lead Id", "Contact ID", "ContactId"),
                "account_id": (
                    "ConvertedAccountId",
                    "Converted Account ID",
                    "AccountId",
                    "Account ID",
                ),
                "verdict": (
                    ("Status", "salesforce_lead_status"),
                    ("Lead Status", "salesforce_lead_status"),
                ),
                "reason": (
                    "Unqualified_Reason__c",
                    "Unqualified Reason",
                    "Disqualified_Reason__c",
                    "Disqualified Reason",
                    "Rejection_Reason__c",
                    "Rejection Reason",
                    "Status Reason",
                    "Reason",
                ),
                "by": ("Owner.Name", "Lead Owner", "Owner Name", "OwnerId", "Owner ID"),
                "at": (
                    "ConvertedDate",
                    "Converted Date",
                    "LastModifiedDate",
                    "Last Modified Date",
                ),
            },
        ),
    ),
    "sales_activities": (
        Variant(
            "Event",
            {
                "activity_id": ("Id", "Activity ID", "Event ID"),
                "contact_id": _SF_WHO,
                "account_id": _SF_ACCOUNT,
                "type": (
                    *_SF_ACTIVITY_TYPE,
                    ("EventSubtype", "salesforce_rep_activity"),
                    ("Event Subtype", "salesforce_rep_activity"),
                ),
                "at": ("StartDateTime", "Start Date Time", "ActivityDateTime", "ActivityDate"),
                "owner": _SF_OWNER,
                "outcome": _SF_OUTCOME,
            },
            when=(
                (
                    "StartDateTime",
                    "Start Date Time",
                    "EndDateTime",
                    "End Date Time",
                    "DurationInMinutes",
                    "IsAllDayEvent",
                    "EventSubtype",
                    "Event Subtype",
                ),
            ),
            defaults={"type": "meeting"},
        ),
        Variant(
            "Task",
            {
                "activity_id": ("Id", "Activity ID", "Task ID"),
                "contact_id": _SF_WHO,
                "account_id": _SF_ACCOUNT,
                # Type first: a logged call is often TaskSubtype "Task" with Type "Call".
                "type": (
                    *_SF_ACTIVITY_TYPE,
                    ("TaskSubtype", "salesforce_rep_activity"),
                    ("Task Subtype", "salesforce_rep_activity"),
                ),
                "at": (
                    "CompletedDateTime",
                    "Completed Date/Time",
                    "ActivityDate",
                    "Date",
                    "Due Date",
                    "CreatedDate",
                    "Created Date",
                ),
                "owner": _SF_OWNER,
                "outcome": _SF_OUTCOME,
            },
        ),
    ),
}

_HS_CONTACT = ("Record ID - Contact", ("Associated Contact IDs", "first_of_list"), "Contact ID")
_HS_COMPANY = (
    ("Associated Company IDs (Primary)", "first_of_list"),
    ("Primary Associated Company ID", "first_of_list"),
    "Record ID - Company",
    ("Associated Company IDs", "first_of_list"),
    ("Associated Company ID", "first_of_list"),
)
_HS_OWNER = ("Activity assigned to", "Assigned to", "Activity owner", "HubSpot owner")
_HS_REASON = (
    "Disqualification reason",
    "Lead disqualification reason",
    "Unqualified reason",
    "Rejection reason",
    "Reason",
)


def _hs_activity(
    name: str, record: str, type_: str, at: tuple[str, ...], outcome: tuple[str, ...]
) -> Variant:
    """One HubSpot single-object activity export (calls, emails or meetings)."""
    return Variant(
        name,
        {
            "activity_id": (f"Record ID - {record}", "Record ID"),
            "contact_id": _HS_CONTACT,
            "account_id": _HS_COMPANY,
            "at": (*at, "Activity date", "Create Date"),
            "owner": _HS_OWNER,
            "outcome": outcome,
        },
        when=((f"Record ID - {record}", *outcome),),
        defaults={"type": type_},
    )


HUBSPOT_SALES: dict[Kind, tuple[Variant, ...]] = {
    "feedback": (
        Variant(
            "Leads",
            {
                "contact_id": _HS_CONTACT,
                "account_id": _HS_COMPANY,
                "verdict": (("Lead stage", "hubspot_lead_status"),),
                "reason": _HS_REASON,
                "by": ("Lead owner", "HubSpot owner"),
                "at": ("Last Modified Date", "Create Date"),
            },
            when=(("Lead stage",),),
        ),
        Variant(
            "Contacts",
            {
                "contact_id": ("Record ID - Contact", "Record ID", "Contact ID"),
                "account_id": _HS_COMPANY,
                "verdict": (("Lead Status", "hubspot_lead_status"),),
                "reason": _HS_REASON,
                "by": ("Contact owner", "Lead owner", "HubSpot owner"),
                "at": ("Last Modified Date",),
            },
        ),
    ),
    "sales_activities": (
        _hs_activity("Calls", "Call", "call", (), ("Call outcome",)),
        _hs_activity(
            "Meetings", "Meeting", "meeting", ("Meeting start time",), ("Meeting outcome",)
        ),
        Variant(
            "Emails",
            {
                "activity_id": ("Record ID - Email", "Record ID"),
                "contact_id": _HS_CONTACT,
                "account_id": _HS_COMPANY,
                "type": (("Email direction", "hubspot_email_direction"),),
                "at": ("Email send date", "Activity date", "Create Date"),
                "owner": _HS_OWNER,
            },
            when=(("Record ID - Email", "Email direction"),),
            defaults={"type": "email"},
        ),
        Variant(
            "Activities",
            {
                "activity_id": ("Record ID - Activity", "Record ID", "Activity ID"),
                "contact_id": _HS_CONTACT,
                "account_id": _HS_COMPANY,
                "type": (
                    ("Activity type", "hubspot_rep_activity"),
                    ("Engagement type", "hubspot_rep_activity"),
                ),
                "at": ("Activity date", "Create Date"),
                "owner": _HS_OWNER,
                "outcome": ("Call outcome", "Meeting outcome"),
            },
        ),
    ),
}
