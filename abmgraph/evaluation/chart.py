"""A PNG chart of lift by score decile, one bar series per config."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from abmgraph.safe_io import atomic_open, check_output

__all__ = ["lift_chart"]

COLOURS = ("#1f5fa8", "#e07b39")


def lift_chart(
    series: Sequence[tuple[str, list[dict[str, Any]]]], path: Path, subtitle: str = ""
) -> Path:
    """Draw lift by decile for each ``(label, lift_by_decile rows)`` and save a PNG at ``path``.

    Decile 1 (the highest scores) is on the left; the dashed line at 1.0 is
    what a random ranking would give.
    """
    figure, axes = plt.subplots(figsize=(9, 5.2), dpi=120)
    width = 0.8 / max(len(series), 1)
    tallest = 1.0
    for index, (label, rows) in enumerate(series):
        deciles = np.array([row["decile"] for row in rows])
        lifts = np.array([row["lift"] or 0.0 for row in rows], dtype=float)
        tallest = max(tallest, float(lifts.max(initial=0.0)))
        offset = (index - (len(series) - 1) / 2) * width
        bars = axes.bar(deciles + offset, lifts, width, label=label, color=COLOURS[index % 2])
        axes.bar_label(bars, labels=[f"{v:.2f}" for v in lifts], padding=2, fontsize=8)
    axes.axhline(1.0, color="#555555", linestyle="--", linewidth=1, label="baseline (random)")
    axes.set_xticks(range(1, 11))
    axes.set_xlim(0.4, 10.6)
    axes.set_ylim(0, tallest * 1.15)
    axes.set_xlabel("Score decile (1 = highest scores)")
    axes.set_ylabel("Lift (decile conversion ÷ overall conversion)")
    axes.set_title("Lift by score decile" + (f"\n{subtitle}" if subtitle else ""), fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(frameon=False)
    figure.tight_layout()
    path = check_output(path, option="--chart")
    try:
        with atomic_open(path, "wb") as stream:
            figure.savefig(stream, format="png")
    finally:
        plt.close(figure)
    return path
