"""Attribute rules: points when a column of a contact or account satisfies a condition."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from abmgraph.scoring.config.section import Section

__all__ = ["AttributeRule"]


class AttributeRule(Section):
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
