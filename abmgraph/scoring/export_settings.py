"""Export settings of the scoring config: which consent states each platform accepts.

Consent has three states, stored as the nullable boolean ``consent``:
``given`` (true), ``refused`` (false) and ``unknown`` (empty). A contact
export keeps only contacts whose state its platform accepts (while the
audience's ``require_consent`` is on; opted-out and bounced contacts are
always left out). The defaults accept ``given`` only for every contact
export: uploading people to an ad network or a file that leaves the
company needs a recorded basis. Add ``unknown`` where another lawful basis
covers the contacts (for example legitimate interest for business contacts
outside the EU and UK, or a list kept inside the company); never add
``refused``.

Scores written back to a CRM (``abmgraph export salesforce-accounts`` …) go
under field names set in ``[export.salesforce]`` and ``[export.hubspot]``:
the custom fields' API names (Salesforce) or the properties' internal names
(HubSpot). The defaults are ``ABM_Priority__c`` … and ``abm_priority`` …;
create the fields in the CRM under these names or set the ones you made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

__all__ = [
    "CONSENT_STATES",
    "ConsentByPlatform",
    "ConsentState",
    "CrmFields",
    "ExportSection",
    "HubSpotFields",
    "SalesforceFields",
    "setting_name",
]

ConsentState = Literal["given", "refused", "unknown"]
CONSENT_STATES: tuple[ConsentState, ...] = ("given", "refused", "unknown")


def _states(platform: str) -> object:
    return Field(
        default_factory=lambda: ["given"],
        min_length=1,
        description=f"Consent states a {platform} export accepts: given, refused, unknown.",
    )


class ConsentByPlatform(BaseModel):
    """Which consent states each contact export accepts (given, refused, unknown)."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    linkedin_contacts: list[ConsentState] = _states("linkedin-contacts")  # type: ignore[assignment]
    google_customer_match: list[ConsentState] = _states("google-customer-match")  # type: ignore[assignment]
    meta_customer_list: list[ConsentState] = _states("meta-customer-list")  # type: ignore[assignment]
    csv_contacts: list[ConsentState] = _states("csv --level contacts")  # type: ignore[assignment]
    json_contacts: list[ConsentState] = _states("json --level contacts")  # type: ignore[assignment]

    def accepted(self, platform: str) -> tuple[ConsentState, ...]:
        """The states ``platform`` (``meta-customer-list``, ``csv`` …) accepts."""
        return tuple(getattr(self, setting_name(platform), ["given"]))


def setting_name(platform: str) -> str:
    """The setting under ``[export.consent]`` for a platform: ``csv`` → ``csv_contacts``."""
    name = platform.replace("-", "_")
    return f"{name}_contacts" if name in ("csv", "json") else name


# What a write-back file carries: account fields for account-level files, contact
# fields for contact-level ones (Salesforce contacts and leads, HubSpot contacts).
ACCOUNT_SCORES = ("priority", "tier", "stage", "missing_roles")
CONTACT_SCORES = ("contact_score", "grade", "quadrant")
_SCORE_MEANINGS = {
    "priority": "Account priority, 0-100.",
    "tier": "Account tier, 1-3.",
    "stage": "Account buying stage.",
    "missing_roles": "Missing buying roles, ;-separated.",
    "contact_score": "Contact score, 0-100.",
    "grade": "Contact grade, A-D.",
    "quadrant": "Contact quadrant.",
}


class CrmFields(BaseModel):
    """The CRM field each score is written to."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    priority: str
    tier: str
    stage: str
    missing_roles: str
    contact_score: str
    grade: str
    quadrant: str

    # What a valid name looks like in this CRM, and what the error calls it.
    pattern: ClassVar[str] = r"[A-Za-z][A-Za-z0-9_]*"
    kind: ClassVar[str] = "field name"

    @model_validator(mode="after")
    def _names(self) -> CrmFields:
        for name, value in self.model_dump().items():
            if not re.fullmatch(self.pattern, value):
                raise ValueError(f"{name} = {value!r} is not a valid {self.kind}.")
        for group in (ACCOUNT_SCORES, CONTACT_SCORES):
            names = [getattr(self, name) for name in group]
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise ValueError(f"{', '.join(repeated)} is given to more than one score.")
        return self

    def header(self, level: str) -> dict[str, str]:
        """Score column → CRM field, for ``accounts`` or ``contacts``."""
        names = ACCOUNT_SCORES if level == "accounts" else CONTACT_SCORES
        return {name: getattr(self, name) for name in names}


def _crm_fields(
    name: str, doc: str, default_name: Callable[[str], str], pattern: str, kind: str
) -> type[CrmFields]:
    """A CRM's field settings: every score with its default name in that CRM."""
    fields: dict[str, Any] = {
        score: (
            str,
            Field(default=default_name(score), min_length=1, max_length=100, description=meaning),
        )
        for score, meaning in _SCORE_MEANINGS.items()
    }
    model = create_model(name, __base__=CrmFields, __doc__=doc, **fields)
    model.pattern, model.kind = pattern, kind
    return model


SalesforceFields = _crm_fields(
    "SalesforceFields",
    "Custom field API names on Account, Contact and Lead (Data Loader update).",
    # priority → ABM_Priority__c, missing_roles → ABM_Missing_Roles__c
    lambda score: "ABM_" + "_".join(w.capitalize() for w in score.split("_")) + "__c",
    r"[A-Za-z][A-Za-z0-9_]*",
    "Salesforce field API name",
)
HubSpotFields = _crm_fields(
    "HubSpotFields",
    "Property internal names on companies and contacts (HubSpot import).",
    lambda score: f"abm_{score}",
    r"[a-z][a-z0-9_]*",
    "HubSpot property internal name (lowercase letters, digits, _)",
)


class ExportSection(BaseModel):
    """Audience exports: what each platform may receive; CRM write-back field names."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    consent: ConsentByPlatform = Field(default_factory=ConsentByPlatform)
    salesforce: SalesforceFields = Field(default_factory=SalesforceFields)
    hubspot: HubSpotFields = Field(default_factory=HubSpotFields)
