"""Column maps from CRM exports onto the data contract.

A preset says, for each kind, which input columns feed each contract field.
Presets are data: ``PRESETS[preset][kind]`` is a tuple of ``Variant``s (the
first whose ``when`` columns are all present is used), and each variant maps
a contract field to its candidate source columns, in order of preference.
A source is a header label, or ``(label, transform)`` where ``transform``
names one of the value transforms in ``TRANSFORMS``. When several candidate
columns are present, each row takes the first non-empty one.

Header labels are matched after folding: lower case, with every run of
spaces and punctuation read as one underscore, so ``Account ID``,
``account_id`` and `` ACCOUNT-ID `` are the same label. Every preset also
accepts the contract's own column names (and their aliases, e.g. ``website``
for ``domain``) for a field it found no source for. Columns that feed no field
are kept as extra attributes under their folded, snake_case name.

Salesforce activity exports (Task, Event) become engagements through a small
table of activity types; a logged ``Email`` task is an email *sent to* the
contact, not something the contact did, so it is rejected with that reason,
as are open (not completed) tasks. CampaignMember rows become engagements
from the member status. Rows a transform cannot map are rejected with the
transform's reason. The transforms of fields that need care (multi-select
roles, Salesforce's null id, stages, currencies, consent, HubSpot activities)
live in ``abmgraph.ingest.crm_values``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from abmgraph.errors import InputError
from abmgraph.graph.schema import Kind, field_specs
from abmgraph.graph.tables import column_dtypes
from abmgraph.graph.vocab import alias_key
from abmgraph.ingest.crm_values import (
    TYPE_KEYS,
    currency_code,
    hubspot_activity_type,
    hubspot_call_outcome,
    hubspot_consent,
    hubspot_lawful_basis,
    hubspot_marketing_contact,
    hubspot_meeting_outcome,
    is_missing,
    map_folded,
    no_errors,
    per_value,
    refusal,
    salesforce_null_ids,
    stage_closed,
    stage_won,
)
from abmgraph.ingest.readers import as_text, header_key

__all__ = [
    "PRESETS",
    "TRANSFORMS",
    "ColumnPlan",
    "Variant",
    "apply_plan",
    "plan_columns",
    "source_labels",
]

Source = str | tuple[str, str]
# A value transform: (text values, the input frame with folded column names)
# → (text values, reason per row where the value cannot be mapped, else NA).
Transform = Callable[[pd.Series, pd.DataFrame], tuple[pd.Series, pd.Series]]


@dataclass(frozen=True)
class Variant:
    """One way a kind can be exported: which columns identify it, and the column map."""

    name: str
    columns: dict[str, tuple[Source, ...]]
    # Groups of labels; the variant applies when each group has at least one present.
    when: tuple[tuple[str, ...], ...] = ()
    # Values a field takes where every source is empty or absent (a Salesforce Event is a meeting).
    defaults: dict[str, str] = field(default_factory=dict)


# -- value transforms ---------------------------------------------------------------


def first_of_list(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The first item of a ``;``-separated list (HubSpot associations, multi-selects)."""
    text = as_text(values).str.split(";").str[0].str.strip()
    return text.where(text != "").astype("str"), no_errors(values)


