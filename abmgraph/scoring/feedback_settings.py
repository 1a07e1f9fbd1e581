"""Sales-feedback settings of the scoring config: how much rejection is too much.

Practitioners read a rejection rate of handed-over leads above about 15 % as
a sign that the threshold or the targeting is wrong; ``abmgraph feedback``
says so plainly when the rate is above ``max_rejection_rate``. The settings
change no score, so they stay out of the config fingerprint.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["FeedbackSection"]


class FeedbackSection(BaseModel):
    """Sales feedback: the rejection rate of handovers above which the funnel needs a look."""

    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)

    max_rejection_rate: float = Field(
        0.15,
        ge=0,
        le=1,
        description="Share of judged handovers sales may reject before 'abmgraph feedback' "
        "calls the threshold or targeting wrong.",
    )
