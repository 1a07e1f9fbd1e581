"""The data contract as pydantic models, and the column layout every store keeps.

The models are the single source of truth for field names, types and which
fields are required. Ingest validates whole columns at once (a row-by-row
pydantic pass would be far too slow for millions of events) but takes the
field list, the required set and each field's parser from here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "KINDS",
    "MODELS",
    "Account",
    "Contact",
    "Engagement",
    "Feedback",
    "FieldSpec",
    "Intent",
    "Kind",
    "Opportunity",
    "OpportunityContact",
    "SalesActivity",
    "field_specs",
]

Kind = Literal[
    "accounts",
    "contacts",
    "engagements",
    "intent",
    "opportunities",
    "opportunity_contacts",
    "feedback",
    "sales_activities",
]
# Parents before children: the order a whole graph is loaded in.
KINDS: tuple[Kind, ...] = get_args(Kind)

# How a column is parsed and normalised; ingest maps each to a vectorised parser.
Parser = Literal[
    "id",
    "text",
    "int",
    "number",
    "bool",
    "datetime",
    "email",
    "domain",
    "country",
    "list",
    "seniority",
    "department",
    "buying_role",
    "buying_roles",
    "engagement_type",
    "email_status",
    "phone",
    "score",
    "verdict",
    "activity_type",
]


def _f(parser: Parser, description: str, *, aliases: tuple[str, ...] = ()) -> object:
    return Field(
        default=None,
        description=description,
        json_schema_extra={"parser": parser, "aliases": list(aliases)},
    )


class _Record(BaseModel):
    # Unknown columns are kept as attributes, never an error.
    model_config = ConfigDict(extra="allow")


class Account(_Record):
    """A company in the target list, a customer, or both."""

    account_id: str = Field(description="Unique id.", json_schema_extra={"parser": "id"})
    name: str = Field(description="Company name.", json_schema_extra={"parser": "text"})
    domain: str | None = _f("domain", "Registrable web domain.", aliases=("website",))
    industry: str | None = _f("text", "Industry label.")
    employees: int | None = _f("int", "Employee count.")
    annual_revenue: float | None = _f("number", "Annual revenue.")
    country: str | None = _f("country", "ISO-3166 alpha-2 country.")
    technologies: str | None = _f("list", "Technologies in use, `;`-separated.")
    parent_account_id: str | None = _f("id", "Parent account (SUBSIDIARY_OF).")
    is_customer: bool | None = _f("bool", "Already a customer.")
    is_target: bool | None = _f("bool", "On the target account list.")
    owner: str | None = _f(
        "text", "Account owner (a rep's name or CRM user id): who its alerts go to."
    )


class Contact(_Record):
    """A person at an account (or a lead not yet matched to one)."""

    contact_id: str = Field(description="Unique id.", json_schema_extra={"parser": "id"})
    account_id: str | None = _f("id", "Current employer; matched by email domain when empty.")
    email: str | None = _f("email", "Email address.")
    first_name: str | None = _f("text", "First name.")
    last_name: str | None = _f("text", "Last name.")
    title: str | None = _f("text", "Job title.")
    department: str | None = _f("department", "Department; inferred from the title when empty.")
    seniority: str | None = _f("seniority", "Seniority; inferred from the title when empty.")
    buying_role: str | None = _f(
        "buying_roles", "Explicit buying roles, `;`-separated (a multi-select keeps every one)."
    )
    manager_id: str | None = _f("id", "The contact_id this person reports to.")
    email_status: str | None = _f(
        "email_status", "valid, bounced, unknown or invalid (set when the email is not an address)."
    )
    opted_out: bool | None = _f("bool", "Opted out of marketing email.")
    consent: bool | None = _f("bool", "Gave marketing consent.")
    phone: str | None = _f("phone", "Phone number (stored as E.164 when it parses).")
    country: str | None = _f("country", "ISO-3166 alpha-2 country.")
    previous_account_ids: str | None = _f("list", "Past employers, `;`-separated account ids.")
    started_at: datetime | None = _f(
        "datetime", "When the contact started at the current account (a job change date)."
    )
    owner: str | None = _f(
        "text", "Contact owner: who its alerts go to (else the account's owner)."
    )


class Engagement(_Record):
    """One event performed by a contact."""

    event_id: str | None = _f("id", "Unique id; derived from the other fields when empty.")
    contact_id: str | None = _f("id", "Who did it (or give `email`).")
    email: str | None = _f("email", "Resolved to a contact when contact_id is empty.")
    type: str = Field(
        description="Engagement type.", json_schema_extra={"parser": "engagement_type"}
    )
    occurred_at: datetime = Field(
        description="When it happened (ISO-8601).", json_schema_extra={"parser": "datetime"}
    )
    asset: str | None = _f("text", "Asset (page, document, webinar).")
    campaign: str | None = _f("text", "Campaign.")
    channel: str | None = _f("text", "Channel.")


class Intent(_Record):
    """A third-party intent observation for an account and topic."""

    account_id: str | None = _f("id", "The account (or give `domain`).")
    domain: str | None = _f("domain", "Resolved to an account when account_id is empty.")
    topic: str = Field(description="Intent topic.", json_schema_extra={"parser": "text"})
    score: float = Field(description="0–100.", json_schema_extra={"parser": "score"})
    observed_at: datetime = Field(
        description="When it was observed.", json_schema_extra={"parser": "datetime"}
    )


class Opportunity(_Record):
    """A deal at an account."""

    opportunity_id: str = Field(description="Unique id.", json_schema_extra={"parser": "id"})
    account_id: str = Field(description="The account.", json_schema_extra={"parser": "id"})
    stage: str | None = _f("text", "CRM stage name.")
    is_closed: bool | None = _f("bool", "Closed (won or lost).")
    is_won: bool | None = _f("bool", "Closed won.")
    amount: float | None = _f("number", "Amount.")
    currency: str | None = _f("text", "ISO 4217 currency code of the amount (e.g. USD, EUR).")
    created_at: datetime | None = _f("datetime", "Created.")
    closed_at: datetime | None = _f("datetime", "Closed.")


class OpportunityContact(_Record):
    """A contact's role on an opportunity."""

    opportunity_id: str = Field(description="The opportunity.", json_schema_extra={"parser": "id"})
    contact_id: str = Field(description="The contact.", json_schema_extra={"parser": "id"})
    role: str | None = _f("buying_role", "Contact role on the deal.")
    is_primary: bool | None = _f("bool", "Primary contact.")


