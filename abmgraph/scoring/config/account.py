"""Account settings: ideal-customer-profile fit, the buying committee, stages and tiers."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from abmgraph.scoring.config.attribute_rule import AttributeRule
from abmgraph.scoring.config.graph import GraphSection
from abmgraph.scoring.config.section import MAX_DAYS, Section, over_defaults
from abmgraph.scoring.config.vocab import BuyingRole, Department, Seniority

__all__ = ["AccountFit", "AccountSection", "Committee", "RoleRule", "Stages"]


class AccountFit(Section):
    """Ideal-customer-profile rules; account fit is their sum, capped at 100."""

    industries: list[str] = Field(
        default_factory=lambda: ["Software", "Financial Services", "Healthcare", "Manufacturing"],
        description="ICP industries (case-insensitive).",
    )
    industry_points: float = Field(25, description="Points for an ICP industry.")
    employees_min: int = Field(200, ge=0, description="Smallest ICP employee count.")
    employees_max: int = Field(50_000, ge=0, description="Largest ICP employee count.")
    employees_points: float = Field(20, description="Points for an ICP employee count.")
    revenue_min: float = Field(20_000_000, ge=0, description="Smallest ICP annual revenue.")
    revenue_max: float = Field(10_000_000_000, ge=0, description="Largest ICP annual revenue.")
    revenue_points: float = Field(10, description="Points for an ICP revenue.")
    countries: list[str] = Field(
        default_factory=lambda: ["US", "CA", "GB", "DE", "FR", "NL", "AU"],
        description="ICP countries (ISO-2).",
    )
    country_points: float = Field(15, description="Points for an ICP country.")
    technologies: list[str] = Field(
        default_factory=lambda: ["Salesforce", "HubSpot", "Marketo", "Snowflake"],
        description="Technologies that signal fit (case-insensitive).",
    )
    technology_points: float = Field(5, description="Points per matching technology.")
    technology_cap: float = Field(15, description="Most points from technologies.")
    intent_threshold: float = Field(70, ge=0, le=100, description="Intent score that is a surge.")
    intent_days: float = Field(
        30, gt=0, le=MAX_DAYS, description="Intent observed within this many days counts."
    )
    intent_points: float = Field(10, description="Points per surging intent topic.")
    intent_cap: float = Field(15, description="Most points from intent.")
    rules: list[AttributeRule] = Field(
        default_factory=list, description="More rules on any account column (trigger events, …)."
    )


class RoleRule(Section):
    """Infer a buying role for contacts with no explicit or opportunity role."""

    role: BuyingRole = Field(description="The role inferred.")
    seniorities: list[Seniority] = Field(default_factory=list, description="Any of (empty: any).")
    departments: list[Department] = Field(default_factory=list, description="Any of (empty: any).")
    min_engagement: float = Field(
        0,
        ge=0,
        description="Least engagement points. Rules without it are first-match (one role a "
        "person); rules with it add their role on top.",
    )


def _default_role_rules() -> list[RoleRule]:
    return [
        RoleRule(
            role="economic_buyer",
            seniorities=["c_level", "vp"],
            departments=["executive", "finance", "operations", "procurement"],
        ),
        RoleRule(role="decision_maker", seniorities=["c_level", "vp", "director"]),
        RoleRule(
            role="technical_evaluator",
            seniorities=["director", "manager", "individual_contributor"],
            departments=["it", "engineering", "product"],
        ),
        RoleRule(role="champion", seniorities=["vp", "director", "manager"], min_engagement=25),
        RoleRule(role="end_user", seniorities=["manager", "individual_contributor"]),
        RoleRule(role="legal_procurement", departments=["legal", "procurement"]),
    ]


class Committee(Section):
    """How the buying committee's engagement becomes the account's engagement score (0–100)."""

    required_roles: list[BuyingRole] = Field(
        default_factory=lambda: [
            "decision_maker",
            "economic_buyer",
            "champion",
            "technical_evaluator",
            "end_user",
        ],
        description="Roles a complete buying committee covers.",
    )
    seniority_weights: dict[Seniority, float] = Field(
        default_factory=lambda: {
            "c_level": 1.5,
            "vp": 1.3,
            "director": 1.15,
            "manager": 1.0,
            "individual_contributor": 0.8,
            "entry": 0.4,
        },
        description="How much each seniority's engagement counts (unknown seniority: 0.8).",
    )
    unknown_seniority_weight: float = Field(
        0.8, ge=0, description="Weight when seniority is unknown."
    )
    per_contact_cap: float = Field(40, gt=0, description="Most weighted points one contact adds.")
    volume_points: float = Field(
        35, ge=0, description="Points for engagement volume at saturation."
    )
    volume_scale: float = Field(
        60, gt=0, description="Weighted points giving 63% of volume points."
    )
    multithreading_points: float = Field(15, ge=0, description="Points for many engaged contacts.")
    multithreading_scale: float = Field(3, gt=0, description="Extra engaged contacts for 63%.")
    cross_functional_points: float = Field(15, ge=0, description="Points for many departments.")
    cross_functional_scale: float = Field(2, gt=0, description="Extra departments for 63%.")
    role_coverage_points: float = Field(
        15, ge=0, description="Points when every required role is covered."
    )
    seniority_points: float = Field(10, ge=0, description="Points for senior engagement.")
    seniority_scale: float = Field(3, gt=0, description="Summed seniority weights for 63%.")
    recency_points: float = Field(
        10, ge=0, description="Points for engagement in the recent window."
    )
    recency_scale: float = Field(
        60, gt=0, description="Recent-window points giving full recency points."
    )
    # Components that keep counting (see scoring/activity.py); 0 points turn them off.
    events_points: float = Field(
        0, ge=0, description="Points for the account's decayed events (no caps) at events_scale."
    )
    events_scale: float = Field(
        200, gt=0, description="Decayed events for full events points (grows with log(1 + x))."
    )
    recent_events_points: float = Field(
        0, ge=0, description="Points for events in the last recent_days at their scale."
    )
    recent_events_scale: float = Field(
        100, gt=0, description="Recent events for full recent_events points (log-shaped)."
    )
    people_points: float = Field(
        0, ge=0, description="Points for contacts with an event in the look-back at their scale."
    )
    people_scale: float = Field(
        20, gt=0, description="Active contacts for full people points (log-shaped)."
    )
    trend_points: float = Field(
        0, ge=0, description="Points for recent events above the prior window's pace."
    )
    trend_scale: float = Field(
        50, gt=0, description="Events above the prior pace for full trend points (log-shaped)."
    )
    role_rules: list[RoleRule] = Field(
        default_factory=_default_role_rules,
        description="Roles inferred from seniority and department.",
    )

    @field_validator("seniority_weights", mode="before")
    @classmethod
    def _merge(cls, value: object) -> object:
        return over_defaults(cls, "seniority_weights", value)

    @model_validator(mode="after")
    def _at_most_100(self) -> Committee:
        total = (
            self.volume_points
            + self.multithreading_points
            + self.cross_functional_points
            + self.role_coverage_points
            + self.seniority_points
            + self.recency_points
            + self.events_points
            + self.recent_events_points
            + self.people_points
            + self.trend_points
        )
        if total > 100 + 1e-9:
            raise ValueError(f"committee points add up to {total:g}; they must not exceed 100")
        return self


class Stages(Section):
    """Account buying stage from the furthest step any engaged contact has taken."""

    decision: list[str] = Field(
        default_factory=lambda: ["demo_request", "trial_signup", "meeting_held"],
        description="Events that put an account in the decision stage.",
    )
    consideration: list[str] = Field(
        default_factory=lambda: [
            "pricing_page_view",
            "product_page_view",
            "case_study_download",
            "webinar_attended",
            "event_attended",
            "form_submit",
            "email_reply",
        ],
        description="Events that put an account in the consideration stage.",
    )


class AccountSection(Section):
    """Account priority = fit weight × fit + engagement weight × committee engagement."""

    fit_weight: float = Field(0.4, ge=0, le=1, description="Weight of account fit (0–1).")
    engagement_weight: float = Field(0.6, ge=0, le=1, description="Weight of committee engagement.")
    icp_floor: float = Field(40, ge=0, le=100, description="Fit below this never reaches tier 1.")
    tier1: float = Field(55, ge=0, le=100, description="Least priority for tier 1.")
    tier2: float = Field(35, ge=0, le=100, description="Least priority for tier 2.")
    fit: AccountFit = Field(default_factory=AccountFit)
    committee: Committee = Field(default_factory=Committee)
    stages: Stages = Field(default_factory=Stages)
    graph: GraphSection = Field(default_factory=GraphSection)

    @model_validator(mode="after")
    def _weights(self) -> AccountSection:
        if abs(self.fit_weight + self.engagement_weight - 1) > 1e-9:
            raise ValueError("fit_weight and engagement_weight must add up to 1")
        if self.tier2 > self.tier1:
            raise ValueError("tier2 must not exceed tier1")
        return self
