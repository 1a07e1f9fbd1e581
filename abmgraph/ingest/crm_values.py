"""Value transforms for CRM fields, and the helpers every preset transform uses.

A transform takes a column's text values and the input frame (folded column
names) and returns ``(values, errors)``: the mapped text, and per row the
reason the value cannot be mapped (else NA). ``abmgraph.ingest.presets``
names them in its column maps. This module holds the CRM fields whose meaning
needs care: multi-select buying roles, Salesforce's null id, closed and won
stages, currencies, consent and lawful basis, and HubSpot activities.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.graph.vocab import ENGAGEMENT_TYPES, alias_key
from abmgraph.ingest.readers import as_text

__all__ = [
    "TYPE_KEYS",
    "currency_code",
    "flag_as",
    "hubspot_activity_type",
    "hubspot_call_outcome",
    "hubspot_consent",
    "hubspot_lawful_basis",
    "hubspot_marketing_contact",
    "hubspot_meeting_outcome",
    "is_missing",
    "map_folded",
    "map_refusing",
    "no_errors",
    "per_value",
    "refusal",
    "refuse_open_tasks",
    "salesforce_null_ids",
    "stage_closed",
    "stage_won",
]

# Engagement types by folded name: ``Page View`` → ``page_view``.
TYPE_KEYS = {alias_key(t): t for t in ENGAGEMENT_TYPES}


# -- helpers -----------------------------------------------------------------------------------
def is_missing(values: pd.Series) -> pd.Series:
    """True where a value is missing or blank."""
    text = as_text(values)
    return text.isna() | (text.str.strip() == "")


def no_errors(values: pd.Series) -> pd.Series:
    """No reason for any row: every value could be mapped."""
    return pd.Series(pd.NA, index=values.index, dtype="str")


def map_folded(
    values: pd.Series, table: dict[str, str | None]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Look folded values up in ``table``: (mapped text, found mask, missing mask)."""
    text = as_text(values)
    missing = is_missing(text)
    mapped = _by_distinct(text, lambda u: table.get(alias_key(u), "\0"))
    found = ~missing & (mapped != "\0").fillna(False)
    return mapped.where(found).astype("str"), found, missing


def per_value(values: pd.Series, fn: Callable[[str], str | bool | None]) -> pd.Series:
    """``fn`` of each distinct trimmed non-empty value, mapped back onto the rows."""
    text = as_text(values).str.strip()
    return _by_distinct(text.where(text != ""), fn)


def _by_distinct(text: pd.Series, fn: Callable[[str], object]) -> pd.Series:
    """``fn`` once per distinct non-missing value, spread back by position (missing → NA)."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    results = pd.Series([fn(u) for u in uniques] + [None], dtype=object)
    out = results.take(np.where(codes < 0, len(uniques), codes))
    return pd.Series(out.to_numpy(), index=text.index)


# -- ids ------------------------------------------------------------------------------
# Salesforce writes an empty lookup as the null id: 15 zeros, or 18 with the checksum "AAA".
_SF_NULL_ID = r"0{15}(?:AAA)?"


def salesforce_null_ids(values: pd.Series) -> pd.Series:
    """Ids and lookups with Salesforce's null id (``000000000000000AAA``) made empty."""
    text = as_text(values)
    # A cheap prefix test first: real ids never start with fifteen zeros.
    array = pa.array(text.array)
    candidates = pc.starts_with(pc.utf8_ltrim_whitespace(array), "0" * 15)
    if not pc.any(candidates).as_py():
        return values
    null = text.str.strip().str.fullmatch(_SF_NULL_ID).fillna(False).astype(bool)
    return text.where(~null) if null.any() else values


# -- deals, money, consent ------------------------------------------------------------------------
_WON = {"closedwon", "won"}
_LOST = {"closedlost", "lost"}


def _is_won(stage: str) -> bool:
    return alias_key(stage) in _WON


def _is_closed(stage: str) -> bool:
    key = alias_key(stage)
    return key in _WON | _LOST or key.startswith("closed")


