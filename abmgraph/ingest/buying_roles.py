"""A contact's buying roles: a ``;``-separated list, as CRM multi-select fields export it.

HubSpot writes a multi-select ``Buying Role`` as ``Influencer;End User``;
that is two roles. Each item is canonicalised through the buying-role
vocabulary and its aliases (:func:`abmgraph.ingest.vocabularies.canonical_buying_role`),
and the list is stored as canonical names joined with ``;`` in vocabulary
order, without repeats: ``"Influencer; END_USER;influencer"`` becomes
``"end_user;influencer"``. One text per set of roles keeps the column a plain
string in both stores (the way ``technologies`` and ``previous_account_ids``
are kept) and lets two lists be compared as text.

A list with an item that is not a buying role is invalid, like a single
unknown role, and the reason names the unknown items; the known items are
still returned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.graph.role_lists import SEPARATOR
from abmgraph.graph.vocab import BUYING_ROLES
from abmgraph.ingest.vocabularies import canonical_buying_role

__all__ = ["canonical_buying_roles"]

_ORDER = {role: i for i, role in enumerate(BUYING_ROLES)}


def canonical_buying_roles(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Canonical role lists, the invalid mask, and the reason of each invalid row.

    Work is done once per distinct input text (a role column holds a handful).

    Returns
    -------
    (values, invalid, reasons)
        ``str`` canonical lists (missing when no known role is given); True
        where a non-empty value holds an unknown role; and, indexed by row
        position, ``unknown buying role 'X' …`` for every invalid row.

    Examples
    --------
    >>> values, invalid, _ = canonical_buying_roles(pd.Series(["Influencer;End User", None]))
    >>> values.tolist(), invalid.tolist()
    (['end_user;influencer', nan], [False, False])
    """
    codes, distinct = pd.factorize(s.astype("str"), use_na_sentinel=True)
    texts = pd.Series(distinct, dtype="str")
    items = texts.str.split(SEPARATOR).explode().str.strip()
    items = items[items.notna() & (items != "")]
    canonical, unknown = canonical_buying_role(items.reset_index(drop=True))
    table = pd.DataFrame(
        {
            "at": items.index.to_numpy(dtype=np.int64),
            "item": items.to_numpy(dtype=object),
            "role": canonical.to_numpy(dtype=object),
            "unknown": unknown.to_numpy(dtype=bool),
        }
    )
    known = table[~table["unknown"] & table["role"].notna()]
    known = (
        known.assign(order=known["role"].map(_ORDER))
        .drop_duplicates(["at", "role"])
        .sort_values(["at", "order"], kind="stable")
        .groupby("at")["role"]
        .agg(SEPARATOR.join)
    )
    lists = known.reindex(range(len(texts))).tolist()
    bad = table[table["unknown"]].groupby("at")["item"].agg(list)
    reasons = pd.Series(
        [_reason(names, texts.iloc[at]) for at, names in bad.items()], index=bad.index
    ).reindex(range(len(texts)))
    values = pd.Series(
        pd.array([*lists, None], dtype="str")[codes], index=s.index, name=s.name, dtype="str"
    )
    flags = np.append(reasons.notna().to_numpy(), False)[codes]
    invalid = pd.Series(flags, index=s.index, name=s.name)
    rows = np.flatnonzero(flags)
    why = np.append(reasons.to_numpy(dtype=object), None)[codes[rows]]
    return values, invalid, pd.Series(why, index=rows, dtype="str")


def _reason(unknown: list[str], text: str) -> str:
    names = ", ".join(repr(item) for item in unknown)
    where = "" if len(unknown) == 1 and unknown[0] == text.strip() else f" in {text.strip()!r}"
    return f"unknown buying role {names}{where}; accepted: {', '.join(BUYING_ROLES)}"
