"""Buying roles of each contact: explicit first, then opportunity contact roles, then inferred.

Roles are kept as a boolean matrix (contacts × roles) so coverage per
account is a single group-by. A contact may hold several roles from one
source: every role of an explicit ``buying_role`` list (``end_user;influencer``),
every role of the deals they are on, or an inferred role plus those gated on
engagement. The source with any role wins as a whole, so an explicit list
never mixes with inferred roles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.graph.role_lists import split_roles
from abmgraph.graph.vocab import BUYING_ROLES
from abmgraph.scoring.config import ScoringConfig

__all__ = ["contact_roles", "join_roles"]


def _one_hot(ids: pd.Series, roles: pd.Series, index: pd.Index) -> pd.DataFrame:
    row = index.get_indexer(ids)
    col = pd.Index(BUYING_ROLES).get_indexer(roles)
    ok = (row >= 0) & (col >= 0)
    matrix = np.zeros((len(index), len(BUYING_ROLES)), dtype=bool)
    matrix[row[ok], col[ok]] = True
    return pd.DataFrame(matrix, index=index, columns=list(BUYING_ROLES))


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
    held = split_roles(contacts["buying_role"])
    explicit = _one_hot(contacts["contact_id"].iloc[held["row"].to_numpy()], held["role"], index)
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


def join_roles(matrix: pd.DataFrame) -> pd.Series:
    """Each row's true columns joined with ``;`` (empty string when none)."""
    # Few distinct role sets exist, so build each string once from a bit pattern.
    columns = list(matrix.columns)
    bits = matrix.to_numpy().astype(np.int64) @ (1 << np.arange(len(columns), dtype=np.int64))
    patterns, inverse = np.unique(bits, return_inverse=True)
    names = np.array(
        [";".join(c for i, c in enumerate(columns) if p >> i & 1) for p in patterns], dtype=object
    )
    return pd.Series(names[inverse], index=matrix.index)
