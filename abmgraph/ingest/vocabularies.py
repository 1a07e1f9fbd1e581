"""Values mapped onto the contract's vocabularies (seniority, department, buying role); lists."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from abmgraph.graph.vocab import (
    BUYING_ROLE_ALIASES,
    BUYING_ROLES,
    DEPARTMENT_ALIASES,
    DEPARTMENTS,
    SENIORITIES,
    SENIORITY_ALIASES,
    alias_key,
)
from abmgraph.ingest.distinct import (
    Parsed,
    distinct_text,
    expand,
    factorize,
    map_text,
)

__all__ = [
    "canonical_buying_role",
    "canonical_department",
    "canonical_seniority",
    "canonical_vocab",
    "split_list",
]


def canonical_vocab(s: pd.Series, canonical: tuple[str, ...], aliases: Mapping[str, str]) -> Parsed:
    """Map values onto a vocabulary: canonical names and aliases, folded by ``alias_key``.

    ``"C-Level"`` and ``"c_level"`` fold to the same key, so case, spaces,
    dashes and punctuation never matter.

    Returns
    -------
    (values, invalid)
        ``str`` canonical values, and True where a non-empty value is unknown.
    """
    table = {alias_key(name): name for name in canonical}
    table.update({alias_key(key): value for key, value in aliases.items()})
    return map_text(s, lambda value: table.get(alias_key(value)))


def canonical_seniority(s: pd.Series) -> Parsed:
    """:func:`canonical_vocab` over the seniority vocabulary."""
    return canonical_vocab(s, SENIORITIES, SENIORITY_ALIASES)


def canonical_department(s: pd.Series) -> Parsed:
    """:func:`canonical_vocab` over the department vocabulary."""
    return canonical_vocab(s, DEPARTMENTS, DEPARTMENT_ALIASES)


def canonical_buying_role(s: pd.Series) -> Parsed:
    """:func:`canonical_vocab` over the buying-role vocabulary, item by item of a ``;`` list.

    A CRM multi-select keeps every role: ``Influencer;End User`` →
    ``influencer;end_user``; one unknown item makes the value invalid.
    """
    table = {alias_key(name): name for name in BUYING_ROLES}
    table.update({alias_key(key): value for key, value in BUYING_ROLE_ALIASES.items()})

    def roles(value: str) -> str | None:
        names = [table.get(alias_key(item)) for item in value.split(";") if item.strip()]
        if not names or None in names:
            return None
        return ";".join(dict.fromkeys(n for n in names if n))

    return map_text(s, roles)


def _join_items(value: str, sep: str) -> str | None:
    items = (item.strip() for item in value.split(sep))
    return sep.join(dict.fromkeys(item for item in items if item)) or None


def split_list(s: pd.Series, sep: str = ";") -> pd.Series:
    """Tidy ``sep``-separated lists: trim items, drop empty ones, de-duplicate in order.

    ``" a ; b;;a "`` → ``"a;b"``; a list with no items is missing.
    """
    codes, uniques = factorize(s)
    values = [None if t != t else _join_items(t, sep) for t in distinct_text(uniques).tolist()]
    return expand(codes, values, s, "str")
