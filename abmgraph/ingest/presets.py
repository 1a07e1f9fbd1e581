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
transform's reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from abmgraph.errors import InputError
from abmgraph.graph.schema import Kind, field_specs
from abmgraph.graph.tables import column_dtypes
from abmgraph.graph.vocab import ENGAGEMENT_TYPES, alias_key
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


# -- value transforms ---------------------------------------------------------------
def _missing(values: pd.Series) -> pd.Series:
    text = as_text(values)
    return text.isna() | (text.str.strip() == "")


def _no_errors(values: pd.Series) -> pd.Series:
    return pd.Series(pd.NA, index=values.index, dtype="str")


def _map_folded(
    values: pd.Series, table: dict[str, str | None]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Look folded values up in ``table``: (mapped text, found mask, missing mask)."""
    text = as_text(values)
    missing = _missing(text)
    uniques = pd.unique(text[~missing])
    lookup = {u: table.get(alias_key(u), "\0") for u in uniques}
    mapped = text.map(lookup)
    found = ~missing & (mapped != "\0")
    return mapped.where(found).astype("str"), found, missing


def _per_value(values: pd.Series, fn: Callable[[str], str | bool | None]) -> pd.Series:
    """``fn`` of each distinct trimmed non-empty value, mapped back onto the rows."""
    text = as_text(values).str.strip()
    text = text.where(text != "")
    table = {u: fn(u) for u in pd.unique(text.dropna())}
    return text.map(table)


def first_of_list(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The first item of a ``;``-separated list (HubSpot associations, multi-selects)."""
    text = as_text(values).str.split(";").str[0].str.strip()
    return text.where(text != "").astype("str"), _no_errors(values)


def salesforce_bounced(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``IsEmailBounced``: true → bounced, false → valid."""
    from abmgraph.ingest.normalize import parse_bool

    flags, invalid = parse_bool(values)
    out = flags.map({True: "bounced", False: "valid"}).astype("str")
    errors = _no_errors(values)
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
_TYPE_KEYS = {alias_key(t): t for t in ENGAGEMENT_TYPES}


def salesforce_activity_type(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Task/Event ``Type`` or ``TaskSubtype`` → engagement type.

    Call, Meeting, Event and Demo are conversations (``meeting_held``), Webinar
    is ``webinar_attended``; a value that already names an engagement type is
    kept. Email and list-email tasks are emails sent by a rep and are rejected;
    other values pass through and are rejected by validation as unknown types.
    A task whose ``Status`` is not Completed did not happen yet and is rejected.
    """
    table: dict[str, str | None] = {**_TYPE_KEYS, **_SF_ACTIVITY}
    mapped, found, missing = _map_folded(values, table)
    text = as_text(values).str.strip()
    out = mapped.where(found, text.where(~missing)).astype("str")
    errors = _no_errors(values)
    sent = _per_value(values, lambda v: alias_key(v) in _SF_SENT).fillna(False).astype(bool)
    errors[sent] = (
        "Salesforce activity type "
        + text[sent].map(repr)
        + " is an email sent to the contact, not an engagement by them; "
        "load email opens, clicks and replies from your marketing automation export"
    )
    if "status" in frame.columns:
        status = frame["status"].astype("str").str.strip()
        open_task = ~_missing(status) & (status.str.lower() != "completed")
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
    table: dict[str, str | None] = {**_TYPE_KEYS, **_SF_MEMBER}
    mapped, found, missing = _map_folded(values, table)
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
    errors = _no_errors(values)
    not_response = _per_value(values, lambda v: alias_key(v) in _SF_NOT_RESPONSE)
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
    missing = _missing(text)
    out = text.str.lower().str.contains("customer").map({True: "true", False: "false"})
    return out.where(~missing).astype("str"), _no_errors(values)


def department_text(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """A free-text department (Salesforce ``Department``) → canonical department.

    Known names and aliases map directly; otherwise the department title rules
    are tried on the text ("Global Marketing" → marketing); text that matches
    nothing becomes empty, so the department is inferred from the job title.
    """
    from abmgraph.ingest.normalize import canonical_department
    from abmgraph.ingest.titles import infer_department

    text = as_text(values).str.strip()
    canonical, invalid = canonical_department(text)
    canonical = canonical.astype("str")
    invalid = invalid.astype(bool)
    if invalid.any():
        canonical[invalid] = infer_department(text[invalid]).astype("str")
    return canonical.where(canonical.notna()).astype("str"), _no_errors(values)


_WON = {"closedwon", "won"}
_LOST = {"closedlost", "lost"}


def hubspot_stage_won(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Deal Stage → is_won: closed won → true, any other stage → false."""
    out = _per_value(values, lambda v: "true" if alias_key(v) in _WON else "false")
    return out.astype("str"), _no_errors(values)


def hubspot_stage_closed(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Deal Stage → is_closed: closed won or closed lost → true, else false."""
    out = _per_value(values, lambda v: "true" if alias_key(v) in _WON | _LOST else "false")
    return out.astype("str"), _no_errors(values)


def hubspot_lifecycle_customer(
    values: pd.Series, frame: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """Lifecycle Stage → is_customer: customer or evangelist → true, else false."""
    customer = {"customer", "evangelist"}
    out = _per_value(values, lambda v: "true" if alias_key(v) in customer else "false")
    return out.astype("str"), _no_errors(values)


def hubspot_marketing_status(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Marketing contact status → opted_out: a non-marketing contact cannot be marketed to."""
    out = _per_value(values, lambda v: "true" if alias_key(v).startswith("non") else "false")
    return out.astype("str"), _no_errors(values)


TRANSFORMS: dict[str, Transform] = {
    "first_of_list": first_of_list,
    "salesforce_bounced": salesforce_bounced,
    "salesforce_activity_type": salesforce_activity_type,
    "salesforce_member_status": salesforce_member_status,
    "salesforce_account_type": salesforce_account_type,
    "department_text": department_text,
    "hubspot_stage_won": hubspot_stage_won,
    "hubspot_stage_closed": hubspot_stage_closed,
    "hubspot_lifecycle_customer": hubspot_lifecycle_customer,
    "hubspot_marketing_status": hubspot_marketing_status,
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
                "is_closed": ("IsClosed", "Closed"),
                "is_won": ("IsWon", "Won"),
                "amount": ("Amount",),
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

HUBSPOT: dict[Kind, tuple[Variant, ...]] = {
    "accounts": (
        Variant(
            "Companies",
            {
                "account_id": ("Record ID", "Company ID"),
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
                "contact_id": ("Record ID", "Contact ID"),
                "account_id": (
                    ("Associated Company IDs (Primary)", "first_of_list"),
                    ("Primary Associated Company ID", "first_of_list"),
                    ("Associated Company IDs", "first_of_list"),
                    ("Associated Company ID", "first_of_list"),
                    ("Company ID", "first_of_list"),
                ),
                "email": ("Email",),
                "first_name": ("First Name",),
                "last_name": ("Last Name",),
                "title": ("Job Title",),
                "buying_role": ("Buying Role", "Buying Roles"),
                "phone": ("Phone Number", "Mobile Phone Number"),
                "country": ("Country/Region", "Country"),
                "opted_out": (
                    "Unsubscribed from all email",
                    ("Marketing contact status", "hubspot_marketing_status"),
                ),
            },
        ),
    ),
    "opportunities": (
        Variant(
            "Deals",
            {
                "opportunity_id": ("Record ID", "Deal ID"),
                "account_id": (
                    ("Associated Company IDs (Primary)", "first_of_list"),
                    ("Associated Company IDs", "first_of_list"),
                    ("Associated Company ID", "first_of_list"),
                ),
                "stage": ("Deal Stage",),
                "is_won": ("Is Closed Won", ("Deal Stage", "hubspot_stage_won")),
                "is_closed": (
                    "Is Deal Closed?",
                    "Is Closed",
                    ("Deal Stage", "hubspot_stage_closed"),
                ),
                "amount": ("Amount",),
                "created_at": ("Create Date",),
                "closed_at": ("Close Date",),
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

    def has(self, name: str) -> bool:
        return bool(self.sources.get(name))


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
    reserved = set(column_dtypes(kind)) | {s.name for s in field_specs(kind)} | {"source_line"}
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
    return ColumnPlan(preset, kind, variant.name, sources, extras)


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
            current = frame[column]
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
                    base = error if error is not None else _no_errors(values)
                    other = current_error if current_error is not None else _no_errors(values)
                    error = base.where(~empty, other)
        if values is not None:
            fields[target] = values
            if error is not None and error.notna().any():
                errors[target] = error
    extras = pd.DataFrame(
        {
            name: _clean_text(frame[column])
            for column, name in plan.extras.items()
            if column in frame
        },
        index=frame.index,
        copy=False,
    )
    return fields, errors, extras


def _is_empty(values: pd.Series) -> pd.Series:
    if values.dtype == "str" or values.dtype == object:
        text = as_text(values)
        return (text.isna() | (text.str.strip() == "")).astype(bool)
    return values.isna().astype(bool)


def _clean_text(values: pd.Series) -> pd.Series:
    text = as_text(values).str.strip()
    return text.where(text != "").astype("str")
