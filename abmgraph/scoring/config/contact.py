"""Contact settings: fit with the target personas and the contact score's thresholds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from abmgraph.scoring.config.attribute_rule import AttributeRule
from abmgraph.scoring.config.section import Section, over_defaults
from abmgraph.scoring.config.vocab import Department, Seniority

__all__ = ["ContactFit", "ContactSection"]


class ContactFit(Section):
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
        return over_defaults(cls, "seniority", value)


class ContactSection(Section):
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
        return over_defaults(cls, "grades", value)

    @model_validator(mode="after")
    def _thresholds(self) -> ContactSection:
        if self.sql_threshold < self.mql_threshold:
            raise ValueError("sql_threshold must be at least mql_threshold")
        if not self.grades["A"] >= self.grades["B"] >= self.grades["C"]:
            raise ValueError("grades must satisfy A >= B >= C")
        return self
