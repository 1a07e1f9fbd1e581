"""The vocabularies settings name: seniorities, departments, buying roles, stages, quadrants.

Seniorities, departments and buying roles are the data contract's own
(:mod:`abmgraph.graph.vocab`); stages and quadrants are what scoring assigns.
"""

from __future__ import annotations

from typing import Literal

from abmgraph.graph.vocab import BuyingRole, Department, Seniority

__all__ = ["AccountStage", "BuyingRole", "Department", "Quadrant", "Seniority"]

AccountStage = Literal["target", "awareness", "consideration", "decision", "purchase"]
Quadrant = Literal["sales_ready", "nurture", "route_elsewhere", "ignore"]
