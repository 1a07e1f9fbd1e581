"""The whole scoring config: one model holding every section."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from abmgraph.scoring.alert_settings import AlertsSection, HistorySection
from abmgraph.scoring.config.account import AccountSection
from abmgraph.scoring.config.audience import AudienceFilters
from abmgraph.scoring.config.contact import ContactSection
from abmgraph.scoring.config.currency import CurrencySection
from abmgraph.scoring.config.engagement import DEFAULT_EVENT_POINTS, EventPoints, Window
from abmgraph.scoring.config.section import Section, over_defaults
from abmgraph.scoring.export_settings import ExportSection
from abmgraph.scoring.feedback_settings import FeedbackSection
from abmgraph.scoring.intent_settings import IntentSection
from abmgraph.scoring.watch_settings import WatchSection

__all__ = ["ScoringConfig"]


class ScoringConfig(Section):
    """Everything that turns the graph into scores."""

    window: Window = Field(default_factory=Window)
    engagement: dict[str, EventPoints] = Field(
        default_factory=lambda: dict(DEFAULT_EVENT_POINTS),
        description="Points and cap per engagement type; a file's entries update these "
        "defaults, and new names add types of your own.",
    )
    contact: ContactSection = Field(default_factory=ContactSection)
    account: AccountSection = Field(default_factory=AccountSection)
    # Excluded from dumps, so the config hash (and stored scoring meta) only
    # changes with what changes scores.
    export: ExportSection = Field(
        default_factory=ExportSection,
        exclude=True,
        description="Audience exports: which consent states each platform accepts.",
    )
    audiences: dict[str, AudienceFilters] = Field(
        default_factory=dict,
        exclude=True,
        description="Named audiences for 'abmgraph export PLATFORM --audience NAME'; "
        "they select from the scores and never change them.",
        json_schema_extra={
            "example": [
                "Add one table per audience, for example:",
                "[audiences.tier1-buyers]",
                "tier = [1]",
                'roles = ["decision_maker", "economic_buyer"]',
                "min_contact_score = 40",
            ]
        },
    )

    # Excluded from dumps like audiences: conversion changes reports, never scores.
    currency: CurrencySection = Field(default_factory=CurrencySection, exclude=True)
    intent: IntentSection = Field(default_factory=IntentSection, exclude=True)
    # Sales feedback reads the scores' results; it never changes a score.
    feedback: FeedbackSection = Field(default_factory=FeedbackSection, exclude=True)
    # Excluded too: what the history keeps and what alerts fire never changes a score.
    history: HistorySection = Field(default_factory=HistorySection, exclude=True)
    alerts: AlertsSection = Field(default_factory=AlertsSection, exclude=True)
    # Excluded too: how often the watcher rescores in full, never what a score is.
    watch: WatchSection = Field(default_factory=WatchSection, exclude=True)

    @field_validator("engagement", mode="before")
    @classmethod
    def _merge(cls, value: object) -> object:
        return over_defaults(cls, "engagement", value)

    @model_validator(mode="after")
    def _stage_types_known(self) -> ScoringConfig:
        for stage in ("decision", "consideration"):
            unknown = set(getattr(self.account.stages, stage)) - set(self.engagement)
            if unknown:
                raise ValueError(f"account.stages.{stage} names unknown types {sorted(unknown)}")
        return self

    @property
    def engagement_types(self) -> set[str]:
        return set(self.engagement)
