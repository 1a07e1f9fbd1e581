"""The scoring config: pydantic models with a default and a description on every setting.

A user's ``scoring.toml`` is validated against these models; unknown keys
fail loudly (a typo should never be silently ignored) and errors read as
``section.key: message``. ``render_default`` writes the commented default
file from the models themselves, so the file and the code cannot drift.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from abmgraph.errors import ConfigError

__all__ = [
    "AttributeRule",
    "AudienceFilters",
    "CurrencySection",
    "ScoringConfig",
    "config_hash",
    "load_config",
    "render_default",
]

Seniority = Literal["c_level", "vp", "director", "manager", "individual_contributor", "entry"]
Department = Literal[
    "executive",
    "it",
    "engineering",
    "finance",
    "operations",
    "marketing",
    "sales",
    "hr",
    "legal",
    "procurement",
    "product",
    "support",
    "other",
]
BuyingRole = Literal[
    "decision_maker",
    "economic_buyer",
    "champion",
    "technical_evaluator",
    "end_user",
    "influencer",
    "executive_sponsor",
    "legal_procurement",
    "blocker",
    "other",
]


# No setting means anything beyond this: larger values only overflow to infinite or
# NaN scores once points are summed and scaled.
MAX_MAGNITUDE = 1e15
# The longest window in days (100 years): longer ones reach before any datetime.
MAX_DAYS = 36_500


from abmgraph.scoring.export_settings import ExportSection  # noqa: E402
from abmgraph.scoring.intent_settings import IntentSection  # noqa: E402


class _Section(BaseModel):
    # inf and nan are refused everywhere: no score can be computed from them.
    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _finite(cls, value: Any) -> Any:
        if isinstance(value, dict):
            numbers = list(value.values())
        else:
            numbers = value if isinstance(value, list) else [value]
        for number in numbers:
            if (
                isinstance(number, int | float)
                and not isinstance(number, bool)
                and abs(number) > MAX_MAGNITUDE
            ):
                raise ValueError(
                    f"{number:g} is beyond the largest value a setting may take "
                    f"({MAX_MAGNITUDE:g} either way)"
                )
        return value


def _over_defaults(model: type[BaseModel], name: str, value: object) -> object:
    """A table given in a config file updates the default table instead of replacing it."""
    if not isinstance(value, dict):
        return value
    default = model.model_fields[name].get_default(call_default_factory=True)
    merged = {k: (v.model_dump() if isinstance(v, BaseModel) else v) for k, v in default.items()}
    merged.update(value)
    return merged


class AttributeRule(_Section):
    """Points when a column of the record satisfies a condition (any column, including custom ones)."""

    label: str = Field(description="Name shown in explanations.")
    field: str = Field(description="Column to test (a contract field or a custom attribute).")
    op: Literal["eq", "ne", "in", "gte", "lte", "gt", "lt", "contains", "present", "true"] = Field(
        default="eq", description="Comparison."
    )
    value: str | float | bool | list[str] | None = Field(default=None, description="Operand.")
    points: float = Field(description="Points when the condition holds (may be negative).")

    @model_validator(mode="after")
    def _operand(self) -> AttributeRule:
        if self.op in {"present", "true"} and self.value is not None:
            raise ValueError(f"op '{self.op}' takes no value")
        if self.op not in {"present", "true"} and self.value is None:
            raise ValueError(f"op '{self.op}' needs a value")
        if self.op == "in" and not isinstance(self.value, list):
            raise ValueError("op 'in' needs a list value")
        return self


class EventPoints(_Section):
    """Points for one engagement type."""

    points: float = Field(description="Points per event before decay (negative for bad signals).")
    cap: float = Field(
        description="Most points (least, when negative) this type can give one contact."
    )

    @model_validator(mode="after")
    def _same_sign(self) -> EventPoints:
        if self.points * self.cap < 0:
            raise ValueError("points and cap must have the same sign")
        return self


def _event(points: float, cap: float) -> EventPoints:
    return EventPoints(points=points, cap=cap)


DEFAULT_EVENT_POINTS = {
    "page_view": _event(2, 10),
    "pricing_page_view": _event(10, 20),
    "product_page_view": _event(5, 15),
    "blog_view": _event(1, 5),
    "careers_page_view": _event(-10, -10),
    "content_download": _event(8, 16),
    "case_study_download": _event(10, 20),
    "webinar_registered": _event(5, 10),
    "webinar_attended": _event(15, 25),
    "event_attended": _event(15, 25),
    "email_open": _event(1, 5),
    "email_click": _event(3, 12),
    "email_reply": _event(10, 20),
    "form_submit": _event(10, 20),
    "demo_request": _event(30, 40),
    "trial_signup": _event(30, 40),
    "meeting_held": _event(25, 40),
    "unsubscribe": _event(-10, -10),
    "email_bounce": _event(-5, -5),
    "spam_complaint": _event(-30, -30),
}


class Window(_Section):
    """Which events count and how their age discounts them."""

    half_life_days: float = Field(
        30, gt=0, le=MAX_DAYS, description="An event this many days old counts half."
    )
    lookback_days: float = Field(
        180, gt=0, le=MAX_DAYS, description="Events older than this count not at all."
    )
    recent_days: float = Field(
        14, gt=0, le=MAX_DAYS, description="The recent window for the recency surge."
    )
    prior_days: float = Field(
        42, gt=0, le=MAX_DAYS, description="The weeks before it, compared against."
    )


class ContactFit(_Section):
    """Who the contact is: points for fit with the target personas."""

    seniority: dict[Seniority, float] = Field(
        default_factory=lambda: {
            "c_level": 25,
            "vp": 20,
            "director": 15,
            "manager": 10,
            "individual_contributor": 5,
            "entry": -15,
        },
        description="Points by seniority (entry covers interns, students and trainees).",
    )
    target_departments: list[Department] = Field(
        default_factory=lambda: ["executive", "it", "engineering", "finance", "operations"],
        description="Departments of the target personas.",
    )
    target_department_points: float = Field(10, description="Points for a target department.")
    title_keywords: dict[str, float] = Field(
        default_factory=dict,
        description="Extra points when the title contains a keyword (case-insensitive).",
    )
    corporate_email: float = Field(5, description="Points for a corporate email address.")
    free_mail: float = Field(-10, description="Points for a free-mail address (gmail.com, …).")
    bounced: float = Field(-20, description="Points when the email has bounced.")
    disposable: float = Field(
        -30,
        description="Points for an address at a disposable-mail service (mailinator.com, …).",
    )
    competitor_domains: list[str] = Field(
        default_factory=list, description="Email domains of competitors."
    )
    competitor: float = Field(-20, description="Points for a competitor's email domain.")
    rules: list[AttributeRule] = Field(
        default_factory=list,
        description="More rules on any contact column, or the employer's as account.<column>.",
    )

    @field_validator("seniority", mode="before")
    @classmethod
    def _merge(cls, value: object) -> object:
        return _over_defaults(cls, "seniority", value)


class ContactSection(_Section):
    """Contact score = fit points + engagement points, clamped to 0–100."""

    fit: ContactFit = Field(default_factory=ContactFit)
    engagement_max: float = Field(60, gt=0, description="Most engagement points one contact earns.")
    engaged_min: float = Field(
        5, ge=0, description="Engagement points that make a contact engaged."
    )
    mql_threshold: float = Field(50, description="Score at which a contact is an MQL.")
    sql_threshold: float = Field(80, description="Score at which a contact is an SQL.")
    grades: dict[Literal["A", "B", "C"], float] = Field(
        default_factory=lambda: {"A": 30, "B": 20, "C": 10},
        description="Least fit points for each grade; below C is D.",
    )
    fit_high: float = Field(20, description="Fit points that count as high fit (quadrant).")
    engagement_high: float = Field(
        25, description="Engagement points that count as high (quadrant)."
    )

    @field_validator("grades", mode="before")
    @classmethod
    def _merge(cls, value: object) -> object:
        return _over_defaults(cls, "grades", value)

    @model_validator(mode="after")
    def _thresholds(self) -> ContactSection:
        if self.sql_threshold < self.mql_threshold:
            raise ValueError("sql_threshold must be at least mql_threshold")
        if not self.grades["A"] >= self.grades["B"] >= self.grades["C"]:
            raise ValueError("grades must satisfy A >= B >= C")
        return self


class AccountFit(_Section):
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


class RoleRule(_Section):
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


class Committee(_Section):
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
    role_rules: list[RoleRule] = Field(
        default_factory=_default_role_rules,
        description="Roles inferred from seniority and department.",
    )

    @field_validator("seniority_weights", mode="before")
    @classmethod
    def _merge(cls, value: object) -> object:
        return _over_defaults(cls, "seniority_weights", value)

    @model_validator(mode="after")
    def _at_most_100(self) -> Committee:
        total = (
            self.volume_points
            + self.multithreading_points
            + self.cross_functional_points
            + self.role_coverage_points
            + self.seniority_points
            + self.recency_points
        )
        if total > 100 + 1e-9:
            raise ValueError(f"committee points add up to {total:g}; they must not exceed 100")
        return self


class Stages(_Section):
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


class AccountSection(_Section):
    """Account priority = fit weight × fit + engagement weight × committee engagement."""

    fit_weight: float = Field(0.4, ge=0, le=1, description="Weight of account fit (0–1).")
    engagement_weight: float = Field(0.6, ge=0, le=1, description="Weight of committee engagement.")
    icp_floor: float = Field(40, ge=0, le=100, description="Fit below this never reaches tier 1.")
    tier1: float = Field(55, ge=0, le=100, description="Least priority for tier 1.")
    tier2: float = Field(35, ge=0, le=100, description="Least priority for tier 2.")
    fit: AccountFit = Field(default_factory=AccountFit)
    committee: Committee = Field(default_factory=Committee)
    stages: Stages = Field(default_factory=Stages)

    @model_validator(mode="after")
    def _weights(self) -> AccountSection:
        if abs(self.fit_weight + self.engagement_weight - 1) > 1e-9:
            raise ValueError("fit_weight and engagement_weight must add up to 1")
        if self.tier2 > self.tier1:
            raise ValueError("tier2 must not exceed tier1")
        return self


AccountStage = Literal["target", "awareness", "consideration", "decision", "purchase"]
Quadrant = Literal["sales_ready", "nurture", "route_elsewhere", "ignore"]


class AudienceFilters(_Section):
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


_CURRENCY_CODE = r"^[A-Z]{3}$"


class CurrencySection(_Section):
    """Money in several currencies: amounts are never summed across currencies unless converted here."""

    base: str = Field(
        "",
        description='Currency that pipeline figures are converted to, e.g. "USD" '
        "(empty: no conversion, one figure per currency).",
    )
    rates: dict[str, float] = Field(
        default_factory=dict,
        description="Value of one unit of each currency in the base currency; amounts in a "
        "currency without a rate stay apart in their own currency.",
        json_schema_extra={
            "example": ['base = "USD"', "rates = { EUR = 1.08, GBP = 1.27 }"],
        },
    )

    @field_validator("base", mode="before")
    @classmethod
    def _base(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().upper()
            if value and not re.fullmatch(_CURRENCY_CODE, value):
                raise ValueError(f"{value!r} is not an ISO 4217 currency code such as USD")
        return value

    @field_validator("rates", mode="before")
    @classmethod
    def _rates(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        out = {}
        for code, rate in value.items():
            key = str(code).strip().upper()
            if not re.fullmatch(_CURRENCY_CODE, key):
                raise ValueError(f"{code!r} is not an ISO 4217 currency code such as EUR")
            if isinstance(rate, bool) or not isinstance(rate, int | float):
                raise ValueError(f"rate of {key} must be a number")
            if not math.isfinite(rate) or rate <= 0:
                raise ValueError(f"rate of {key} must be a positive finite number")
            out[key] = float(rate)
        return out

    @model_validator(mode="after")
    def _base_for_rates(self) -> CurrencySection:
        if self.rates and not self.base:
            raise ValueError('rates need a base currency: set base, e.g. base = "USD"')
        return self


class ScoringConfig(_Section):
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

    @field_validator("engagement", mode="before")
    @classmethod
    def _merge(cls, value: object) -> object:
        return _over_defaults(cls, "engagement", value)

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


def _format_errors(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        message = "unknown setting" if item["type"] == "extra_forbidden" else item["msg"]
        lines.append(f"{where}: {message}")
    return "\n".join(lines)


def load_config(path: Path | None) -> ScoringConfig:
    """Read and validate a scoring config; the defaults when ``path`` is None."""
    if path is None:
        return ScoringConfig()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such config file; run 'abmgraph init' to write one."
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return config_from_dict(data, source=str(path))


def config_from_dict(data: dict[str, Any], source: str = "config") -> ScoringConfig:
    try:
        return ScoringConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{source} is invalid:\n{_format_errors(exc)}") from None


def config_hash(config: ScoringConfig) -> str:
    """A stable fingerprint of the effective config (sha256 of its canonical JSON)."""
    text = json.dumps(config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# -- the commented default file ------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot render {value!r} as TOML")


def _key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() else json.dumps(name)


def _render(model: BaseModel, path: str, out: list[str]) -> None:
    nested: list[tuple[str, BaseModel | list | dict]] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if (
            isinstance(value, BaseModel)
            or (isinstance(value, list) and value and isinstance(value[0], BaseModel))
            or (
                isinstance(value, dict)
                and value
                and isinstance(next(iter(value.values())), BaseModel)
            )
        ):
            nested.append((name, value))
        elif isinstance(value, dict) and not value and _example(info):
            # An empty `name = {}` would forbid the [name.x] tables users add below it.
            out.append(f"# {info.description}")
            out.extend(f"# {line}" for line in _example(info))
        else:
            out.append(f"# {info.description}")
            out.append(f"{name} = {_toml_value(_plain(value))}")
    for name, value in nested:
        section = f"{path}.{name}" if path else name
        out.append("")
        if isinstance(value, BaseModel):
            doc = (type(value).__doc__ or "").strip().splitlines()[0]
            out.append(f"[{section}]")
            out.append(f"# {doc}")
            _render(value, section, out)
        elif isinstance(value, list):
            description = type(model).model_fields[name].description
            out.append(f"# {description}")
            for item in value:
                out.append(f"[[{section}]]")
                for key, v in item.model_dump(mode="json").items():
                    if v is not None:  # TOML has no null: an absent key is the default
                        out.append(f"{key} = {_toml_value(v)}")
        else:
            description = type(model).model_fields[name].description
            out.append(f"[{section}]")
            out.append(f"# {description}")
            for key, item in value.items():
                out.append(f"{_key(key)} = {_toml_value(item.model_dump(mode='json'))}")


def _example(info: Any) -> list[str]:
    extra = info.json_schema_extra
    return list(extra.get("example", [])) if isinstance(extra, dict) else []


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def render_default(config: ScoringConfig | None = None) -> str:
    """The scoring config as TOML, every setting preceded by a comment saying what it does."""
    out = [
        "# abmgraph scoring config.",
        "# Every setting is shown with its default; edit, then run 'abmgraph score'.",
        "# Unknown keys are an error, so a typo never goes unnoticed.",
    ]
    _render(config or ScoringConfig(), "", out)
    return "\n".join(out) + "\n"
