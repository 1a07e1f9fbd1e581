"""The scoring config: pydantic models with a default and a description on every setting.

A user's ``scoring.toml`` is validated against these models; unknown keys
fail loudly (a typo should never be silently ignored) and errors read as
``section.key: message``. ``render_default`` writes the commented default
file from the models themselves, so the file and the code cannot drift.

One module per area: ``section`` (what every section shares), ``vocab``
(the vocabularies settings name), ``engagement``, ``contact``, ``account``,
``attribute_rule``, ``audience``, ``currency``, ``model`` (the whole config),
``loading`` (files in, validation, hash) and ``render`` (the default file).
"""

from __future__ import annotations

from abmgraph.scoring.config.account import (
    AccountFit,
    AccountSection,
    Committee,
    RoleRule,
    Stages,
)
from abmgraph.scoring.config.attribute_rule import AttributeRule
from abmgraph.scoring.config.audience import AudienceFilters
from abmgraph.scoring.config.contact import ContactFit, ContactSection
from abmgraph.scoring.config.currency import CurrencySection
from abmgraph.scoring.config.engagement import DEFAULT_EVENT_POINTS, EventPoints, Window
from abmgraph.scoring.config.graph import MAX_HOPS, GraphSection
from abmgraph.scoring.config.loading import (
    config_from_bytes,
    config_from_dict,
    config_hash,
    load_config,
)
from abmgraph.scoring.config.model import ScoringConfig
from abmgraph.scoring.config.render import render_default
from abmgraph.scoring.config.section import MAX_DAYS, MAX_MAGNITUDE
from abmgraph.scoring.config.vocab import (
    AccountStage,
    BuyingRole,
    Department,
    Quadrant,
    Seniority,
)

__all__ = [
    "DEFAULT_EVENT_POINTS",
    "MAX_DAYS",
    "MAX_HOPS",
    "MAX_MAGNITUDE",
    "AccountFit",
    "AccountSection",
    "AccountStage",
    "AttributeRule",
    "AudienceFilters",
    "BuyingRole",
    "Committee",
    "ContactFit",
    "ContactSection",
    "CurrencySection",
    "Department",
    "EventPoints",
    "GraphSection",
    "Quadrant",
    "RoleRule",
    "ScoringConfig",
    "Seniority",
    "Stages",
    "Window",
    "config_from_bytes",
    "config_from_dict",
    "config_hash",
    "load_config",
    "render_default",
]
