"""Currency settings: the base currency and conversion rates for pipeline figures."""

from __future__ import annotations

import math
import re

from pydantic import Field, field_validator, model_validator

from abmgraph.scoring.config.section import Section

__all__ = ["CurrencySection"]

_CURRENCY_CODE = r"^[A-Z]{3}$"


class CurrencySection(Section):
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
