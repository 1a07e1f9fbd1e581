"""The scoring config: defaults, the commented file, validation messages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from abmgraph.errors import ConfigError
from abmgraph.scoring.config import (
    ScoringConfig,
    config_from_dict,
    config_hash,
    load_config,
    render_default,
)

EXAMPLES = sorted((Path(__file__).parent.parent / "examples" / "models").glob("*.toml"))


def test_default_file_round_trips_and_comments_every_setting():
    text = render_default()
    assert ScoringConfig.model_validate(tomllib.loads(text)) == ScoringConfig()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        is_setting = "=" in line and not line.startswith(("#", "[")) and i > 0
        if is_setting and not lines[i - 1].startswith("[["):
            previous = lines[i - 1]
            assert previous.startswith("#") or "=" in previous, f"setting without comment: {line}"


def test_unknown_keys_and_bad_values_are_reported_as_section_key():
    with pytest.raises(ConfigError) as error:
        config_from_dict({"contact": {"mql_treshold": 40, "sql_threshold": "high"}})
    message = str(error.value)
    assert "contact.mql_treshold: unknown setting" in message
    assert "contact.sql_threshold: Input should be a valid number" in message


def test_cross_field_checks():
    with pytest.raises(ConfigError, match="fit_weight and engagement_weight must add up to 1"):
        config_from_dict({"account": {"fit_weight": 0.5, "engagement_weight": 0.6}})
    with pytest.raises(ConfigError, match="sql_threshold must be at least mql_threshold"):
        config_from_dict({"contact": {"mql_threshold": 70, "sql_threshold": 60}})
    with pytest.raises(ConfigError, match="points and cap must have the same sign"):
        config_from_dict({"engagement": {"demo_request": {"points": 30, "cap": -5}}})


def test_a_partial_table_updates_the_defaults():
    config = config_from_dict(
        {
            "engagement": {"podcast_listen": {"points": 4, "cap": 8}},
            "contact": {"grades": {"A": 40}},
        }
    )
    assert config.engagement["podcast_listen"].points == 4
    assert config.engagement["demo_request"].points == 30  # default kept
    assert config.contact.grades == {"A": 40, "B": 20, "C": 10}
    assert "podcast_listen" in config.engagement_types


def test_missing_or_broken_file(tmp_path):
    with pytest.raises(ConfigError, match="no such config file; run 'abmgraph init'"):
        load_config(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[contact\nmql = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)


def test_hash_changes_with_any_setting():
    assert config_hash(ScoringConfig()) == config_hash(ScoringConfig())
    changed = config_from_dict({"window": {"half_life_days": 31}})
    assert config_hash(changed) != config_hash(ScoringConfig())


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_models_load(path):
    config = load_config(path)
    assert config.contact.mql_threshold > 0


def test_there_is_an_example_per_practitioner_model():
    assert {p.stem for p in EXAMPLES} >= {
        "five-dimension",
        "point-table",
        "fit-behaviour",
        "demographic-behavioural",
        "conversion-rates",
    }
    assert (
        load_config(
            EXAMPLES[[p.stem for p in EXAMPLES].index("five-dimension")]
        ).contact.mql_threshold
        == 80
    )


def test_the_config_vocabularies_are_the_contract_s():
    from abmgraph.graph.vocab import BUYING_ROLES, DEPARTMENTS, ENGAGEMENT_TYPES, SENIORITIES
    from abmgraph.scoring.config import DEFAULT_EVENT_POINTS, BuyingRole, Department, Seniority

    assert set(Seniority.__args__) == set(SENIORITIES)
    assert set(Department.__args__) == set(DEPARTMENTS)
    assert set(BuyingRole.__args__) == set(BUYING_ROLES)
    assert set(DEFAULT_EVENT_POINTS) == set(ENGAGEMENT_TYPES)
