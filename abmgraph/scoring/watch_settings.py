"""Settings of ``abmgraph watch``: how often a full rescore lets decay reach every account.

A watcher rescores only the accounts its files touched; an account nothing
touched keeps the score of the day it was last scored, so events age in it
without losing points. A full rescore every ``full_every`` (a duration such
as ``"24h"``, ``"90m"`` or ``"1d12h"``) brings every account back to the
present. The setting changes when scores are refreshed, never what they are,
so it stays out of the config fingerprint.
"""

from __future__ import annotations

import re
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator

from abmgraph.errors import ConfigError

__all__ = ["WatchSection", "format_duration", "parse_duration"]

_UNITS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([wdhms])")
_WHOLE = re.compile(r"(?:\s*\d+(?:\.\d+)?\s*[wdhms])+\s*")


def parse_duration(text: str) -> timedelta:
    """A duration written as numbers with units: ``w``, ``d``, ``h``, ``m``, ``s``.

    Raises
    ------
    ConfigError
        ``text`` is not such a duration, or it is zero.

    Examples
    --------
    >>> parse_duration("24h")
    datetime.timedelta(days=1)
    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_duration("0.5d")
    datetime.timedelta(seconds=43200)
    """
    folded = text.strip().lower()
    if not _WHOLE.fullmatch(folded):
        raise ConfigError(
            f"{text!r} is not a duration; write a number and a unit (w, d, h, m or s), "
            "for example 24h, 90m or 1d12h."
        )
    seconds = sum(float(n) * _UNITS[unit] for n, unit in _PART.findall(folded))
    if seconds <= 0:
        raise ConfigError(f"{text!r} is no time at all; give a duration such as 24h.")
    return timedelta(seconds=seconds)


def format_duration(duration: timedelta) -> str:
    """A duration in the units :func:`parse_duration` reads, largest first.

    >>> format_duration(timedelta(days=1)), format_duration(timedelta(seconds=5400))
    ('1d', '1h30m')
    """
    seconds = round(duration.total_seconds())
    parts = []
    for unit in "dhms":
        count, seconds = divmod(seconds, _UNITS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


class WatchSection(BaseModel):
    """The watcher: when a full rescore brings every account's decay up to date."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    full_every: str = Field(
        "24h",
        description="Time between full rescores while watching (w, d, h, m, s: 24h, 90m, 1d12h).",
    )

    @field_validator("full_every")
    @classmethod
    def _is_duration(cls, value: str) -> str:
        try:
            parse_duration(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return value

    @property
    def full_interval(self) -> timedelta:
        return parse_duration(self.full_every)
