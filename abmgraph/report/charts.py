"""Bar geometry for the report's SVG charts: the waterfall, the weekly timeline, the lift.

Each function turns rows into rectangles in a fixed viewBox; the templates
draw them. Scales are linear from zero, so a bar's length is its value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["TYPE_COLOURS", "lift_bars", "timeline_bars", "type_colour", "waterfall_bars"]

# Engagement types by how strong a signal they are: hot colours for buying acts.
TYPE_COLOURS = {
    "demo_request": "#c2185b",
    "trial_signup": "#d81b60",
    "meeting_held": "#8e24aa",
    "pricing_page_view": "#e65100",
    "form_submit": "#f57c00",
    "webinar_attended": "#fb8c00",
    "event_attended": "#ffa726",
    "case_study_download": "#2e7d32",
    "content_download": "#43a047",
    "webinar_registered": "#66bb6a",
    "product_page_view": "#1565c0",
    "email_reply": "#1e88e5",
    "email_click": "#42a5f5",
    "page_view": "#5c6bc0",
    "blog_view": "#90caf9",
    "email_open": "#b0bec5",
}
_OTHER = ["#6d4c41", "#00897b", "#7cb342", "#3949ab", "#5e35b1", "#00acc1"]
_NEGATIVE = "#9e9e9e"


def type_colour(kind: str) -> str:
    """A stable colour per engagement type (unknown types share a small palette)."""
    if kind in TYPE_COLOURS:
        return TYPE_COLOURS[kind]
    if kind in {"unsubscribe", "email_bounce", "spam_complaint", "careers_page_view"}:
        return _NEGATIVE
    return _OTHER[sum(kind.encode()) % len(_OTHER)]


def waterfall_bars(
    parts: Sequence[dict[str, Any]], width: float = 640, row: float = 26
) -> dict[str, Any]:
    """Horizontal waterfall: one bar per contribution from its running start to its end.

    ``parts`` carry ``start``, ``end`` and ``shown`` (see ``data._waterfall``);
    the last row is the total. The axis spans 0 to 100 (scores are 0–100)
    or further when a running sum leaves it.
    """
    label_w, pad = 200, 60
    top = max([100.0] + [p["end"] for p in parts] + [p["start"] for p in parts])
    low = min([0.0] + [p["end"] for p in parts] + [p["start"] for p in parts])
    plot = width - label_w - pad
    scale = plot / (top - low)

    def x(v: float) -> float:
        return round(label_w + (v - low) * scale, 2)

    bars = []
    for i, part in enumerate(parts):
        a, b = sorted((part["start"], part["end"]))
        bars.append(
            {
                **part,
                "x": x(a),
                "y": i * row + 4,
                "w": max(round(x(b) - x(a), 2), 1.0),
                "h": row - 8,
                "negative": part["shown"] < 0,
                "label_x": x(b) + 4,
            }
        )
    total = parts[-1]["end"] if parts else 0.0
    height = (len(parts) + 1) * row + 8
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "total": {
            "x": x(min(0.0, total)),
            "y": len(parts) * row + 4,
            "w": max(x(total) - x(0.0), 1.0),
            "h": row - 8,
            "value": total,
            "label_x": x(total) + 4,
        },
        "ticks": [{"x": x(v), "value": v} for v in range(0, int(top) + 1, 20)],
        "label_w": label_w,
    }


def timeline_bars(
    rows: Sequence[dict[str, Any]], weeks: int, width: float = 640, height: float = 180
) -> dict[str, Any]:
    """Stacked bars of events per week (oldest left), one colour per type."""
    left, bottom, top = 36, 22, 8
    totals = [0] * weeks
    for r in rows:
        if 0 <= r["week"] < weeks:
            totals[r["week"]] += r["events"]
    peak = max([*totals, 1])
    step = (width - left - 8) / weeks
    scale = (height - bottom - top) / peak
    order = sorted(
        {r["type"] for r in rows},
        key=lambda t: (list(TYPE_COLOURS).index(t) if t in TYPE_COLOURS else 99, t),
    )
    by_week: dict[int, dict[str, int]] = {}
    for r in rows:
        if 0 <= r["week"] < weeks:
            by_week.setdefault(r["week"], {})[r["type"]] = r["events"]
    bars = []
    for week in range(weeks):
        column = weeks - 1 - week  # week 0 (the latest) on the right
        y = height - bottom
        for kind in order:
            count = by_week.get(week, {}).get(kind, 0)
            if not count:
                continue
            h = count * scale
            y -= h
            bars.append(
                {
                    "x": round(left + column * step + 2, 2),
                    "y": round(y, 2),
                    "w": round(step - 4, 2),
                    "h": round(h, 2),
                    "colour": type_colour(kind),
                    "type": kind,
                    "events": count,
                    "week": week,
                }
            )
    labels = [
        {
            "x": round(left + (weeks - 1 - w) * step + step / 2, 2),
            "text": "now" if w == 0 else f"−{w}w",
        }
        for w in range(weeks)
        if w % 2 == 0
    ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "labels": labels,
        "peak": peak,
        "baseline": height - bottom,
        "left": left,
        "legend": [{"type": t, "colour": type_colour(t)} for t in order],
        "total": sum(totals),
    }


def lift_bars(
    deciles: Sequence[dict[str, Any]], width: float = 520, height: float = 200
) -> dict[str, Any]:
    """Bars of lift per score decile (decile 1 the highest scores), with the lift-1 line."""
    left, bottom, top = 36, 22, 10
    lifts = [float(d.get("lift") or 0.0) for d in deciles]
    peak = max([1.5, *lifts])
    step = (width - left - 8) / max(len(deciles), 1)
    scale = (height - bottom - top) / peak
    bars = [
        {
            "x": round(left + i * step + 3, 2),
            "y": round(height - bottom - lift * scale, 2),
            "w": round(step - 6, 2),
            "h": round(lift * scale, 2),
            "lift": lift,
            "decile": d.get("decile"),
            "cx": round(left + i * step + step / 2, 2),
        }
        for i, (d, lift) in enumerate(zip(deciles, lifts, strict=True))
    ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "one": round(height - bottom - scale, 2),
        "left": left,
        "baseline": height - bottom,
    }
