"""What each write changed: the accounts and contacts incremental scoring rescores.

Every score is per account, so after an ingest only the accounts whose
inputs changed need scoring again. Each ``upsert`` call records, before it
writes its rows, the ids those rows touch under a sequence number that only
grows; a scoring run remembers the last number it saw, and the next run
reads only the entries after it. Nothing scans the events to find them.

What a write touches (rows whose stored values it leaves as they were touch
nothing, so re-ingesting a file rescores nothing):

* accounts: the account, and its parent before and after the write;
* contacts: the contact, the account it belongs to after the write and the
  one before (a contact that moved touches both);
* engagements: the contact of each new event;
* intent: the account;
* opportunities: the account after the write and before, and every contact
  linked to the opportunity (opportunity contact roles feed their roles);
* opportunity contacts: the contact;
* feedback and sales activities: nothing (sales' verdicts and touches never
  reach a score).

Contacts are kept as contact ids: scoring resolves them to their current
accounts, and also rescores a touched contact that belongs to no stored
account. An entry is written before its rows, so a write interrupted
part-way can only make the next run rescore more, never less. A store that
was never scored records nothing: its first score is a full one anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from abmgraph.graph.schema import Kind
from abmgraph.graph.store import KEYS, GraphStore
from abmgraph.safe_io import atomic_open, atomic_write_text

__all__ = ["Changes", "EmbeddedChangeLog", "same_values", "touched"]


def _ids(values: pd.Series | list[str] | None = None) -> pd.Series:
    series = pd.Series([] if values is None else values, dtype="str")
    return series.dropna().drop_duplicates().reset_index(drop=True)


@dataclass(frozen=True)
class Changes:
    """The ids touched by the writes after some sequence number, and the last number."""

    seq: int = 0
    accounts: pd.Series = field(default_factory=_ids)
    contacts: pd.Series = field(default_factory=_ids)

    @property
    def empty(self) -> bool:
        return self.accounts.empty and self.contacts.empty


def touched(store: GraphStore, kind: Kind, rows: pd.DataFrame) -> Changes:
    """The ids that writing ``rows`` of ``kind`` changes, read before they are written."""
    if rows.empty or kind in ("feedback", "sales_activities"):
        return Changes()
    if kind == "engagements":
        return Changes(contacts=_ids(rows["contact_id"]))
    old, written = _changed_rows(store, kind, rows)
    if written.empty:
        return Changes()
    if kind == "intent":
        return Changes(accounts=_ids(written["account_id"]))
    if kind == "accounts":  # and the parents it leaves and joins: their families change
        parents = [written[c] for c in ("parent_account_id",) if c in written.columns]
        parents += [old[c] for c in ("parent_account_id",) if c in old.columns]
        return Changes(accounts=_ids(pd.concat([written["account_id"], *parents])))
    if kind == "opportunity_contacts":
        return Changes(contacts=_ids(written["contact_id"]))
    accounts = pd.concat([written["account_id"], old["account_id"]])
    if kind == "contacts":
        return Changes(accounts=_ids(accounts), contacts=_ids(written["contact_id"]))
    links = store.table(
        "opportunity_contacts", written["opportunity_id"], ["opportunity_id", "contact_id"]
    )
    return Changes(accounts=_ids(accounts), contacts=_ids(links["contact_id"]))


def _changed_rows(
    store: GraphStore, kind: Kind, rows: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored rows ``rows`` replace, and the rows as written, of keys whose values change."""
    from abmgraph.graph.merge import merge_rows

    keys = list(KEYS[kind])
    old = store.table(kind, rows[keys[0]].dropna().drop_duplicates())
    # Only the stored rows of these keys: the merge then returns exactly the written rows.
    old = old[_key_text(old, keys).isin(_key_text(rows, keys))]
    written = merge_rows(kind, old, rows)
    before = old.set_axis(_key_text(old, keys)).reindex(_key_text(written, keys))
    before = before.reset_index(drop=True)
    changed = ~_key_text(written, keys).isin(_key_text(old, keys))
    for column in written.columns:
        if column in keys:
            continue
        if column not in before.columns:
            changed |= written[column].notna().to_numpy()
        else:
            changed |= ~same_values(written[column], before[column])
    return before[changed], written[changed]


def _key_text(frame: pd.DataFrame, keys: list[str]) -> pd.Index:
    """Each row's key as one text value, so keys of several columns compare as one."""
    text = frame[keys[0]].astype("str")
    for key in keys[1:]:
        text = text + "\x1f" + frame[key].astype("str")
    return pd.Index(text.to_numpy(dtype=object))


def same_values(left: pd.Series, right: pd.Series) -> np.ndarray:
    """Element-wise equality where two missing values are equal."""
    a, b = pa.array(left, from_pandas=True), pa.array(right, from_pandas=True)
    try:
        if a.type != b.type:
            b = b.cast(a.type)
        equal = pc.fill_null(pc.equal(a, b), False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        text = left.astype("str").to_numpy(dtype=object) == right.astype("str").to_numpy(
            dtype=object
        )
        equal = pa.array(np.asarray(text, dtype=bool))
    both_missing = pc.and_(pc.is_null(a), pc.is_null(b))
    return pc.or_(equal, both_missing).to_numpy(zero_copy_only=False)


class EmbeddedChangeLog:
    """The embedded store's log: one small Parquet file per write in ``<store>/changes``.

    ``LAST`` holds the last sequence number already consumed and forgotten,
    so numbers never repeat after old entries are removed.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _entries(self) -> list[tuple[int, Path]]:
        if not self.folder.is_dir():
            return []
        return sorted((int(p.stem), p) for p in self.folder.glob("[0-9]*.parquet"))

    def _forgotten(self) -> int:
        try:
            return int((self.folder / "LAST").read_text(encoding="utf-8").strip())
        except FileNotFoundError:
            return 0

    def last(self) -> int:
        entries = self._entries()
        return max(entries[-1][0] if entries else 0, self._forgotten())

    def append(self, changes: Changes) -> None:
        if changes.empty:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        frame = pd.DataFrame(
            {
                "level": ["account"] * len(changes.accounts) + ["contact"] * len(changes.contacts),
                "id": pd.concat([changes.accounts, changes.contacts], ignore_index=True),
            }
        ).astype("str")
        path = self.folder / f"{self.last() + 1:012d}.parquet"
        with atomic_open(path, "wb") as stream:
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), stream)

    def since(self, after: int) -> Changes:
        entries = [(seq, path) for seq, path in self._entries() if seq > after]
        if not entries:
            return Changes(seq=self.last())
        frame = pd.concat([pd.read_parquet(path) for _, path in entries], ignore_index=True)
        level = frame["level"]
        return Changes(
            seq=self.last(),
            accounts=_ids(frame.loc[level == "account", "id"]),
            contacts=_ids(frame.loc[level == "contact", "id"]),
        )

    def forget(self, upto: int) -> None:
        if not self.folder.is_dir():
            return
        atomic_write_text(self.folder / "LAST", f"{max(upto, self._forgotten())}\n")
        for seq, path in self._entries():
            if seq <= upto:
                path.unlink(missing_ok=True)
