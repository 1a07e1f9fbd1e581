"""The generated dataset, its file kinds and the anchor instant it is generated for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

__all__ = ["FILE_KINDS", "DemoData", "parse_anchor"]


FILE_KINDS = (
    "accounts",
    "contacts",
    "engagements",
    "intent",
    "opportunities",
    "opportunity_contacts",
    "truth",
)


@dataclass(frozen=True, eq=False)
class DemoData:
    """A generated dataset: one frame per contract kind, the planted truth and the anchor.

    Attributes
    ----------
    accounts, contacts, engagements, intent, opportunities, opportunity_contacts
        Frames whose columns are exactly the data-contract field names.
    truth
        ``account_id`` and ``in_market`` (bool) for every account.
    anchor
        The instant the data was generated for (tz-aware UTC); no event,
        observation or opportunity date is after it.
    seed
        The seed the data was drawn with (``None`` when not known).
    """

    accounts: pd.DataFrame
    contacts: pd.DataFrame
    engagements: pd.DataFrame
    intent: pd.DataFrame
    opportunities: pd.DataFrame
    opportunity_contacts: pd.DataFrame
    truth: pd.DataFrame
    anchor: pd.Timestamp
    seed: int | None = None

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by file kind, in ``FILE_KINDS`` order."""
        return {kind: getattr(self, kind) for kind in FILE_KINDS}


def parse_anchor(value: str | date | datetime | pd.Timestamp | None) -> pd.Timestamp:
    """The generation instant in UTC: naive values are UTC, a bare date is its 00:00.

    ``None`` means today at 00:00 UTC.

    Examples
    --------
    >>> parse_anchor("2026-10-01")
    Timestamp('2026-10-01 00:00:00+0000', tz='UTC')
    """
    if value is None:
        return pd.Timestamp.now(tz="UTC").normalize()
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
