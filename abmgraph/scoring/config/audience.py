"""Audience filters: who goes into an exported audience."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from abmgraph.scoring.config.section import Section
from abmgraph.scoring.config.vocab import AccountStage, BuyingRole, Quadrant

__all__ = ["AudienceFilters"]


class AudienceFilters(Section):
    """Who goes into an exported audience (``abmgraph export PLATFORM --audience NAME``)."""

    tier: list[Literal[1, 2, 3]] = Field(
        default_factory=list, description="Only accounts of these tiers (empty: every tier)."
    )
    min_priority: float = Field(
        0, ge=0, le=100, description="Least account priority (0: no minimum)."
    )
    stage: list[AccountStage] = Field(
        default_factory=list,
        description="Only accounts in these buying stages (empty: every stage).",
    )
    include_customers: bool = Field(False, description="Keep accounts that are already customers.")
    account_ids: list[str] = Field(
        default_factory=list, description="Only these accounts (empty: no such restriction)."
    )
    account_ids_file: str = Field(
        "",
        description="A file of account ids, one a line or an account_id column (empty: none).",
    )
    quadrant: list[Quadrant] = Field(
        default_factory=list,
        description="Contact exports: only contacts in these quadrants (empty: any).",
    )
    roles: list[BuyingRole] = Field(
        default_factory=list,
        description="Contact exports: only contacts holding one of these buying roles (empty: any).",
    )
    min_contact_score: float = Field(
        0, ge=0, le=100, description="Contact exports: least contact score (0: no minimum)."
    )
    require_consent: bool = Field(
        True,
        description="Contact exports: leave out contacts without recorded consent "
        "(opted-out and bounced contacts are always left out).",
    )
