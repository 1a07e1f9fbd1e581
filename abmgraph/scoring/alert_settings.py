"""History and alert settings of the scoring config: how many runs to keep, what to alert.

``[history]`` says how many score runs ``<workspace>/history/`` keeps (the
handovers are never pruned). ``[alerts]`` sets the smallest priority move
``abmgraph changes`` lists by default, how much an account's recent
engagement must outgrow the window before it for a surge alert, and the
webhook the run's alerts are posted to. None of these change a score, so
they stay out of the config fingerprint like ``[export]`` and ``[intent]``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["AlertsSection", "HistorySection"]


class HistorySection(BaseModel):
    """Score history: how many runs <workspace>/history/ keeps."""

    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)

    keep_runs: int = Field(
        30, ge=2, le=10_000, description="Score runs kept (oldest dropped first; at least 2)."
    )


class AlertsSection(BaseModel):
    """Alerts after each score run: priority moves, surges, the webhook."""

    model_config = ConfigDict(extra="forbid", validate_default=True, allow_inf_nan=False)

    min_points: float = Field(
        10, gt=0, le=100, description="Priority move 'abmgraph changes' lists by default."
    )
    surge_points: float = Field(
        25,
        gt=0,
        le=1e6,
        description="Recent-window engagement points above the window before that make "
        "an account surge (account_surge alert).",
    )
    webhook: str = Field(
        "",
        description="URL the run's alerts are POSTed to as JSON (empty: none; "
        "--webhook overrides).",
    )

    webhook_batch: int = Field(
        1000,
        ge=1,
        le=100_000,
        description="Most alerts in one webhook POST; a run with more sends several.",
    )

    rotate_mb: float = Field(
        64,
        gt=0,
        le=1e6,
        description="Megabytes alerts.jsonl may reach; past them it is renamed "
        "alerts-<UTC time>.jsonl and a new one is started.",
    )
    keep_rotated: int = Field(
        10,
        ge=0,
        le=100_000,
        description="Renamed alert files kept beside alerts.jsonl; older ones are deleted.",
    )

    @field_validator("webhook")
    @classmethod
    def _http(cls, value: str) -> str:
        value = value.strip()
        if value and not value.lower().startswith(("http://", "https://")):
            raise ValueError("webhook must be an http:// or https:// URL (or empty)")
        return value
