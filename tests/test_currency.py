"""Money in several currencies: never summed together, converted only with the user's rates."""

from __future__ import annotations

import pandas as pd
import pytest

from abmgraph.errors import ConfigError
from abmgraph.evaluation.metrics import pipeline_velocity
from abmgraph.scoring.config import ScoringConfig, config_from_dict, config_hash, render_default

AT = pd.Timestamp("2026-01-01", tz="UTC")


def deals(*rows: tuple[str, bool, bool, float, str | None, int]) -> pd.DataFrame:
    """(account, closed, won, amount, currency, days to close) per deal."""
    return pd.DataFrame(
        {
            "account_id": [r[0] for r in rows],
            "is_closed": [r[1] for r in rows],
            "is_won": [r[2] for r in rows],
            "amount": [r[3] for r in rows],
            "currency": pd.Series([r[4] for r in rows], dtype="str"),
            "created_at": [AT] * len(rows),
            "closed_at": [AT + pd.Timedelta(days=r[5]) for r in rows],
        }
    )


TIERS = pd.Series({"A": 1, "B": 1, "C": 2})
MIXED = deals(
    ("A", True, True, 10_000.0, "USD", 20),
    ("A", True, False, 4_000.0, "USD", 10),
    ("B", True, True, 9_000.0, "eur", 30),  # lower case as some exports write it
    ("C", True, True, 1_000.0, "JPY", 10),
)


def test_velocity_is_per_currency_without_rates() -> None:
    rows = pipeline_velocity(MIXED, TIERS)
    summary = [(r["tier"], r["currency"], r["opportunities"], r["velocity_per_day"]) for r in rows]
    # Tier 1 EUR: 1 deal × 100% × 9,000 ÷ 30 days = 300/day.
    # Tier 1 USD: 2 deals × 50% × 10,000 ÷ 20 days = 500/day.
    # Tier 2 JPY: 1 × 100% × 1,000 ÷ 10 = 100/day.
    assert summary == [(1, "EUR", 1, 300.0), (1, "USD", 2, 500.0), (2, "JPY", 1, 100.0)]


def test_velocity_converts_with_the_configured_rates() -> None:
    rows = pipeline_velocity(MIXED, TIERS, base="USD", rates={"EUR": 1.1})
    summary = [
        (r["tier"], r["currency"], r["opportunities"], r["win_rate"], r["average_amount"])
        for r in rows
    ]
    # Tier 1 in USD: 3 deals, 2 won of 3 closed; won amounts 10,000 and 9,000 × 1.1 = 9,900.
    assert summary == [(1, "USD", 3, 0.6667, 9950.0), (2, "JPY", 1, 1.0, 1000.0)]
    # Cycle of won deals: (20 + 30) / 2 = 25 days; 3 × 2/3 × 9,950 ÷ 25 = 796/day.
    assert rows[0]["velocity_per_day"] == pytest.approx(796.0)
    assert rows[0]["cycle_days"] == 25.0


def test_amounts_without_currency_are_never_mixed_with_coded_ones() -> None:
    frame = deals(("A", True, True, 100.0, None, 10), ("A", True, True, 300.0, "USD", 10))
    rows = pipeline_velocity(frame, TIERS, base="USD", rates={"EUR": 1.1})
    assert [(r["currency"], r["average_amount"]) for r in rows] == [("USD", 300.0), (None, 100.0)]
    no_column = frame.drop(columns="currency")
    rows = pipeline_velocity(no_column, TIERS)
    assert [(r["currency"], r["opportunities"], r["average_amount"]) for r in rows] == [
        (None, 2, 200.0)
    ]


def test_currency_config_is_checked_and_kept_out_of_the_hash() -> None:
    config = config_from_dict({"currency": {"base": "usd", "rates": {"eur": 1.08, "GBP": 1}}})
    assert (config.currency.base, config.currency.rates) == ("USD", {"EUR": 1.08, "GBP": 1.0})
    assert config_hash(config) == config_hash(ScoringConfig())  # scores do not depend on it
    with pytest.raises(ConfigError, match=r"currency: .*rates need a base currency"):
        config_from_dict({"currency": {"rates": {"EUR": 1.08}}})
    with pytest.raises(ConfigError, match=r"currency.rates: .*rate of EUR must be a positive"):
        config_from_dict({"currency": {"base": "USD", "rates": {"EUR": -1}}})
    with pytest.raises(ConfigError, match=r"currency.base: .*'DOLLAR' is not an ISO 4217"):
        config_from_dict({"currency": {"base": "dollar"}})
    # The default file documents the section, and a written config reads back the same.
    assert "[currency]" in render_default()
    import tomllib

    again = config_from_dict(tomllib.loads(render_default(config)))
    assert again.currency == config.currency
