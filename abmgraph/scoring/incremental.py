"""Which accounts a score run rescores: only those whose inputs changed, or all of them.

Every score is per account (see ``score_graph``), so after an ingest the
accounts the writes touched (see :mod:`abmgraph.graph.changelog`) are
rescored and every other stored row stays as it was, with the ``as_of`` it
was scored at. A run rescores everything instead when

* ``--full`` asks for it;
* the store holds no scores yet, or scores stored before changes were
  tracked (their record has no ``changes_seq``);
* the config differs from the stored scores' (its hash covers the look-back,
  half-life and windows, so any change to what a score means);
* ``as_of`` is earlier than the stored run's: a look back in time (a backtest-like
  run) must not mix with scores taken later;
* the last score write stopped part-way (the Neo4j store writes in batches).

A touched account also rescores the accounts whose graph components read
it (``graph_components.graph_dependents``): the rest of its corporate family
(``parent_account_id``) and the accounts where people who worked at it work
now.

An ``as_of`` at or after the stored run's (no ``--as-of`` means now) rescores
the touched accounts as of then; the others keep their older ``as_of`` until
the next full run, and ``status`` shows the oldest.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from abmgraph.graph.changelog import Changes
from abmgraph.graph.store import GraphStore
from abmgraph.scoring.config import ScoringConfig, config_hash
from abmgraph.scoring.graph_components import graph_dependents

__all__ = ["RunPlan", "plan_run"]

# Reading the changes after this number returns no ids, only the last number.
_PAST_EVERY_ENTRY = 2**62


@dataclass(frozen=True)
class RunPlan:
    """What one score run rescores.

    ``accounts`` and ``contacts`` are None for a full run; otherwise the
    accounts to rescore (with all their contacts) and the contacts to rescore
    besides them (touched contacts of no stored account).
    """

    mode: str
    changes_seq: int
    reason: str | None = None
    accounts: pd.Series | None = None
    contacts: pd.Series | None = None

    @property
    def full(self) -> bool:
        return self.mode == "full"


def plan_run(
    store: GraphStore, config: ScoringConfig, as_of: pd.Timestamp, *, full: bool = False
) -> RunPlan:
    """Decide between a full and an incremental run, and what the latter rescores."""
    meta = store.score_meta()
    seen = None if meta is None else meta.get("changes_seq")
    reason = _full_reason(meta, config, as_of, full)
    if reason is None and store.scores_interrupted():
        # Nodes of the stopped run hold scores no record vouches for: rescore them all.
        reason = "the last score run stopped part-way"
    if reason is not None or seen is None:
        # Every change up to now is covered by scoring everything.
        return RunPlan("full", store.changes(_PAST_EVERY_ENTRY).seq, reason)
    changes = store.changes(int(seen))
    accounts, contacts = _touched_accounts(store, changes)
    return RunPlan("incremental", changes.seq, None, accounts, contacts)


def _full_reason(
    meta: dict | None, config: ScoringConfig, as_of: pd.Timestamp, full: bool
) -> str | None:
    if full:
        return "--full"
    if meta is None:
        return "the store was never scored"
    if meta.get("changes_seq") is None:
        return "the stored scores predate change tracking"
    if meta.get("config_hash") != config_hash(config):
        return "the scoring config changed"
    stored = pd.Timestamp(meta["as_of"])
    if as_of < stored:
        return f"--as-of is earlier than the stored scores' ({stored:%Y-%m-%d %H:%M} UTC)"
    return None


def _touched_accounts(store: GraphStore, changes: Changes) -> tuple[pd.Series, pd.Series]:
    """The accounts to rescore (named ones, those of touched contacts, and their corporate
    families), and the contacts."""
    contacts = store.table("contacts", changes.contacts, ["contact_id", "account_id"])
    accounts = pd.concat([changes.accounts, contacts["account_id"].astype("str")])
    accounts = accounts.dropna().drop_duplicates().reset_index(drop=True)
    return _with_families(store, accounts), changes.contacts


def _with_families(store: GraphStore, accounts: pd.Series) -> pd.Series:
    """``accounts`` and every account whose graph components read them.

    The family component reads the other members of an account's corporate
    family and the champions component the deals people had where they worked
    before, so a touched account rescores its whole family (an account that
    changes parent touches its old parent too, see the change log) and the
    accounts its former people work at now (``graph_dependents``).
    """
    if accounts.empty:
        return accounts
    dependents = pd.Series(sorted(graph_dependents(store, accounts)), dtype="str")
    return pd.concat([accounts, dependents]).drop_duplicates().reset_index(drop=True)