def salesforce_bounced(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``IsEmailBounced``: true → bounced, false → valid."""
    from abmgraph.ingest.scalars import parse_bool

    flags, invalid = parse_bool(values)
    out = flags.map({True: "bounced", False: "valid"}).astype("str")
    errors = no_errors(values)
    bad = invalid.to_numpy(dtype=bool)
    errors[bad] = "not true/false/yes/no/1/0: " + as_text(values[bad]).str.strip().map(repr)
    return out.where(~bad), errors


_SF_ACTIVITY = {
    "call": "meeting_held",
    "meeting": "meeting_held",
    "event": "meeting_held",
    "demo": "meeting_held",
    "webinar": "webinar_attended",
}
_SF_SENT = {"email", "listemail", "sendletter", "cadence", "massemail"}


def salesforce_activity_type(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Task/Event ``Type`` or ``TaskSubtype`` → engagement type.

    Call, Meeting, Event and Demo are conversations (``meeting_held``), Webinar
    is ``webinar_attended``; a value that already names an engagement type is
    kept. Email and list-email tasks are emails sent by a rep and are rejected;
    other values pass through and are rejected by validation as unknown types.
    A task whose ``Status`` is not Completed did not happen yet and is rejected.
    """
    table: dict[str, str | None] = {**TYPE_KEYS, **_SF_ACTIVITY}
    mapped, found, missing = map_folded(values, table)
    text = as_text(values).str.strip()
    out = mapped.where(found, text.where(~missing)).astype("str")
    errors = no_errors(values)
    sent = per_value(values, lambda v: alias_key(v) in _SF_SENT).fillna(False).astype(bool)
    errors[sent] = (
        "Salesforce activity type "
        + text[sent].map(repr)
        + " is an email sent to the contact, not an engagement by them; "
        "load email opens, clicks and replies from your marketing automation export"
    )
    if "status" in frame.columns:
        status = frame["status"].astype("str").str.strip()
        open_task = ~is_missing(status) & (status.str.lower() != "completed")
        open_task = open_task.astype(bool) & errors.isna()
        errors[open_task] = (
            "open task (Status " + status[open_task].map(repr) + "): "
            "only completed activities count as engagements"
        )
    return out, errors


_SF_MEMBER = {
    "attended": "attended",
    "responded": "attended",
    "registered": "webinar_registered",
    "noshow": "webinar_registered",
    "opened": "email_open",
    "clicked": "email_click",
    "downloaded": "content_download",
    "unsubscribed": "unsubscribe",
    "bounced": "email_bounce",
}
_SF_NOT_RESPONSE = {"sent", "planned", "invited", "received", "targeted", "notattended"}


def salesforce_member_status(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """CampaignMember ``Status`` → engagement type.

    Attended / Responded → ``webinar_attended`` when the campaign type says
    webinar, else ``event_attended``; Registered / No Show →
    ``webinar_registered``; Opened, Clicked, Downloaded map to the email and
    content types. Sent / Planned / Invited are not responses and are rejected.
    """
    table: dict[str, str | None] = {**TYPE_KEYS, **_SF_MEMBER}
    mapped, found, missing = map_folded(values, table)
    webinar = pd.Series(False, index=values.index)
    for column in ("campaign_type", "campaign_campaign_type", "campaign_type_name"):
        if column in frame.columns:
            webinar = frame[column].astype("str").str.lower().str.contains("webinar").fillna(False)
            break
    attended = (mapped == "attended").fillna(False).astype(bool)
    mapped = mapped.mask(attended & webinar.astype(bool), "webinar_attended")
    mapped = mapped.mask(attended & ~webinar.astype(bool), "event_attended")
    text = as_text(values).str.strip()
    out = mapped.where(found, text.where(~missing)).astype("str")
    errors = no_errors(values)
    not_response = per_value(values, lambda v: alias_key(v) in _SF_NOT_RESPONSE)
    not_response = not_response.fillna(False).astype(bool)
    errors[not_response] = (
        "campaign member status "
        + text[not_response].map(repr)
        + " is not a response by the contact; only responses are engagements"
    )
    return out, errors


def salesforce_account_type(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Account ``Type`` picklist → is_customer (any value mentioning customer)."""
    text = as_text(values).str.strip()
    missing = is_missing(text)
    out = text.str.lower().str.contains("customer").map({True: "true", False: "false"})
    return out.where(~missing).astype("str"), no_errors(values)


def department_text(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """A free-text department (Salesforce ``Department``) → canonical department.

    Known names and aliases map directly; otherwise the department title rules
    are tried on the text ("Global Marketing" → marketing); text that matches
    nothing becomes empty, so the department is inferred from the job title.
    """
    from abmgraph.ingest.titles import infer_department
    from abmgraph.ingest.vocabularies import canonical_department

    text = as_text(values).str.strip()
    canonical, invalid = canonical_department(text)
    canonical = canonical.astype("str")
    invalid = invalid.astype(bool)
    if invalid.any():
        canonical[invalid] = infer_department(text[invalid]).astype("str")
    return canonical.where(canonical.notna()).astype("str"), no_errors(values)


def hubspot_lifecycle_customer(
    values: pd.Series, frame: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """Lifecycle Stage → is_customer: customer or evangelist → true, else false."""
    customer = {"customer", "evangelist"}
    out = per_value(values, lambda v: "true" if alias_key(v) in customer else "false")
    return out.astype("str"), no_errors(values)


TRANSFORMS: dict[str, Transform] = {
    "first_of_list": first_of_list,
    "salesforce_bounced": salesforce_bounced,
    "salesforce_activity_type": salesforce_activity_type,
    "salesforce_member_status": salesforce_member_status,
    "salesforce_account_type": salesforce_account_type,
    "department_text": department_text,
    "stage_won": stage_won,
    "stage_closed": stage_closed,
    "currency_code": currency_code,
    "hubspot_lifecycle_customer": hubspot_lifecycle_customer,
    "hubspot_lawful_basis": hubspot_lawful_basis,
    "hubspot_consent": hubspot_consent,
    "hubspot_marketing_contact": hubspot_marketing_contact,
    "refusal": refusal,
    "hubspot_activity_type": hubspot_activity_type,
    "hubspot_meeting_outcome": hubspot_meeting_outcome,
    "hubspot_call_outcome": hubspot_call_outcome,
}


# -- the presets -------------------------------------------------------------------------
def _native() -> dict[Kind, tuple[Variant, ...]]:
    out: dict[Kind, tuple[Variant, ...]] = {}
    for kind in ("accounts", "contacts", "engagements", "intent", "opportunities"):
        specs = field_specs(kind)
        out[kind] = (Variant("native", {s.name: (s.name, *s.aliases) for s in specs}),)
    specs = field_specs("opportunity_contacts")
    out["opportunity_contacts"] = (
        Variant("native", {s.name: (s.name, *s.aliases) for s in specs}),
    )
    return out


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

PRESETS: dict[str, dict[Kind, tuple[Variant, ...]]] = {
    "native": _native(),
    "salesforce": SALESFORCE,
    "hubspot": HUBSPOT,
}


# -- planning and applying ------------------------------------------------------------------
@dataclass(frozen=True)
class ColumnPlan:
    """Which input columns feed which contract field, and which are kept as extras."""

    preset: str
    kind: Kind
    variant: str
    # field → [(input column, transform or None)], in order of preference.
    sources: dict[str, list[tuple[str, str | None]]]
    # input column → extra attribute name.
    extras: dict[str, str] = field(default_factory=dict)
    # field → value where every source is empty or absent.
    defaults: dict[str, str] = field(default_factory=dict)
    # Fields of the variant that are not contract fields: kept as attributes.
    attributes: tuple[str, ...] = ()

    def has(self, name: str) -> bool:
        return bool(self.sources.get(name)) or name in self.defaults


def _alternatives(source: Source) -> tuple[str, str | None]:
    return (source, None) if isinstance(source, str) else (source[0], source[1])


def plan_columns(preset: str, kind: Kind, columns: list[str]) -> ColumnPlan:
    """Match an input header against a preset's map for ``kind``."""
    if preset not in PRESETS:
        raise InputError(f"unknown preset {preset!r}; use one of: {', '.join(PRESETS)}.")
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(header_key(column), column)
    variants = PRESETS[preset].get(kind) or PRESETS["native"][kind]
    variant = next(
        (
            v
            for v in variants
            if all(any(header_key(label) in by_key for label in group) for group in v.when)
        ),
        variants[-1],
    )
    claimed: set[str] = set()
    sources: dict[str, list[tuple[str, str | None]]] = {}
    for target, alternatives in variant.columns.items():
        for alternative in alternatives:
            label, transform = _alternatives(alternative)
            column = by_key.get(header_key(label))
            # A preset may read one column for several fields (Deal Stage → stage, is_won).
            if column is not None and (column, transform) not in sources.get(target, []):
                claimed.add(column)
                sources.setdefault(target, []).append((column, transform))
    # The contract's own names are accepted in every preset, for fields not found above.
    for spec in field_specs(kind):
        if sources.get(spec.name):
            continue
        for label in (spec.name, *spec.aliases):
            column = by_key.get(header_key(label))
            if column is not None and column not in claimed:
                claimed.add(column)
                sources.setdefault(spec.name, []).append((column, None))
    contract = {s.name for s in field_specs(kind)}
    attributes = tuple(t for t in sources if t not in contract)
    reserved = set(column_dtypes(kind)) | contract | {"source_line"} | set(attributes)
    extras: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        if column in claimed:
            continue
        name = header_key(column) or "column"
        if name in reserved:
            name = f"input_{name}"
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name}_{n}"
        taken.add(candidate)
        extras[column] = candidate
    return ColumnPlan(
        preset, kind, variant.name, sources, extras, dict(variant.defaults), attributes
    )


def source_labels(preset: str, kind: Kind, name: str) -> list[str]:
    """The column names a preset accepts for a field (for error messages)."""
    labels: list[str] = []
    for variant in PRESETS.get(preset, {}).get(kind) or PRESETS["native"][kind]:
        for alternative in variant.columns.get(name, ()):
            label = _alternatives(alternative)[0]
            if label not in labels:
                labels.append(label)
    for spec in field_specs(kind):
        if spec.name == name:
            for label in (spec.name, *spec.aliases):
                if label not in labels:
                    labels.append(label)
    return labels


def apply_plan(
    plan: ColumnPlan, frame: pd.DataFrame
) -> tuple[dict[str, pd.Series], dict[str, pd.Series], pd.DataFrame]:
    """Map a raw chunk through the plan.

    Returns ``(fields, errors, extras)``: each mapped field's values (text, or
    the native column when it comes from one untransformed column), the
    transform errors per field (reason or NA), and the extra attribute columns
    as text.
    """
    folded: pd.DataFrame | None = None
    fields: dict[str, pd.Series] = {}
    errors: dict[str, pd.Series] = {}
    for target, sources in plan.sources.items():
        values: pd.Series | None = None
        error: pd.Series | None = None
        for column, transform in sources:
            if column not in frame.columns:
                continue
            if values is not None and not _is_empty(values).any():
                break  # every row has a value: later candidates would change nothing
            current = frame[column]
            if plan.preset == "salesforce" and header_key(column).endswith("id"):
                current = salesforce_null_ids(current)
            current_error = None
            if transform is not None:
                if folded is None:
                    folded = frame.set_axis([header_key(c) for c in frame.columns], axis=1)
                    folded = folded.loc[:, ~folded.columns.duplicated()]
                current, current_error = TRANSFORMS[transform](current, folded)
            if values is None:
                values, error = current, current_error
                continue
            if values.dtype != current.dtype:
                values, current = as_text(values), as_text(current)
            empty = _is_empty(values) & ~_is_empty(current)
            if empty.any():
                values = values.where(~empty, current)
                if current_error is not None or error is not None:
                    base = error if error is not None else no_errors(values)
                    other = current_error if current_error is not None else no_errors(values)
                    error = base.where(~empty, other)
        if values is not None:
            fields[target] = values
            if error is not None and error.notna().any():
                errors[target] = error
    for target, default in plan.defaults.items():
        values = fields.get(target)
        if values is None:
            fields[target] = pd.Series(default, index=frame.index, dtype="str")
        else:
            fields[target] = as_text(values).mask(_is_empty(values), default).astype("str")
    kept = {
        name: _clean_text(
            salesforce_null_ids(frame[column])
            if plan.preset == "salesforce" and header_key(column).endswith("id")
            else frame[column]
        )
        for column, name in plan.extras.items()
        if column in frame
    }
    for name in plan.attributes:
        if name in fields:
            kept[name] = _clean_text(fields.pop(name))
            errors.pop(name, None)
    extras = pd.DataFrame(kept, index=frame.index, copy=False)
    return fields, errors, extras


def _is_empty(values: pd.Series) -> pd.Series:
    if values.dtype == "str" or values.dtype == object:
        text = as_text(values)
        return (text.isna() | (text.str.strip() == "")).astype(bool)
    return values.isna().astype(bool)


def _clean_text(values: pd.Series) -> pd.Series:
    text = as_text(values).str.strip()
    return text.where(text != "").astype("str")
