"""Handovers (``history/handovers.parquet``): first MQL, SQL and tier 1, and who owns them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from abmgraph.idsets import among

if TYPE_CHECKING:
    from abmgraph.graph.store import GraphStore

__all__ = ["HANDOVER_COLUMNS", "OwnerBook", "handovers", "new_handovers", "owners"]

HANDOVER_COLUMNS = ["kind", "contact_id", "account_id", "at", "run_id", "owner"]


def handovers(workspace: Path) -> pd.DataFrame:
    """Every handover so far, in the order recorded, with ``HANDOVER_COLUMNS``."""
    path = Path(workspace) / "history" / "handovers.parquet"
    if not path.exists():
        return _empty_handovers()
    return pd.read_parquet(path)


def owners(
    store: GraphStore, contact_ids: pd.Series, account_ids: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """The owner of each contact (falling back to its account's) and of each account.

    Returns two Series aligned with the inputs: who a contact alert goes to,
    and who an account alert goes to. Only the rows asked for are read.
    """
    return OwnerBook(store).owners(contact_ids, account_ids)


class OwnerBook:
    """Owners read from the store once per id: each lookup asks only for ids not yet read."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        # Indexed by id: a contact's account and owner, an account's owner. Ids asked
        # for but not stored are remembered too (missing values), so never asked again.
        self._contacts = pd.DataFrame(
            {"account_id": pd.Series(dtype=object), "owner": pd.Series(dtype=object)}
        )
        self._accounts = pd.Series(dtype=object)

    def learn(self, contact_ids: pd.Series, account_ids: pd.Series) -> None:
        """Read the owners of these contacts, their accounts and these accounts."""
        asked = _new_ids(contact_ids, self._contacts.index)
        if len(asked):
            found = self._store.table("contacts", asked, ["contact_id", "account_id", "owner"])
            found = found.reindex(columns=["contact_id", "account_id", "owner"])
            found = found.drop_duplicates("contact_id").set_index("contact_id")
            rows = found.reindex(asked).astype(object)
            self._contacts = pd.concat([self._contacts, rows]) if len(self._contacts) else rows
        employers = pd.concat([account_ids.astype(object), self._contacts["account_id"]])
        asked = _new_ids(employers, self._accounts.index)
        if len(asked):
            found = self._store.table("accounts", asked, ["account_id", "owner"])
            found = found.reindex(columns=["account_id", "owner"]).drop_duplicates("account_id")
            rows = found.set_index("account_id")["owner"].reindex(asked).astype(object)
            self._accounts = pd.concat([self._accounts, rows]) if len(self._accounts) else rows

    def owners(self, contact_ids: pd.Series, account_ids: pd.Series) -> tuple[pd.Series, pd.Series]:
        """As :func:`owners`, reading from the store only what this book has not."""
        self.learn(contact_ids, account_ids)
        own = contact_ids.map(self._contacts["owner"])
        employer = contact_ids.map(self._contacts["account_id"])
        contact_owner = own.where(own.notna(), employer.map(self._accounts))
        return contact_owner.astype(object), account_ids.map(self._accounts).astype(object)


def _new_ids(ids: pd.Series, known: pd.Index) -> pd.Index:
    ids = ids.dropna().drop_duplicates()
    if len(known):
        ids = ids[~among(ids, known.to_series())]
    return pd.Index(ids.astype(object), dtype=object)


def _handover_keys(frame: pd.DataFrame) -> pa.Array:
    """``kind<US>id`` per row: the contact for an MQL or SQL, the account for a tier 1."""
    key = frame["contact_id"].where(frame["kind"] != "tier1", frame["account_id"])
    text = pa.large_string()
    return pc.binary_join_element_wise(
        pa.array(frame["kind"], type=text), pa.array(key, type=text), pa.scalar("\x1f", text)
    )


def _empty_handovers() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in HANDOVER_COLUMNS})
    return frame.astype({"at": "datetime64[ns, UTC]"})


def new_handovers(
    book: OwnerBook,
    recorded: pd.DataFrame,
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    run_id: str,
    as_of: pd.Timestamp,
    *,
    ask_also: tuple[pd.Series, pd.Series] | None = None,
) -> pd.DataFrame:
    """The threshold crossings of this run that no earlier run recorded.

    ``ask_also`` (contact ids, account ids) are read into ``book`` in the same
    lookup as the new handovers' owners, for whoever needs them next.
    """
    crossed = pd.concat(
        [
            contacts.loc[
                contacts["stage"].isin(["mql", "sql"]), ["contact_id", "account_id"]
            ].assign(kind="mql"),
            contacts.loc[contacts["stage"] == "sql", ["contact_id", "account_id"]].assign(
                kind="sql"
            ),
            accounts.loc[accounts["tier"] == 1, ["account_id"]].assign(kind="tier1"),
        ],
        ignore_index=True,
    ).reindex(columns=["kind", "contact_id", "account_id"])
    # A contact's handover is keyed by the contact, an account's by the account.
    seen = pc.is_in(_handover_keys(crossed), value_set=_handover_keys(recorded))
    fresh = ~seen.fill_null(False).to_numpy(zero_copy_only=False)
    added = crossed[fresh].reset_index(drop=True)
    if ask_also is not None:
        book.learn(
            pd.concat([added["contact_id"].astype(object), ask_also[0].astype(object)]),
            pd.concat([added["account_id"].astype(object), ask_also[1].astype(object)]),
        )
    if added.empty:
        return _empty_handovers()
    contact_owner, account_owner = book.owners(added["contact_id"], added["account_id"])
    owner = contact_owner.where(added["kind"] != "tier1", account_owner)
    return added.assign(at=as_of, run_id=run_id, owner=owner)[HANDOVER_COLUMNS].astype(
        {"contact_id": object, "owner": object}
    )
