"""The vocabularies settings name: seniorities, departments, buying roles, stages, quadrants."""

from __future__ import annotations

from typing import Literal

__all__ = ["AccountStage", "BuyingRole", "Department", "Quadrant", "Seniority"]

Seniority = Literal["c_level", "vp", "director", "manager", "individual_contributor", "entry"]
Department = Literal[
    "executive",
    "it",
    "engineering",
    "finance",
    "operations",
    "marketing",
    "sales",
    "hr",
    "legal",
    "procurement",
    "product",
    "support",
    "other",
]
BuyingRole = Literal[
    "decision_maker",
    "economic_buyer",
    "champion",
    "technical_evaluator",
    "end_user",
    "influencer",
    "executive_sponsor",
    "legal_procurement",
    "blocker",
    "other",
]
AccountStage = Literal["target", "awareness", "consideration", "decision", "purchase"]
Quadrant = Literal["sales_ready", "nurture", "route_elsewhere", "ignore"]
