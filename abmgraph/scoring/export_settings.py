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
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CONSENT_STATES",
    "ConsentByPlatform",
    "ConsentState",
    "ExportSection",
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


class ExportSection(BaseModel):
    """Audience exports: what each platform may receive."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    consent: ConsentByPlatform = Field(default_factory=ConsentByPlatform)
