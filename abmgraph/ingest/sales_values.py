"""Value transforms for the sales side: CRM lead statuses as verdicts, reps' activity types.

A lead status says what sales did with a handed-over lead. Salesforce's
default Lead ``Status`` picklist (Open - Not Contacted, Working - Contacted,
Closed - Converted, Closed - Not Converted) and the common custom values
(Qualified, Unqualified, Nurturing …), HubSpot's ``Lead Status``
(``NEW``, ``OPEN``, ``IN_PROGRESS``, ``OPEN_DEAL``, ``UNQUALIFIED``,
``ATTEMPTED_TO_CONTACT``, ``CONNECTED``, ``BAD_TIMING``, by value or label) and
the ``Lead stage`` of HubSpot's lead records are read as:

- accepted: sales is working the lead or converted it (working, contacted,
  attempted to contact, connected, in progress, open deal, qualified, converted);
- rejected: not a lead sales wants (unqualified, disqualified, closed - not converted);
- recycled: not now, back to marketing (nurturing, bad timing, recycled);
- not a verdict yet (new, open, not contacted): the row is rejected with that reason.

Reps' activities read as ``call``, ``email`` or ``meeting``; an email *from*
the contact (HubSpot's incoming email) is the buyer's engagement, not a rep's
touch, and an open Salesforce task has not happened: both are rejected.
"""

from __future__ import annotations

import pandas as pd

from abmgraph.graph.sales_vocab import ACTIVITY_ALIASES, ACTIVITY_TYPES, VERDICT_ALIASES, VERDICTS
from abmgraph.graph.vocab import alias_key
from abmgraph.ingest.crm_values import is_missing, map_refusing, refuse_open_tasks
from abmgraph.ingest.variants import Transform

__all__ = [
    "SALES_TRANSFORMS",
    "SALES_TRANSFORM_NOTES",
    "hubspot_email_direction",
    "hubspot_lead_status",
    "hubspot_rep_activity",
    "salesforce_lead_status",
    "salesforce_rep_activity",
]

_VERDICT_KEYS: dict[str, str | None] = {
    **{alias_key(v): v for v in VERDICTS},
    **VERDICT_ALIASES,
}
_SF_STATUS: dict[str, str | None] = {
    **_VERDICT_KEYS,
    "workingcontacted": "accepted",
    "contacted": "accepted",
    "closedconverted": "accepted",
    "closednotconverted": "rejected",
}
_HS_STATUS: dict[str, str | None] = {
    **_VERDICT_KEYS,
    "inprogress": "accepted",
    "opendeal": "accepted",
    "connected": "accepted",
    "attemptedtocontact": "accepted",
    "attempting": "accepted",
}
# Statuses of a lead sales has not judged yet.
_NOT_YET = {"new", "open", "opennotcontacted", "notcontacted", "unassigned"}


def _verdicts(values: pd.Series, table: dict[str, str | None]) -> tuple[pd.Series, pd.Series]:
    """Statuses through ``table``; unknown ones pass as written (validation names them)."""
    return map_refusing(
        values,
        table,
        _NOT_YET,
        " is not a verdict yet: sales has not accepted, rejected or recycled the lead",
        prefix="lead status ",
    )


def salesforce_lead_status(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Salesforce Lead ``Status`` → verdict (see the module docstring)."""
    return _verdicts(values, _SF_STATUS)


def hubspot_lead_status(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """HubSpot ``Lead Status`` or ``Lead stage`` → verdict (see the module docstring)."""
    return _verdicts(values, _HS_STATUS)


_ACTIVITY_KEYS: dict[str, str | None] = {
    **{alias_key(t): t for t in ACTIVITY_TYPES},
    **ACTIVITY_ALIASES,
}
_INCOMING = {"incomingemail", "emailreceived", "inboundemail", "reply"}


def _activity(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Activity types through the vocabulary; an email from the contact is rejected."""
    return map_refusing(
        values,
        _ACTIVITY_KEYS,
        _INCOMING,
        " is an email from the contact, not a rep's touch; load it as an engagement (email_reply)",
    )


def salesforce_rep_activity(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Task/Event ``Type`` or ``TaskSubtype`` → call, email or meeting.

    Call → call; Email, List Email → email; Meeting, Event, Demo → meeting.
    A task whose ``Status`` is not Completed has not happened and is rejected.
    """
    out, errors = _activity(values)
    refuse_open_tasks(frame, errors, "only completed activities are touches")
    return out, errors


def hubspot_rep_activity(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """HubSpot ``Activity type`` → call, email or meeting; an incoming email is rejected."""
    return _activity(values)


def hubspot_email_direction(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """HubSpot ``Email direction``: sent or forwarded → email; incoming email rejected."""
    out, errors = _activity(values)
    sent = ~is_missing(values) & errors.isna()
    return out.mask(sent.astype(bool), "email").astype("str"), errors


SALES_TRANSFORMS: dict[str, Transform] = {
    "salesforce_lead_status": salesforce_lead_status,
    "hubspot_lead_status": hubspot_lead_status,
    "salesforce_rep_activity": salesforce_rep_activity,
    "hubspot_rep_activity": hubspot_rep_activity,
    "hubspot_email_direction": hubspot_email_direction,
}

SALES_TRANSFORM_NOTES: dict[str, str] = {
    "salesforce_lead_status": "Working - Contacted, Qualified, Closed - Converted → "
    "`accepted`; Unqualified, Closed - Not Converted → `rejected`; Nurturing → `recycled`; "
    "Open - Not Contacted rejected (no verdict yet)",
    "hubspot_lead_status": "IN_PROGRESS, OPEN_DEAL, CONNECTED, ATTEMPTED_TO_CONTACT → "
    "`accepted`; UNQUALIFIED → `rejected`; BAD_TIMING → `recycled`; NEW, OPEN rejected "
    "(no verdict yet)",
    "salesforce_rep_activity": "Call → `call`; Email, List Email → `email`; Meeting, Event, "
    "Demo → `meeting`; open tasks rejected",
    "hubspot_rep_activity": "Call → `call`; Email → `email`; Meeting → `meeting`; "
    "Incoming email rejected",
    "hubspot_email_direction": "sent or forwarded → `email`; Incoming email rejected",
}
