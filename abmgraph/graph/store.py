"""The one interface every graph store implements, and how a store is opened.

Scoring, ingest and the CLI talk only to ``GraphStore``. A store keeps the
contract's tables (accounts, contacts, intent, opportunities, opportunity
contacts), the engagement events, and the last scoring result. Everything
backend-specific — networkx and Parquet files, or Cypher over Bolt — lives
behind these methods.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

# The data contract's pydantic models are needed for typing only: reading a store
# does not build them.
if TYPE_CHECKING:
    from abmgraph.graph.changelog import Changes
    from abmgraph.graph.schema import Kind

__all__ = ["KEYS", "EventWindow", "GraphStore", "ScoreLevel", "open_store"]

ScoreLevel = Literal["contacts", "accounts"]

# The columns that identify a row of each kind: a re-ingested row replaces the old one.
KEYS: dict[Kind, tuple[str, ...]] = {
    "accounts": ("account_id",),
    "contacts": ("contact_id",),
    "engagements": ("event_key",),
    "intent": ("account_id", "topic", "observed_at"),
    "opportunities": ("opportunity_id",),
    "opportunity_contacts": ("opportunity_id", "contact_id"),
    # One verdict per handed-over lead (or account) and instant: a later export adds history.
    "feedback": ("contact_id", "account_id", "at"),
    "sales_activities": ("activity_id",),
}

SUMMARY_COLUMNS = ["contact_id", "type", "events", "decayed", "recent", "prior", "last_at"]


@dataclass(frozen=True)
class EventWindow:
    """Which events count, and how age discounts them.

    Only events with ``as_of - lookback_days <= occurred_at <= as_of`` are
    seen. An event ``age`` days old weighs ``0.5 ** (age / half_life_days)``.
    ``recent`` counts events in the last ``recent_days``; ``prior`` those in
    the ``prior_days`` before that.
    """

    as_of: pd.Timestamp
    lookback_days: float
    half_life_days: float
    recent_days: float
    prior_days: float

    @property
    def start(self) -> pd.Timestamp:
        return self.as_of - pd.Timedelta(days=self.lookback_days)


class GraphStore(ABC):
    """A buying-group graph: accounts, contacts, roles, engagements, scores."""

    backend: str = ""

    # -- writing -----------------------------------------------------------------
    @abstractmethod
    def upsert(self, kind: Kind, rows: pd.DataFrame) -> int:
        """Insert ``rows`` of a normalised table, merging them into rows with the same key.

        ``rows`` carries only the columns its source named (plus those derived
        from them): a stored column the frame lacks keeps its value, a column
        it carries replaces the stored one (an empty cell clears it), except
        that ``opted_out``, ``email_status`` and ``consent`` change only with an
        explicit value — see :mod:`abmgraph.graph.merge`. A new key gets
        missing values in the columns the frame lacks.

        Engagements are insert-if-absent on ``event_key``, so a re-ingest adds
        nothing, and a key repeated within one call is stored once. Returns
        how many keys were new.

        What an interrupted write (a crash, a kill, a lost connection) leaves
        depends on the store, and is never half a row or a row twice:

        * the embedded store writes all or nothing;
        * the Neo4j store commits in batches (``batch_size`` rows, events
          ``event_batch_size``, each a transaction), so an interrupted write
          leaves only whole batches; calling ``upsert`` again with the same
          rows (re-ingesting the file) completes it with nothing doubled,
          ending in the graph one uninterrupted call builds.
        """

    @abstractmethod
    def clear(self) -> None:
        """Delete everything in the store (the demo's --reset)."""

    @abstractmethod
    def write_scores(
        self,
        contacts: pd.DataFrame,
        accounts: pd.DataFrame,
        meta: dict[str, Any],
        *,
        partial: bool = False,
    ) -> None:
        """Replace the stored scoring result, or with ``partial`` merge rows into it.

        A partial write replaces the stored rows of the accounts and contacts
        it carries and keeps every other row as it was, so :meth:`scores`
        still returns every account and contact (accounts ranked by
        priority, contacts in the contacts table's order), and sets ``meta``'s
        ``accounts``, ``contacts`` (rows stored) and ``oldest_as_of`` (the
        oldest row's ``as_of``) from the whole stored result; a full write
        stores ``meta`` as given. Readers see the old result or the new one,
        never a mix.
        """

    def scores_interrupted(self) -> bool:
        """Whether a score write stopped part-way, leaving rows of an unrecorded run.

        The embedded store switches whole runs in, so never.
        """
        return False

    # -- what changed (see abmgraph.graph.changelog) ------------------------------
    @abstractmethod
    def changes(self, after: int) -> Changes:
        """The ids the writes numbered after ``after`` touched, and the last number."""

    @abstractmethod
    def forget_changes(self, upto: int) -> None:
        """Drop the change entries numbered ``upto`` and before (a score run consumed them)."""

    def _touched(self, kind: Kind, rows: pd.DataFrame) -> Changes | None:
        """What writing ``rows`` changes, to log before writing; None when nothing needs it.

        A store never scored logs nothing: its next score is a full one.
        """
        if self.score_meta() is None:
            return None
        from abmgraph.graph.changelog import touched

        found = touched(self, kind, rows)
        return None if found.empty else found

    # -- reading -----------------------------------------------------------------
    @abstractmethod
    def table(
        self, kind: Kind, ids: pd.Series | None = None, columns: Collection[str] | None = None
    ) -> pd.DataFrame:
        """A contract table (not engagements), optionally only the rows with these ids.

        With ``columns``, only those of the table's columns, in the table's
        order (a name the table lacks is left out): a store that reads column
        by column reads no more than a caller uses.
        """

    def ids(self, kind: Kind) -> pd.Series:
        """Every stored id of a kind keyed by one column (accounts, contacts, opportunities)."""
        return self.table(kind)[KEYS[kind][0]].dropna().reset_index(drop=True)

    def contacts_of(
        self, account_ids: pd.Series, contact_ids: pd.Series | None = None
    ) -> pd.Series:
        """The ids of the contacts of these accounts, and of those of ``contact_ids`` that exist.

        What a partial score reads: a store that can look contacts up by
        account does so rather than reading every contact.
        """
        members = self.table("contacts", columns=["contact_id", "account_id"])
        keep = members["account_id"].isin(account_ids)
        if contact_ids is not None:
            keep |= members["contact_id"].isin(contact_ids)
        return members.loc[keep, "contact_id"].reset_index(drop=True)

    @abstractmethod
    def resolve(self, kind: Kind, by: str, values: pd.Series) -> pd.Series:
        """Map values of column ``by`` (an id, a domain, an email) to the kind's id.

        Returns a Series aligned with ``values``; missing where nothing matches.
        """

    @abstractmethod
    def existing_event_keys(self, keys: pd.Series) -> pd.Series:
        """A boolean mask: which of these event keys the store already holds."""

    @abstractmethod
    def engagement_summary(
        self, window: EventWindow, contact_ids: pd.Series | None = None
    ) -> pd.DataFrame:
        """Events per contact and type within the window, aggregated in the store.

        Columns: ``contact_id``, ``type``, ``events`` (count), ``decayed`` (sum of
        half-life weights), ``recent``, ``prior`` (counts), ``last_at``.
        """

    @abstractmethod
    def event_count(self) -> int:
        """How many engagement events the store holds."""

    @abstractmethod
    def scores(self, level: ScoreLevel) -> pd.DataFrame:
        """The stored scores; empty when the store was never scored."""

    @abstractmethod
    def score_meta(self) -> dict[str, Any] | None:
        """What the last scoring run recorded (as_of, config, when), or None."""

    def counts(self) -> dict[str, int]:
        """Rows of every kind, for ``abmgraph status``."""
        out = {kind: len(self.table(kind)) for kind in KEYS if kind != "engagements"}
        out["engagements"] = self.event_count()
        return out

    # -- graph walks (the account priority's graph components) -------------------
    @abstractmethod
    def reporting_paths(self, starts: pd.Series, targets: pd.Series, max_hops: int) -> pd.DataFrame:
        """For each start contact, the nearest target contact up its REPORTS_TO chain.

        The walk takes at most ``max_hops`` REPORTS_TO steps, each to a
        contact of the start's own account (same ``account_id``); the start
        itself is never its own target, so a self-report or a reporting
        cycle leads nowhere new. Columns ``contact_id`` (a start that reaches
        a target) and ``path`` (the contact ids from the start to the target,
        both included), one row per such start, by ``contact_id``.
        """

    @abstractmethod
    def past_deals(self, account_ids: pd.Series | None = None) -> pd.DataFrame:
        """The deals contacts now at these accounts (all when None) were on where they worked before.

        One row per (contact, opportunity) with columns ``account_id`` (the
        account the contact WORKS_AT), ``contact_id``, ``from_account_id``
        (another account the contact WORKED_AT) and ``opportunity_id`` (an
        opportunity of that account the contact has a CONTACT_ROLE on), by
        contact_id then opportunity_id.
        """

    @abstractmethod
    def account_families(self, account_ids: pd.Series | None = None) -> pd.DataFrame:
        """Corporate families: accounts linked through SUBSIDIARY_OF in either direction.

        One row per member of every family that holds one of ``account_ids``
        (every family when None), with ``family``, the smallest account_id
        among its members; by account_id. An account with no relative (a
        self-parent alone included) belongs to none. Cycles end the walk.
        """

    @abstractmethod
    def alumni_employers(self, account_ids: pd.Series) -> pd.Series:
        """The accounts where people who WORKED_AT these accounts work now (distinct, sorted)."""

    def read_query(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run one Cypher query in a read transaction; its first ``limit`` records as plain dicts.

        Only stores that speak Cypher can; the others raise ``StoreError``.
        Graph questions (``abmgraph.queries``) use it for their ``.cypher``
        files, and ``abmgraph cypher`` for the user's own read-only queries.
        """
        from abmgraph.errors import StoreError

        raise StoreError(
            f"Cypher queries need the Neo4j store, not the {self.backend} one: "
            "run with --backend neo4j (and NEO4J_URI)."
        )

    def close(self) -> None:  # noqa: B027 - most stores hold nothing to release
        """Release connections and file handles."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(backend: str, workspace: Path, **options: Any) -> GraphStore:
    """Open the store for ``backend`` (``embedded`` or ``neo4j``)."""
    if backend == "embedded":
        from abmgraph.graph.embedded import EmbeddedStore

        return EmbeddedStore(workspace)
    if backend == "neo4j":
        from abmgraph.graph.neo4j_store import Neo4jStore

        return Neo4jStore.connect(**options)
    from abmgraph.errors import StoreError

    raise StoreError(f"Unknown backend {backend!r}: use 'embedded' or 'neo4j'.")
