"""Handovers (``history/handovers.parquet``): first MQL, SQL and tier 1, and who owns them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from abmgraph.graph.store import GraphStore

__all__ = ["HANDOVER_COLUMNS", "handovers", "new_handovers", "owners"]

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
    contacts = store.table(
        "contacts", contact_ids.dropna().drop_duplicates(), ["contact_id", "account_id", "owner"]
    )
    contacts = contacts.reindex(columns=["contact_id", "account_id", "owner"])
    employers = pd.concat([account_ids, contacts["account_id"]]).dropna().drop_duplicates()
    accounts = store.table("accounts", employers, ["account_id", "owner"])
    account_owner = accounts.reindex(columns=["account_id", "owner"]).set_index("account_id")
    account_owner = account_owner["owner"]
    by_contact = contacts.set_index("contact_id")
    own = contact_ids.map(by_contact["owner"])
    employer = contact_ids.map(by_contact["account_id"])
    contact_owner = own.where(own.notna(), employer.map(account_owner))
    return contact_owner.astype(object), account_ids.map(account_owner).astype(object)


def _empty_handovers() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in HANDOVER_COLUMNS})
    return frame.astype({"at": "datetime64[ns, UTC]"})


def new_handovers(
    store: GraphStore,
    recorded: pd.DataFrame,
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    run_id: str,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """The threshold crossings of this run that no earlier run recorded."""
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
    key = crossed["contact_id"].where(crossed["kind"] != "tier1", crossed["account_id"])
    seen = recorded["contact_id"].where(recorded["kind"] != "tier1", recorded["account_id"])
    fresh = ~pd.MultiIndex.from_arrays([crossed["kind"], key]).isin(
        pd.MultiIndex.from_arrays([recorded["kind"], seen])
    )
    added = crossed[fresh].reset_index(drop=True)
    if added.empty:
        return _empty_handovers()
    contact_owner, account_owner = owners(store, added["contact_id"], added["account_id"])
    owner = contact_owner.where(added["kind"] != "tier1", account_owner)
    return added.assign(at=as_of, run_id=run_id, owner=owner)[HANDOVER_COLUMNS].astype(
        {"contact_id": object, "owner": object}
    )
