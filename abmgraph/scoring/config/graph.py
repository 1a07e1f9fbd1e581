"""Graph components of the account priority: paths to power, champions who moved, the family.

Each component is points in the same 0–100 engagement scale as the committee
components, multiplied by the engagement weight and added to the priority.
Points of 0 turn a component off, and then its graph walk is never run.
"""

from __future__ import annotations

from pydantic import Field

from abmgraph.scoring.config.section import MAX_DAYS, Section
from abmgraph.scoring.config.vocab import BuyingRole

__all__ = ["MAX_HOPS", "GraphSection"]

# The longest REPORTS_TO chain walked: the Neo4j query expands at most this many
# relationships (a variable-length bound cannot be a parameter).
MAX_HOPS = 10


class GraphSection(Section):
    """Points from walking the graph around the account's committee (0 turns one off)."""

    access_to_power_points: float = Field(
        10,
        ge=0,
        description="Points when engaged contacts reach an engaged power holder up their "
        "REPORTS_TO chain (at saturation).",
    )
    access_to_power_scale: float = Field(
        2, gt=0, description="Engaged contacts with a path to power giving 63% of the points."
    )
    max_hops: int = Field(
        3,
        ge=1,
        le=MAX_HOPS,
        description="Most REPORTS_TO steps from an engaged contact to a power holder.",
    )
    power_roles: list[BuyingRole] = Field(
        default_factory=lambda: ["decision_maker", "economic_buyer"],
        description="Roles that hold power (as scoring derives them).",
    )
    champions_moved_points: float = Field(
        10,
        ge=0,
        description="Points for contacts who championed or won a deal at an account they "
        "worked at before (at saturation).",
    )
    champions_moved_scale: float = Field(
        1, gt=0, description="Champions who moved (decayed) giving 63% of the points."
    )
    champion_roles: list[BuyingRole] = Field(
        default_factory=lambda: ["champion", "decision_maker"],
        description="Deal roles at a past employer that make a champion (any role on a won "
        "deal does too).",
    )
    champions_moved_half_life_days: float = Field(
        180,
        gt=0,
        le=MAX_DAYS,
        description="A champion's points halve every this many days since started_at at "
        "the account (no decay without started_at).",
    )
    family_points: float = Field(
        10, ge=0, description="Most points from the corporate family's engagement."
    )
    family_share: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Share of the most engaged relative's committee engagement (parent, "
        "subsidiary or sibling through SUBSIDIARY_OF) added to the account.",
    )

    @property
    def access_to_power_on(self) -> bool:
        return self.access_to_power_points > 0 and bool(self.power_roles)

    @property
    def champions_moved_on(self) -> bool:
        return self.champions_moved_points > 0

    @property
    def family_on(self) -> bool:
        return self.family_points > 0 and self.family_share > 0