def stage_won(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Stage → is_won: ``closedwon`` / ``Closed Won`` → true, any other stage → false."""
    out = per_value(values, lambda v: "true" if _is_won(v) else "false")
    return out.astype("str"), no_errors(values)


def stage_closed(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Stage → is_closed: won, lost, or any stage named ``Closed …`` → true, else false."""
    out = per_value(values, lambda v: "true" if _is_closed(v) else "false")
    return out.astype("str"), no_errors(values)


def currency_code(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """A currency column (``CurrencyIsoCode``, HubSpot ``Currency``) → upper-case ISO 4217 code."""
    text = as_text(values).str.strip().str.upper()
    ok = text.str.fullmatch(r"[A-Z]{3}").fillna(False).astype(bool)
    errors = no_errors(values)
    bad = ~ok & ~is_missing(text)
    errors[bad] = "not an ISO 4217 currency code: " + text[bad].map(repr)
    return text.where(ok).astype("str"), errors


_LAWFUL_BASES = {
    "freelygivenconsentfromcontact": "consent",
    "consentwithnotice": "consent",
    "consent": "consent",
    "legitimateinterestprospectlead": "legitimate_interest",
    "legitimateinterestprospect": "legitimate_interest",
    "legitimateinterestexistingcustomer": "legitimate_interest",
    "legitimateinterestclient": "legitimate_interest",
    "legitimateinterestother": "legitimate_interest",
    "legitimateinterest": "legitimate_interest",
    "performanceofacontract": "contract",
    "performanceofcontract": "contract",
    "processandstore": "process_and_store",
    "notapplicable": "not_applicable",
    "nongdpr": "not_applicable",
}


def _lawful_basis(value: str) -> str | None:
    bases = {_LAWFUL_BASES.get(alias_key(v)) for v in value.split(";") if v.strip()}
    bases.discard(None)
    if "consent" in bases:
        return "consent"
    return ";".join(sorted(b for b in bases if b)) or None


def hubspot_lawful_basis(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """HubSpot's legal basis for processing → ``lawful_basis``.

    ``consent``, ``legitimate_interest``, ``contract``, ``process_and_store``
    or ``not_applicable``; text HubSpot does not use becomes empty.
    """
    return per_value(values, _lawful_basis).astype("str"), no_errors(values)


def hubspot_consent(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """HubSpot's legal basis → ``consent``: given only for "Freely given consent from contact".

    Any other basis (legitimate interest, contract, not applicable) says
    nothing about consent, so consent stays unknown (empty).
    """
    out = per_value(values, lambda v: "true" if _lawful_basis(v) == "consent" else None)
    return out.astype("str"), no_errors(values)


def hubspot_marketing_contact(
    values: pd.Series, frame: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """Marketing contact status → ``marketing_contact`` (HubSpot's billing flag, not an opt-out).

    "Marketing contact" (or ``true``) → true; "Non-marketing contact", a
    status set to become non-marketing (or ``false``) → false.
    """

    def status(value: str) -> str | None:
        key = alias_key(value)
        if key.startswith("non") or "nonmarketing" in key or key == "false":
            return "false"
        return "true" if key.startswith("marketing") or key == "true" else None

    return per_value(values, status).astype("str"), no_errors(values)


def flag_as(
    values: pd.Series, when_true: str | None, when_false: str | None
) -> tuple[pd.Series, pd.Series]:
    """A true/false column read as text: ``when_true`` / ``when_false``, errors named."""
    from abmgraph.ingest.scalars import parse_bool

    flags, invalid = parse_bool(values)
    out = flags.map({True: when_true, False: when_false}).astype("str")
    errors = no_errors(values)
    bad = invalid.to_numpy(dtype=bool)
    errors[bad] = "not true/false/yes/no/1/0: " + as_text(values[bad]).str.strip().map(repr)
    return out.where(~bad), errors


def refusal(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """An opt-out flag read as consent: opted out (true) → consent refused (``false``);
    not opted out (false) → empty, since not refusing is not consenting."""
    return flag_as(values, "false", None)


# -- HubSpot activities ---------------------------------------------------------------------------
_HS_ACTIVITY = {
    "meeting": "meeting_held",
    "call": "meeting_held",
    "incomingemail": "email_reply",
    "formsubmission": "form_submit",
}
_HS_NOT_BY_CONTACT = {"email", "note", "task", "forwardedemail", "linkedinmessage", "sms"}
_HS_NOT_HELD = {"noshow", "canceled", "cancelled"}
_HS_NOT_REACHED = {"noanswer", "busy", "leftvoicemail", "leftlivemessage", "wrongnumber"}


def map_refusing(
    values: pd.Series,
    table: dict[str, str | None],
    refused: set[str],
    reason: str,
    prefix: str = "",
) -> tuple[pd.Series, pd.Series]:
    """Map folded values through ``table`` (others pass as written); ``refused`` keys are rejected.

    A refused value's error reads ``prefix``, the value quoted, then ``reason``.
    """
    mapped, found, missing = map_folded(values, table)
    text = as_text(values).str.strip()
    out = mapped.where(found, text.where(~missing)).astype("str")
    errors = no_errors(values)
    bad = per_value(values, lambda v: alias_key(v) in refused).fillna(False).astype(bool)
    errors[bad] = prefix + text[bad].map(repr) + reason
    return out, errors


def refuse_open_tasks(frame: pd.DataFrame, errors: pd.Series, rule: str) -> None:
    """Reject, in ``errors``, tasks whose ``Status`` is given and not Completed: not done yet.

    The error names the status, then ``rule`` (what only completed tasks are).
    """
    if "status" not in frame.columns:
        return
    status = as_text(frame["status"]).str.strip()
    open_task = (~is_missing(status) & (status.str.lower() != "completed")).astype(bool)
    open_task &= errors.isna()
    errors[open_task] = "open task (Status " + status[open_task].map(repr) + "): " + rule


def hubspot_activity_type(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """HubSpot activity type → engagement type: Meeting and Call → ``meeting_held``,
    Incoming email → ``email_reply``; a sent Email, Note or Task is the rep's, and is rejected."""
    return map_refusing(
        values,
        {**TYPE_KEYS, **_HS_ACTIVITY},
        _HS_NOT_BY_CONTACT,
        " is logged by the rep, not an engagement by the contact",
    )


def _conversation(values: pd.Series, refused: set[str], reason: str) -> tuple[pd.Series, pd.Series]:
    """Any outcome → ``meeting_held``, except ``refused`` ones, which are rejected with ``reason``."""
    text = as_text(values).str.strip()
    errors = no_errors(values)
    bad = per_value(values, lambda v: alias_key(v) in refused).fillna(False).astype(bool)
    errors[bad] = text[bad].map(repr) + reason
    out = pd.Series("meeting_held", index=values.index, dtype="str")
    return out.where(~is_missing(text)).astype("str"), errors


def hubspot_meeting_outcome(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Meeting outcome → ``meeting_held`` (Completed, Scheduled, or an outcome of the
    account's own); No show and Canceled did not take place and are rejected."""
    return _conversation(values, _HS_NOT_HELD, ": the meeting did not take place")


def hubspot_call_outcome(values: pd.Series, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Call outcome → ``meeting_held`` (Connected, or an outcome of the account's own);
    No answer, Busy, voicemail and Wrong number did not reach the contact and are rejected."""
    return _conversation(values, _HS_NOT_REACHED, ": the call did not reach the contact")
