"""Engagement settings: points and caps per event type, and the window events count in."""

from __future__ import annotations

from pydantic import Field, model_validator

from abmgraph.scoring.config.section import MAX_DAYS, Section

__all__ = ["DEFAULT_EVENT_POINTS", "EventPoints", "Window"]


class EventPoints(Section):
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


class Window(Section):
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
