"""The graph walks scoring needs, answered on the embedded store's tables.

Each walk is vectorised over the whole table: a REPORTS_TO chain is followed
by pointer jumping over an array of manager positions (one numpy step per
hop, never a loop per contact), corporate families are the connected
components of the SUBSIDIARY_OF links (label propagation in numpy), and past deals are joins.
The Neo4j store answers the same questions in Cypher (``neo4j_walks``); the
shared tests hold both to the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.idsets import among, as_arrow, positions

__all__ = ["EmbeddedWalks", "account_families", "alumni_employers", "past_deals", "reporting_paths"]

_PATH_COLUMNS = {"contact_id": "str", "path": "object"}
_DEAL_COLUMNS = ["account_id", "contact_id", "from_account_id", "opportunity_id"]


def reporting_paths(
    contacts: pd.DataFrame, starts: pd.Series, targets: pd.Series, max_hops: int
) -> pd.DataFrame:
    """``GraphStore.reporting_paths`` over a contacts table (contact_id, account_id, manager_id).

    Examples
    --------
    >>> people = pd.DataFrame({"contact_id": ["a", "b", "c"], "account_id": ["A"] * 3,
    ...                        "manager_id": ["b", "c", None]})
    >>> reporting_paths(people, pd.Series(["a"]), pd.Series(["c"]), 3)["path"].tolist()
    [['a', 'b', 'c']]
    """
    ids = as_arrow(contacts["contact_id"])
    manager, found_targets, wanted = _lookup(
        ids, as_arrow(contacts["manager_id"]), as_arrow(targets), as_arrow(starts)
    )
    account = _codes(as_arrow(contacts["account_id"]))
    # A step is followed only to a stored colleague at the same account.
    safe = np.where(manager >= 0, manager, 0)
    manager = np.where((manager >= 0) & (account >= 0) & (account[safe] == account), manager, -1)
    is_target = np.zeros(len(ids) + 1, dtype=bool)  # the last slot stands for "nowhere"
    is_target[found_targets[found_targets >= 0]] = True

    start = np.unique(wanted)
    start = start[start >= 0]
    steps = [start]
    hops = np.full(len(start), -1)
    here = start
    for hop in range(1, max_hops + 1):
        here = np.where(here >= 0, manager[np.where(here >= 0, here, 0)], -1)
        steps.append(here)
        reached = (hops < 0) & (here >= 0) & (here != start) & is_target[here]
        hops[reached] = hop
    found = np.flatnonzero(hops > 0)
    if not len(found):
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in _PATH_COLUMNS.items()})
    # One row per start that reached a target; its first hops + 1 steps are the path.
    walked = np.stack(steps, axis=1)[found]
    length = hops[found] + 1
    on_path = np.arange(walked.shape[1]) < length[:, None]
    offsets = np.concatenate([[0], np.cumsum(length)]).astype(np.int32)
    paths = pa.ListArray.from_arrays(pa.array(offsets), ids.take(pa.array(walked[on_path])))
    out = pd.DataFrame(
        {
            "contact_id": ids.take(pa.array(start[found])).to_pylist(),
            "path": pd.Series(paths.to_pylist(), dtype="object"),
        }
    )
    return out.astype({"contact_id": "str"}).sort_values("contact_id").reset_index(drop=True)


def _codes(values: pa.Array) -> np.ndarray:
    """An integer code per distinct value; -1 for missing values."""
    encoded = pc.dictionary_encode(values).indices
    return encoded.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _lookup(ids: pa.Array, *columns: pa.Array) -> list[np.ndarray]:
    """Positions in ``ids`` (first occurrence) of each column's values; -1 when absent or missing.

    One hash pass over every value at once, rather than one lookup table per column.
    """
    codes = _codes(pa.concat_arrays([ids, *columns]))
    n = len(ids)
    position = np.full(codes.max(initial=-1) + 2, -1, dtype=np.int64)  # last slot: missing
    position[codes[:n][::-1]] = np.arange(n)[::-1]  # the first of repeated ids wins
    bounds = np.cumsum([n, *(len(c) for c in columns)])
    return [position[codes[a:b]] for a, b in pairwise(bounds)]


def past_deals(
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    opportunities: pd.DataFrame,
    links: pd.DataFrame,
    account_ids: pd.Series | None = None,
) -> pd.DataFrame:
    """``GraphStore.past_deals`` over the tables (every link must end at a stored node)."""
    known = accounts["account_id"]
    # Only people on some deal can have been on one before: few, so filter first.
    people = contacts[among(contacts["contact_id"], links["contact_id"])]
    people = people.dropna(subset=["previous_account_ids"])
    people = people[among(people["account_id"], known)]
    if account_ids is not None:
        people = people[among(people["account_id"], account_ids)]
    worked = (
        people[["contact_id", "account_id"]]
        .assign(from_account_id=people["previous_account_ids"].str.split(";"))
        .explode("from_account_id")
    )
    worked = worked[
        among(worked["from_account_id"], known)
        & (worked["from_account_id"] != worked["account_id"]).to_numpy(dtype=bool)
    ].drop_duplicates()
    deals = opportunities[["opportunity_id", "account_id"]].rename(
        columns={"account_id": "from_account_id"}
    )
    out = worked.merge(deals, on="from_account_id").merge(
        links[["opportunity_id", "contact_id"]].drop_duplicates(),
        on=["opportunity_id", "contact_id"],
    )
    return (
        out[_DEAL_COLUMNS]
        .astype("str")
        .drop_duplicates()
        .sort_values(["contact_id", "opportunity_id"])
        .reset_index(drop=True)
    )


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Each of ``n`` nodes' component, as its smallest member, over the edges ``left``–``right``.

    Every edge pulls both ends down to the smaller label and each label then
    jumps to its own label's, until nothing moves: a few vectorised rounds for
    shallow hierarchies, and cycles need nothing special.

    >>> _components(5, np.array([1, 3]), np.array([0, 4])).tolist()
    [0, 0, 2, 3, 3]
    """
    label = np.arange(n)
    while True:
        low = np.minimum(label[left], label[right])
        moved = label.copy()
        np.minimum.at(moved, left, low)
        np.minimum.at(moved, right, low)
        moved = moved[moved]
        if np.array_equal(moved, label):
            return label
        label = moved


