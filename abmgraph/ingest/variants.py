"""The shape of a preset: the ``Variant``s a kind is exported as, and their column sources.

A variant maps each contract field to its candidate source columns, in order
of preference. A source is a header label, or ``(label, transform)`` where
``transform`` names one of the value transforms in ``transforms.TRANSFORMS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Source", "Transform", "Variant"]

Source = str | tuple[str, str]
# A value transform: (text values, the input frame with folded column names)
# → (text values, reason per row where the value cannot be mapped, else NA).
Transform = Callable[[pd.Series, pd.DataFrame], tuple[pd.Series, pd.Series]]


@dataclass(frozen=True)
class Variant:
    """One way a kind can be exported: which columns identify it, and the column map."""

    name: str
    columns: dict[str, tuple[Source, ...]]
    # Groups of labels; the variant applies when each group has at least one present.
    when: tuple[tuple[str, ...], ...] = ()
    # Values a field takes where every source is empty or absent (a Salesforce Event is a meeting).
    defaults: dict[str, str] = field(default_factory=dict)
