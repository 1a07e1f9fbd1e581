"""Buying roles of each contact: explicit first, then opportunity contact roles, then inferred.

Roles are kept as a boolean matrix (contacts × roles) so coverage per
account is a single group-by.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.graph.vocab import BUYING_ROLES
from abmgraph.scoring.config import ScoringConfig

__all__ = ["contact_roles", "join_roles"]


def _one_hot(ids: pd.Series, roles: pd.Series, index: pd.Index) -> pd.DataFrame:
    frame = pd.DataFrame({"contact_id": ids.to_numpy(), "role": roles.to_numpy()}).dropna()
    frame = frame[frame["role"].isin(BUYING_ROLES)]
    matrix = pd.crosstab(frame["contact_id"], frame["role"]).gt(0)
    return matrix.reindex(index=index, columns=list(BUYING_ROLES), fill_value=False).astype(bool)


def contact_roles(
    contacts: pd.DataFrame,
    opportunity_roles: pd.DataFrame,
    positive_engagement: pd.Series,
    config: ScoringConfig,
) -> tuple[pd.DataFrame, pd.Series]:
    """The role matrix (index contact_id, one boolean column per role) and each contact's source.

    ``opportunity_roles`` has ``contact_id`` and ``role`` (canonical) for the
    opportunities visible at ``as_of``; ``positive_engagement`` is indexed by
    contact_id and used by rules with ``min_engagement``.
    """
    index = pd.Index(contacts["contact_id"], name="contact_id")
    explicit = _one_hot(contacts["contact_id"], contacts["buying_role"], index)
    from_opportunities = _one_hot(opportunity_roles["contact_id"], opportunity_roles["role"], index)

    inferred = pd.DataFrame(False, index=index, columns=list(BUYING_ROLES))
    seniority = contacts["seniority"].to_numpy(dtype=object)
    department = contacts["department"].to_numpy(dtype=object)
    engagement = positive_engagement.reindex(index).fillna(0.0).to_numpy()
    # Rules on who a person is are first-match: one person, one role. Rules gated on
    # engagement add a role on top, so a new event can only ever add coverage.
    unassigned = np.ones(len(index), dtype=bool)
    for rule in config.account.committee.role_rules:
        hit = np.ones(len(index), dtype=bool)
        if rule.seniorities:
            hit &= np.isin(seniority, rule.seniorities)
        if rule.departments:
            hit &= np.isin(department, rule.departments)
        if rule.min_engagement > 0:
            inferred[rule.role] |= hit & (engagement >= rule.min_engagement)
        else:
            inferred[rule.role] |= hit & unassigned
            unassigned &= ~hit

    has_explicit = explicit.any(axis=1).to_numpy()
    has_opportunity = from_opportunities.any(axis=1).to_numpy()
    pick = np.select([has_explicit, has_opportunity], [1, 2], 3)[:, None]
    matrix = pd.DataFrame(
        np.where(pick == 1, explicit, np.where(pick == 2, from_opportunities, inferred)),
        index=index,
        columns=list(BUYING_ROLES),
    )
    source = pd.Series(
        np.select([has_explicit, has_opportunity], ["explicit", "opportunity"], "inferred"),
        index=index,
    )
    source[~matrix.any(axis=1)] = pd.NA
    return matrix, source


def join_roles(matrix: pd.DataFrame, order: list[str] | None = None) -> pd.Series:
    """Each row's true columns joined with ``;`` (empty string when none)."""
    columns = order or list(matrix.columns)
    joined = pd.Series("", index=matrix.index, dtype=object)
    for role in columns:
        joined = joined + np.where(matrix[role].to_numpy(), role + ";", "")
    return joined.str.rstrip(";")