def account_families(accounts: pd.DataFrame, account_ids: pd.Series | None = None) -> pd.DataFrame:
    """``GraphStore.account_families`` over an accounts table (account_id, parent_account_id)."""
    index = pd.Index(accounts["account_id"].astype("object"))
    child = np.arange(len(index))
    parent = positions(index, accounts["parent_account_id"])
    linked = (parent >= 0) & (parent != child)  # a self-parent is no relative
    n = len(index)
    label = _components(n, child[linked], parent[linked])
    sizes = np.bincount(label, minlength=n) if n else np.zeros(0, dtype=int)
    members = sizes[label] > 1 if n else np.zeros(0, dtype=bool)
    out = pd.DataFrame({"account_id": index.to_numpy(dtype=object), "label": label})[members]
    out["family"] = out.groupby("label")["account_id"].transform("min")
    if account_ids is not None:
        wanted = out.loc[out["account_id"].isin(account_ids), "label"]
        out = out[out["label"].isin(wanted)]
    return (
        out[["account_id", "family"]].astype("str").sort_values("account_id").reset_index(drop=True)
    )


def alumni_employers(
    accounts: pd.DataFrame, contacts: pd.DataFrame, account_ids: pd.Series
) -> pd.Series:
    """``GraphStore.alumni_employers`` over the tables.

    Every contact's job history is read, so it is split in Arrow: a partial
    rescoring asks this on every run.
    """
    known = accounts["account_id"]
    people = contacts.dropna(subset=["previous_account_ids"])
    people = people[among(people["account_id"], known)]
    if people.empty or account_ids.empty:
        return pd.Series([], dtype="str")
    parts = pc.split_pattern(as_arrow(people["previous_account_ids"]), ";")
    past = pc.list_flatten(parts)
    asked = pc.and_(
        pc.is_in(past, value_set=as_arrow(known.dropna())),
        pc.is_in(past, value_set=as_arrow(account_ids.dropna())),
    ).to_numpy(zero_copy_only=False)
    owners = pc.list_parent_indices(parts).to_numpy()[asked]
    employers = people["account_id"].to_numpy()[np.unique(owners)]
    return pd.Series(sorted(set(employers.tolist())), dtype="str")


class EmbeddedWalks:
    """The graph walks of ``GraphStore``, over the embedded store's own tables."""

    # The store's own: whole tables, and some columns of the rows matching ids.
    table: Callable[..., pd.DataFrame]
    select: Callable[..., pd.DataFrame]

    def reporting_paths(self, starts: pd.Series, targets: pd.Series, max_hops: int) -> pd.DataFrame:
        # A path never leaves its start's account: only those accounts' people are read.
        homes = self.select("contacts", ["account_id"], ("contact_id", starts))["account_id"]
        people = self.select(
            "contacts", ["contact_id", "account_id", "manager_id"], ("account_id", homes.dropna())
        )
        return reporting_paths(people, starts, targets, max_hops)

    def past_deals(self, account_ids: pd.Series | None = None) -> pd.DataFrame:
        columns = ["contact_id", "account_id", "previous_account_ids"]
        people = (
            self.table("contacts", columns=columns)
            if account_ids is None
            else self.select("contacts", columns, ("account_id", account_ids))
        )
        return past_deals(
            self.table("accounts", columns=["account_id"]),
            people,
            self.table("opportunities", columns=["opportunity_id", "account_id"]),
            self.table("opportunity_contacts", columns=["opportunity_id", "contact_id"]),
            account_ids,
        )

    def account_families(self, account_ids: pd.Series | None = None) -> pd.DataFrame:
        accounts = self.table("accounts", columns=["account_id", "parent_account_id"])
        return account_families(accounts, account_ids)

    def alumni_employers(self, account_ids: pd.Series) -> pd.Series:
        return alumni_employers(
            self.table("accounts", columns=["account_id"]),
            self.table("contacts", columns=["contact_id", "account_id", "previous_account_ids"]),
            account_ids,
        )
