"""Value transforms that presets name: CRM values mapped onto the contract's.

Each transform takes the text values of a column and the input frame (with
folded column names) and returns the mapped values and, per row, the reason
a value cannot be mapped (else NA); such rows are rejected with that reason.

Salesforce activity exports (Task, Event) become engagements through a small
table of activity types; a logged ``Email`` task is an email *sent to* the
contact, not something the contact did, so it is rejected with that reason,
as are open (not completed) tasks. CampaignMember rows become engagements
from the member status. The transforms of fields that need more care
(multi-select roles, Salesforce's null id, stages, currencies, consent,
HubSpot activities) live in ``abmgraph.ingest.crm_values``.
"""

from __future__ import annotations

import pandas as pd

from abmgraph.graph.vocab import alias_key
from abmgraph.ingest.crm_values import (
    TYPE_KEYS,
    currency_code,
    flag_as,
    hubspot_activity_type,
    hubspot_call_outcome,
    hubspot_consent,
    hubspot_lawful_basis,
    hubspot_marketing_contact,
    hubspot_meeting_outcome,
    is_missing,
    map_folded,
    map_refusing,
    no_errors,
    per_value,
    refusal,
    refuse_open_tasks,
    stage_closed,
    stage_won,
)
from abmgraph.ingest.readers import as_text
from abmgraph.ingest.sales_values import SALES_TRANSFORMS
from abmgraph.ingest.variants import Transform

__all__ = [
    "TRANSFORMS",
    "department_text",
    "first_of_list",
    "hubspot_lifecycle_customer",
    "salesforce_account_type",
    "salesforce_activity_type",
    "salesforce_bounced",
    "salesforce_member_status",
]


def first_of_list(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The first item of a ``;``-separated list (HubSpot associations, multi-selects)."""
    text = as_text(values).str.split(";").str[0].str.strip()
    return text.where(text != "").astype("str"), no_errors(values)


def salesforce_bounced(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``IsEmailBounced``: true → bounced, false → valid."""
    return flag_as(values, "bounced", "valid")


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
    out, errors = map_refusing(
        values,
        {**TYPE_KEYS, **_SF_ACTIVITY},
        _SF_SENT,
        " is an email sent to the contact, not an engagement by them; "
        "load email opens, clicks and replies from your marketing automation export",
        prefix="Salesforce activity type ",
    )
    refuse_open_tasks(frame, errors, "only completed activities count as engagements")
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
    **SALES_TRANSFORMS,
}
