"""What every section of the scoring config shares: strict keys, finite bounded numbers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

__all__ = ["MAX_DAYS", "MAX_MAGNITUDE", "Section", "over_defaults"]

# No setting means anything beyond this: larger values only overflow to infinite or
# NaN scores once points are summed and scaled.
MAX_MAGNITUDE = 1e15
# The longest window in days (100 years): longer ones reach before any datetime.
MAX_DAYS = 36_500


class Section(BaseModel):
    """A config section: unknown keys are errors, numbers finite and within bounds."""

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


def over_defaults(model: type[BaseModel], name: str, value: object) -> object:
    """A table given in a config file updates the default table instead of replacing it."""
    if not isinstance(value, dict):
        return value
    default = model.model_fields[name].get_default(call_default_factory=True)
    merged = {k: (v.model_dump() if isinstance(v, BaseModel) else v) for k, v in default.items()}
    merged.update(value)
    return merged
