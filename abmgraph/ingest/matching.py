"""Lead-to-account matching by email domain that never guesses.

A contact without an ``account_id`` is matched to the account whose
``domain`` is the registrable domain of its email. When several accounts
share that domain (a parent and its subsidiaries often do), the answer is:

- the top of their corporate family, when all of them belong to one family:
  each candidate's ``parent_account_id`` chain is followed up to its root,
  and every candidate reaches the same root;
- nobody otherwise: the contact stays an unmatched lead and the candidate
  account ids are reported, so a person picks the right one.

Chains are read as the ``hierarchy`` question draws them
(:func:`abmgraph.queries.trees.forest`): a self-parent is no link, a cycle
is cut at its smallest id (which becomes a root), and a parent that is not
stored ends the chain. The decision is a pure function of the accounts
table, so both stores give the same answer. Intent rows given by ``domain``
resolve by the same rule (there, no account means the row is rejected).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.graph.role_lists import SEPARATOR
from abmgraph.graph.store import GraphStore
from abmgraph.idsets import among

__all__ = ["ACCOUNT_COLUMNS", "DomainMatcher", "family_tops", "match_domains", "unmatched_reasons"]

ACCOUNT_COLUMNS = ["account_id", "domain", "parent_account_id"]


def family_tops(accounts: pd.DataFrame, ids: pd.Series) -> pd.Series:
    """The root of each id's ``parent_account_id`` chain (the id itself when it has no parent).

    Only the chains above ``ids`` are walked, so asking about a few accounts
    of a large table is cheap.

    Examples
    --------
    >>> accounts = pd.DataFrame(
    ...     {"account_id": ["P", "S", "X", "Y"], "parent_account_id": [None, "P", "Y", "X"]}
    ... )
    >>> family_tops(accounts, pd.Series(["S", "P", "Y"])).tolist()
    ['P', 'P', 'X']
    """
    # Imported here: the queries package is large, and only shared domains need it.
    from abmgraph.queries.trees import forest

    parent = (
        accounts.dropna(subset=["account_id"])
        .drop_duplicates("account_id")
        .set_index("account_id")["parent_account_id"]
    )
    # The ancestors of ``ids``, one generation per step (a cycle ends when nothing is new).
    closure = set(ids.dropna())
    frontier = closure
    while frontier:
        above = parent.reindex(list(frontier)).dropna()
        frontier = set(above[among(above, parent.index)]) - closure
        closure |= frontier
    links = parent.reindex(list(closure)).astype(object).to_dict()
    tree = forest({a: (p if isinstance(p, str) else None) for a, p in links.items()})
    tops = {a: (tree.ancestors(a) or [a])[-1] for a in closure}
    return ids.map(tops).astype("str")


def match_domains(accounts: pd.DataFrame, domains: pd.Series) -> pd.DataFrame:
    """The account each domain matches, and the candidates when it matches none for certain.

    ``accounts`` has ``account_id``, ``domain`` and ``parent_account_id``;
    ``domains`` are registrable domains (missing values match nothing).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``domains``: ``account_id`` (the one account with that
        domain, or the top of the one family all of them belong to; missing
        otherwise), ``family`` (True where the top of a family was chosen
        among several) and ``candidates`` (the sharing account ids, sorted and
        joined with ``;``, where they belong to different families; missing
        elsewhere).

    Examples
    --------
    >>> accounts = pd.DataFrame(
    ...     {
    ...         "account_id": ["P", "S", "U"],
    ...         "domain": ["acme.com", "acme.com", "acme.com"],
    ...         "parent_account_id": [None, "P", None],
    ...     }
    ... )
    >>> match_domains(accounts[:2], pd.Series(["acme.com"])).to_dict("records")
    [{'account_id': 'P', 'family': True, 'candidates': nan}]
    >>> match_domains(accounts, pd.Series(["acme.com", "other.com"]))["candidates"].tolist()
    ['P;S;U', nan]
    """
    codes, wanted = pd.factorize(domains, use_na_sentinel=True)
    owners = accounts.loc[among(accounts["domain"], wanted), ["domain", "account_id"]]
    owners = owners.dropna().drop_duplicates().sort_values(["domain", "account_id"])
    sharing = owners.groupby("domain")["account_id"].transform("size").to_numpy() > 1
    alone = owners[~sharing].set_index("domain")["account_id"]
    shared = owners[sharing]
    tops = (
        shared.assign(top=family_tops(accounts, shared["account_id"]).to_numpy())
        .groupby("domain")["top"]
        .agg(["nunique", "first"])
    )
    one = tops["nunique"] == 1
    chosen = pd.concat([alone, tops.loc[one, "first"]])
    family = pd.Series(True, index=tops.index[one])
    several = shared[among(shared["domain"], tops.index[~one])]
    candidates = several.groupby("domain")["account_id"].agg(SEPARATOR.join)
    # Decided once per distinct domain, then spread over the rows by their codes.
    per_domain = pd.DataFrame(
        {
            "account_id": chosen.reindex(wanted).astype("str").to_numpy(),
            "family": family.reindex(wanted, fill_value=False).to_numpy(dtype=bool),
            "candidates": candidates.reindex(wanted).astype("str").to_numpy(),
        }
    )
    nothing = pd.DataFrame({"account_id": [None], "family": [False], "candidates": [None]})
    table = pd.concat([per_domain, nothing.astype(per_domain.dtypes.to_dict())], ignore_index=True)
    out = table.take(np.where(codes < 0, len(table) - 1, codes))
    out.index = domains.index
    return out


class DomainMatcher:
    """:func:`match_domains` against a store's accounts, read once (three columns)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._accounts: pd.DataFrame | None = None

    def match(self, domains: pd.Series) -> pd.DataFrame:
        if self._accounts is None:
            # A store may leave out a column no account has a value in.
            table = self.store.table("accounts", columns=ACCOUNT_COLUMNS)
            self._accounts = table.reindex(columns=ACCOUNT_COLUMNS).astype("str")
        return match_domains(self._accounts, domains)


def unmatched_reasons(
    domains: pd.Series, candidates: pd.Series, kind: str = "contacts"
) -> pd.Series:
    """Why a row on a domain that several corporate families share is given no account.

    ``kind`` is ``contacts`` (the lead loads unmatched) or ``intent`` (the row
    is rejected: intent needs an account).
    """
    named = candidates.astype("str").str.replace(SEPARATOR, ", ", regex=False)
    outcome = (
        "the contact is left unmatched: give its account_id"
        if kind == "contacts"
        else "give account_id instead"
    )
    prefix = "email domain " if kind == "contacts" else "domain "
    return (
        prefix
        + domains.astype("str")
        + " is shared by accounts "
        + named
        + f" of different corporate families; {outcome}"
    )
