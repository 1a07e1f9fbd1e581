"""The Salesforce preset: how each kind reads from Salesforce object exports."""

from __future__ import annotations

from abmgraph.graph.schema import Kind
from abmgraph.ingest.variants import Variant

__all__ = ["SALESFORCE"]

# A record's owner: the name report exports and SOQL relationship columns carry
# (``Owner.Name``), else the ``OwnerId`` user id Data Loader exports carry. A
# contact report's "Account Owner" is the account's, so contacts do not read it.
_ID_OWNER = ("OwnerId", "Owner ID")
_ACCOUNT_OWNER = ("Owner.Name", "Owner Name", "Account Owner", *_ID_OWNER)
_CONTACT_OWNER = ("Owner.Name", "Owner Name", "Contact Owner", "Lead Owner", *_ID_OWNER)

SALESFORCE: dict[Kind, tuple[Variant, ...]] = {
    "accounts": (
        Variant(
            "Account",
            {
                "account_id": ("Id", "Account ID", "Account Id"),
                "name": ("Name", "Account Name"),
                "parent_account_id": ("ParentId", "Parent Account ID", "Parent ID"),
                "domain": ("Website", "Domain"),
                "industry": ("Industry",),
                "employees": ("NumberOfEmployees", "Employees", "Number of Employees"),
                "annual_revenue": ("AnnualRevenue", "Annual Revenue"),
                "country": (
                    "BillingCountryCode",
                    "Billing Country Code",
                    "BillingCountry",
                    "Billing Country",
                    "ShippingCountryCode",
                    "ShippingCountry",
                    "Shipping Country",
                ),
                "is_customer": (
                    ("Type", "salesforce_account_type"),
                    ("Account Type", "salesforce_account_type"),
                ),
                "owner": _ACCOUNT_OWNER,
            },
        ),
    ),
    "contacts": (
        Variant(
            "Contact",
            {
                "contact_id": ("Id", "Contact ID", "Contact Id", "Lead ID"),
                "account_id": ("AccountId", "Account ID", "Account Id"),
                "first_name": ("FirstName", "First Name"),
                "last_name": ("LastName", "Last Name"),
                "email": ("Email",),
                "title": ("Title",),
                "department": (("Department", "department_text"),),
                "manager_id": ("ReportsToId", "Reports To ID", "Reports To Id"),
                "opted_out": ("HasOptedOutOfEmail", "Email Opt Out"),
                "consent": (
                    ("Individual.HasOptedOutSolicit", "refusal"),
                    ("Individual.HasOptedOutProcessing", "refusal"),
                    ("HasOptedOutSolicit", "refusal"),
                    ("HasOptedOutProcessing", "refusal"),
                ),
                "email_status": (
                    ("IsEmailBounced", "salesforce_bounced"),
                    ("Email Bounced", "salesforce_bounced"),
                    ("Is Email Bounced", "salesforce_bounced"),
                ),
                "country": (
                    "MailingCountryCode",
                    "Mailing Country Code",
                    "MailingCountry",
                    "Mailing Country",
                ),
                "phone": ("Phone", "MobilePhone", "Mobile Phone", "Mobile"),
                "owner": _CONTACT_OWNER,
            },
        ),
    ),
    "opportunities": (
        Variant(
            "Opportunity",
            {
                "opportunity_id": ("Id", "Opportunity ID", "Opportunity Id"),
                "account_id": ("AccountId", "Account ID", "Account Id"),
                "stage": ("StageName", "Stage"),
                "is_closed": (
                    "IsClosed",
                    "Closed",
                    ("StageName", "stage_closed"),
                    ("Stage", "stage_closed"),
                ),
                "is_won": ("IsWon", "Won", ("StageName", "stage_won"), ("Stage", "stage_won")),
                "amount": ("Amount",),
                "currency": (
                    ("CurrencyIsoCode", "currency_code"),
                    ("Opportunity Currency", "currency_code"),
                    ("Currency", "currency_code"),
                ),
                "closed_at": ("CloseDate", "Close Date"),
                "created_at": ("CreatedDate", "Created Date"),
            },
        ),
    ),
    "opportunity_contacts": (
        Variant(
            "OpportunityContactRole",
            {
                "opportunity_id": ("OpportunityId", "Opportunity ID", "Opportunity Id"),
                "contact_id": ("ContactId", "Contact ID", "Contact Id"),
                "role": ("Role", "Contact Role"),
                "is_primary": ("IsPrimary", "Primary", "Is Primary"),
            },
        ),
    ),
    "engagements": (
        Variant(
            "CampaignMember",
            {
                "contact_id": ("ContactId", "Contact ID", "Contact Id"),
                "email": ("Email",),
                "type": (
                    ("Status", "salesforce_member_status"),
                    ("Member Status", "salesforce_member_status"),
                ),
                "occurred_at": (
                    "FirstRespondedDate",
                    "First Responded Date",
                    "Member First Responded Date",
                    "CreatedDate",
                    "Created Date",
                ),
                "campaign": ("CampaignId", "Campaign ID", "Campaign Id", "Campaign Name"),
            },
            when=(("CampaignId", "Campaign ID", "Campaign Id"), ("Status", "Member Status")),
        ),
        Variant(
            "Event",
            {
                "event_id": ("Id", "Activity ID", "Activity Id", "Task ID", "Event ID"),
                "contact_id": ("WhoId", "Who ID", "Contact ID", "Name ID"),
                "email": ("Email",),
                "type": (
                    ("Type", "salesforce_activity_type"),
                    ("EventSubtype", "salesforce_activity_type"),
                    ("Event Subtype", "salesforce_activity_type"),
                    ("Activity Type", "salesforce_activity_type"),
                ),
                "occurred_at": (
                    "StartDateTime",
                    "Start Date Time",
                    "ActivityDateTime",
                    "CompletedDateTime",
                    "ActivityDate",
                    "Date",
                    "Due Date",
                    "Activity Date",
                    "Start",
                ),
            },
            when=(
                (
                    "StartDateTime",
                    "Start Date Time",
                    "EndDateTime",
                    "End Date Time",
                    "DurationInMinutes",
                    "Duration",
                    "IsAllDayEvent",
                    "All-Day Event",
                    "EventSubtype",
                    "Event Subtype",
                ),
            ),
            defaults={"type": "meeting_held"},
        ),
        Variant(
            "Task/Event",
            {
                "event_id": ("Id", "Activity ID", "Activity Id", "Task ID", "Event ID"),
                "contact_id": ("WhoId", "Who ID", "Contact ID", "Name ID"),
                "email": ("Email",),
                "type": (
                    ("Type", "salesforce_activity_type"),
                    ("TaskSubtype", "salesforce_activity_type"),
                    ("Task Subtype", "salesforce_activity_type"),
                    ("EventSubtype", "salesforce_activity_type"),
                    ("Event Subtype", "salesforce_activity_type"),
                    ("Activity Type", "salesforce_activity_type"),
                ),
                "occurred_at": (
                    "ActivityDateTime",
                    "CompletedDateTime",
                    "StartDateTime",
                    "ActivityDate",
                    "Date",
                    "Due Date",
                    "Activity Date",
                    "Start",
                ),
            },
        ),
    ),
}
