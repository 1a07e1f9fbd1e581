"""Vectorised random draws: weighted categories, picks within groups, office-hour instants."""

import numpy as np
import pandas as pd

from abmgraph.graph.vocab import SENIORITIES

__all__ = [
    "DAY_US",
    "WINDOW_DAYS",
    "draw_by_seniority",
    "draw_codes",
    "draw_instants",
    "draw_within",
    "grouped",
    "probabilities",
]


DAY_US = 86_400_000_000
WINDOW_DAYS = 180  # engagement and intent span this many days before the anchor


def probabilities(weights: dict[str, float] | tuple[float, ...]) -> np.ndarray:
    """Weights scaled to sum to one."""
    values = np.fromiter(weights.values() if isinstance(weights, dict) else weights, float)
    return values / values.sum()


def draw_codes(
    rng: np.random.Generator, n: int, weights: dict[str, float], vocab: tuple[str, ...]
) -> np.ndarray:
    """``n`` draws from named ``weights``, as indexes into ``vocab``."""
    index = np.array([vocab.index(name) for name in weights])
    return index[rng.choice(len(index), n, p=probabilities(weights))]


def grouped(groups: list[tuple]) -> tuple[list, np.ndarray]:
    """The groups flattened, and the offsets where each starts (plus the end)."""
    flat = [value for group in groups for value in group]
    return flat, np.cumsum([0] + [len(group) for group in groups])


def draw_within(rng: np.random.Generator, offsets: np.ndarray, group: np.ndarray) -> np.ndarray:
    """A uniform draw from each row's group of a ``grouped`` table."""
    span = (offsets[1:] - offsets[:-1])[group]
    step = (rng.random(len(group), dtype=np.float32) * span).astype(np.int64)
    return offsets[:-1][group] + np.minimum(step, span - 1)


def draw_by_seniority(
    rng: np.random.Generator, table: dict[str, tuple], rows: np.ndarray
) -> np.ndarray:
    """One category per row, from the probabilities of ``table[SENIORITIES[rows]]``."""
    cumulative = np.cumsum(np.array([probabilities(table[s]) for s in SENIORITIES]), axis=1)
    u = rng.random(len(rows))
    return (u[:, None] >= cumulative[rows]).sum(axis=1).clip(max=cumulative.shape[1] - 1)


def draw_instants(
    rng: np.random.Generator, days_ago: np.ndarray, anchor: pd.Timestamp
) -> np.ndarray:
    """Microseconds since the epoch, ``days_ago`` days before the anchor in office hours.

    Most weekend activity moves to a weekday; nothing lands after the anchor.
    """
    n = len(days_ago)
    anchor_us = anchor.value // 1000
    day = anchor_us // DAY_US - np.floor(days_ago).astype(np.int64)
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    back = weekday - 4 + rng.integers(0, 5, n)  # Saturday/Sunday → Monday..Friday before
    day -= np.where((weekday >= 5) & (rng.random(n, dtype=np.float32) < 0.85), back, 0)
    office = np.clip(780 + 150 * rng.standard_normal(n, dtype=np.float32), 360, 1290)
    anytime = rng.random(n, dtype=np.float32) * 1440
    minute = np.where(rng.random(n, dtype=np.float32) < 0.88, office, anytime).astype(np.int64)
    stamp = day * DAY_US + minute * 60_000_000
    return np.where(stamp > anchor_us, stamp - DAY_US, stamp)
