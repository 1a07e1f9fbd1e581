"""Lists of buying roles as stored: canonical names joined with ``;``.

A contact's ``buying_role`` holds every explicit role it was given
(``end_user;influencer``), in vocabulary order; a scored contact's ``roles``
is written the same way. Both stores keep the text; the graph has one
``HAS_ROLE`` relationship per role.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["SEPARATOR", "role_names", "split_roles"]

SEPARATOR = ";"


def split_roles(roles: pd.Series) -> pd.DataFrame:
    """One row per (position, role) of a column of role lists: ``row`` and ``role``.

    ``row`` is the position of the list in ``roles``; missing lists add no row.

    Examples
    --------
    >>> split_roles(pd.Series(["end_user;influencer", None, "champion"])).values.tolist()
    [[0, 'end_user'], [0, 'influencer'], [2, 'champion']]
    """
    lists = pc.split_pattern(pa.array(roles.astype("str"), type=pa.large_string()), SEPARATOR)
    row = pc.list_parent_indices(lists).to_numpy()
    role = pc.list_flatten(lists)
    keep = pc.not_equal(role, "").to_numpy(zero_copy_only=False)
    return pd.DataFrame(
        {"row": row[keep].astype(np.int64), "role": role.filter(pa.array(keep)).to_pandas()}
    )


def role_names(roles: object) -> list[str]:
    """One stored role list as a Python list (empty when missing).

    Examples
    --------
    >>> role_names("end_user;influencer"), role_names(None)
    (['end_user', 'influencer'], [])
    """
    return [r for r in roles.split(SEPARATOR) if r] if isinstance(roles, str) else []