class Feedback(_Record):
    """Sales' verdict on a handed-over lead (a contact) or account."""

    contact_id: str | None = _f("id", "The handed-over contact (or give account_id alone).")
    account_id: str | None = _f("id", "The account; taken from the contact when empty.")
    verdict: str = Field(
        description="accepted, rejected or recycled (back to marketing).",
        json_schema_extra={"parser": "verdict"},
    )
    # A rejects file keeps this column as input_reason (its own `reason` says why the row failed).
    reason: str | None = _f(
        "text", "Why, in the rep's or the CRM's words.", aliases=("input_reason",)
    )
    by: str | None = _f("text", "Who gave the verdict.")
    at: datetime = Field(
        description="When the verdict was given.", json_schema_extra={"parser": "datetime"}
    )


class SalesActivity(_Record):
    """A rep's own touch (call, email, meeting): never a buyer engagement, never scored."""

    activity_id: str | None = _f("id", "Unique id; derived from the other fields when empty.")
    contact_id: str | None = _f("id", "The contact touched (or give account_id alone).")
    account_id: str | None = _f("id", "The account; taken from the contact when empty.")
    type: str = Field(
        description="call, email or meeting.", json_schema_extra={"parser": "activity_type"}
    )
    at: datetime = Field(description="When it happened.", json_schema_extra={"parser": "datetime"})
    owner: str | None = _f("text", "The rep who did it.")
    outcome: str | None = _f("text", "Outcome (connected, left voicemail, replied …).")


MODELS: dict[Kind, type[_Record]] = {
    "accounts": Account,
    "contacts": Contact,
    "engagements": Engagement,
    "intent": Intent,
    "opportunities": Opportunity,
    "opportunity_contacts": OpportunityContact,
    "feedback": Feedback,
    "sales_activities": SalesActivity,
}


class FieldSpec(BaseModel):
    """One column of the contract: its name, parser, whether required, accepted aliases."""

    name: str
    parser: Parser
    required: bool
    aliases: tuple[str, ...] = ()


def field_specs(kind: Kind) -> list[FieldSpec]:
    """The contract's columns for ``kind``, in contract order."""
    specs = []
    for name, info in MODELS[kind].model_fields.items():
        extra = info.json_schema_extra or {}
        specs.append(
            FieldSpec(
                name=name,
                parser=extra["parser"],
                required=info.is_required(),
                aliases=tuple(extra.get("aliases", ())),
            )
        )
    return specs
