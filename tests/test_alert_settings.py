"""[history] and [alerts] in the scoring config: validated, and outside the config hash."""

from __future__ import annotations

import pytest

from abmgraph.errors import ConfigError
from abmgraph.scoring.config import ScoringConfig, config_from_dict, config_hash, render_default


def test_defaults_and_the_hash_ignores_them() -> None:
    config = config_from_dict(
        {
            "history": {"keep_runs": 5},
            "alerts": {"min_points": 4, "surge_points": 12, "webhook": " https://h.example/x "},
        }
    )
    assert (config.history.keep_runs, config.alerts.min_points) == (5, 4)
    assert (config.alerts.surge_points, config.alerts.webhook) == (12, "https://h.example/x")
    assert config_hash(config) == config_hash(ScoringConfig())
    defaults = ScoringConfig()
    assert (defaults.history.keep_runs, defaults.alerts.min_points) == (30, 10)
    assert (defaults.alerts.surge_points, defaults.alerts.webhook) == (25, "")
    # The commented default file shows both sections and reads back as the defaults.
    text = render_default()
    assert "[history]\n" in text and "[alerts]\n" in text and 'webhook = ""' in text


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"history": {"keep_runs": 1}}, "history.keep_runs"),
        ({"alerts": {"min_points": 0}}, "alerts.min_points"),
        ({"alerts": {"webhook": "ftp://h.example"}}, "webhook must be an http:// or https:// URL"),
        ({"alerts": {"hook": "x"}}, "alerts.hook"),
        ({"alerts": {"rotate_mb": 0}}, "alerts.rotate_mb"),
        ({"alerts": {"keep_rotated": -1}}, "alerts.keep_rotated"),
    ],
)
def test_bad_settings_are_refused(section: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_dict(section)
