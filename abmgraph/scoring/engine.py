"""Scoring as a pure function of the graph, the config and an ``as_of`` instant.

Events after ``as_of`` are ignored and opportunities count only once they
were created by then, so scores are reproducible and backtests honest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from abmgraph.errors import StoreError
from abmgraph.graph.store import EventWindow, GraphStore
from abmgraph.idsets import among
from abmgraph.scoring.accounts import score_accounts
from abmgraph.scoring.config import ScoringConfig, config_hash
from abmgraph.scoring.contacts import score_contacts
from abmgraph.scoring.graph_components import graph_inputs, graph_scope
from abmgraph.scoring.incremental import plan_run
from abmgraph.scoring.roles import contact_roles, join_roles
from abmgraph.scoring.staleness import stale_window_warning
from abmgraph.scoring.views import ACCOUNT_KEYS, CONTACT_KEYS

__all__ = ["AS_OF_RANGE", "ScoreResult", "check_as_of", "parse_as_of", "score_graph", "score_store"]

# What is stored: the CLI contract's keys, then what views and queries need besides.
CONTACT_COLUMNS = [
    *CONTACT_KEYS,
    "engaged",
    "roles",
    "role_source",
    "positive_engagement",
    "as_of",
]
ACCOUNT_COLUMNS = [*ACCOUNT_KEYS, "in_icp", "recent_points", "prior_points", "as_of"]
# The contact columns scoring reads, besides those the config's rules test: the
# store reads only these (a Neo4j store sends each column over the wire).
_CONTACT_INPUTS = (
    "contact_id",
    "account_id",
    "title",
    "department",
    "seniority",
    "buying_role",
    "email",
    "is_free_mail",
    "is_disposable",
    "email_domain",
    "email_status",
)


def contact_inputs(config: ScoringConfig) -> list[str]:
    """Every contact column a score with ``config`` reads."""
    tested = [r.field for r in config.contact.fit.rules if not r.field.startswith("account.")]
    return list(dict.fromkeys([*_CONTACT_INPUTS, *tested]))


@dataclass
class ScoreResult:
    """Scored contacts and accounts, with every contribution column kept."""

    contacts: pd.DataFrame
    accounts: pd.DataFrame
    as_of: pd.Timestamp
    config: ScoringConfig
    summary: pd.DataFrame
    timings: dict[str, float] = field(default_factory=dict)
    # Things the user should know about this run (e.g. a window with no events in it).
    warnings: list[str] = field(default_factory=list)
    # "full" or "incremental" (only the accounts whose inputs changed), and why full.
    mode: str = "full"
    full_reason: str | None = None
    # The change log's last number this run covers (see abmgraph.graph.changelog).
    changes_seq: int = 0
    # Rows the store holds after this run (rescored or kept), per level.
    stored: dict[str, int] = field(default_factory=dict)

    @property
    def accounts_rescored(self) -> int:
        return len(self.accounts)

    def meta(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "scored_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "config_hash": config_hash(self.config),
            "config": self.config.model_dump(mode="json"),
            "contacts": len(self.contacts),
            "accounts": len(self.accounts),
            # A partial write sets these two and oldest_as_of from the whole stored result.
            "oldest_as_of": self.as_of.isoformat(),
            "mode": self.mode,
            "accounts_rescored": self.accounts_rescored,
            "changes_seq": self.changes_seq,
        }


# The instants a score may be taken at: inside pandas' nanosecond range with room for
# the longest lookback window (100 years), so no date arithmetic can overflow.
AS_OF_RANGE = (
    pd.Timestamp("1900-01-01", tz="UTC"),
    pd.Timestamp("2200-12-31 23:59:59.999999", tz="UTC"),
)


def parse_as_of(value: str | date | datetime | pd.Timestamp | None) -> pd.Timestamp:
    """The scoring instant in UTC; a bare date means the end of that day, now when None.

    Raises
    ------
    StoreError
        ``value`` is not a date (an empty string, ``nan``, ``NaT`` included) or
        lies outside ``AS_OF_RANGE``.
    """
    if value is None:
        return pd.Timestamp.now(tz="UTC")
    if isinstance(value, str):
        text = value.strip()
        try:
            # pandas reads "", "nan" and "NaT" as the missing instant: none is a date.
            stamp = pd.Timestamp(text) if text else pd.NaT
        except (ValueError, OverflowError):
            stamp = None
        if stamp is None or stamp is pd.NaT:
            raise StoreError(
                f"--as-of {value!r} is not a date; use YYYY-MM-DD or ISO-8601."
            ) from None
        if len(text) == 10:
            stamp = stamp + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    elif isinstance(value, datetime):
        stamp = pd.Timestamp(value)
    else:
        stamp = pd.Timestamp(value) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    if stamp is pd.NaT:
        raise StoreError(f"--as-of {value!r} is not a date; use YYYY-MM-DD or ISO-8601.")
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    check_as_of(stamp)
    return stamp


def check_as_of(as_of: pd.Timestamp) -> None:
    """Refuse an instant no score can be taken at (missing, or outside ``AS_OF_RANGE``)."""
    low, high = AS_OF_RANGE
    if as_of is pd.NaT or pd.isna(as_of):
        raise StoreError("--as-of is missing: give a date (YYYY-MM-DD or ISO-8601).")
    if not low <= as_of <= high:
        raise StoreError(
            f"--as-of {as_of:%Y-%m-%d} is outside the dates scores can be taken at "
            f"({low:%Y-%m-%d} to {high:%Y-%m-%d})."
        )


def _visible_opportunities(opportunities: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    created = opportunities["created_at"]
    return opportunities[created.isna() | (created <= as_of)]


def _open_accounts(opportunities: pd.DataFrame, as_of: pd.Timestamp) -> set[str]:
    closed_by_then = opportunities["is_closed"].fillna(False).astype(bool) & (
        opportunities["closed_at"].isna() | (opportunities["closed_at"] <= as_of)
    )
    return set(opportunities.loc[~closed_by_then, "account_id"])


def score_graph(
    store: GraphStore,
    config: ScoringConfig,
    as_of: pd.Timestamp,
    account_ids: list[str] | pd.Series | None = None,
    contact_ids: list[str] | None = None,
    *,
    also_contacts: pd.Series | None = None,
) -> ScoreResult:
    """Score every contact and account, or only some.

    With ``account_ids``, only those accounts and their contacts (and the
    contacts in ``also_contacts``, of whatever account); with ``contact_ids``
    as well, only those contacts among them. Scores are per account, so a
    subset scores exactly as it does in a full run.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()
    ids = None if account_ids is None else pd.Series(account_ids, dtype="str")
    asked = ids
    if ids is not None and contact_ids is None:
        # The family component reads relatives' committees: score those alongside.
        ids = graph_scope(store, ids, config)
    accounts = store.table("accounts", ids)
    if ids is None:
        contacts = store.table("contacts", columns=contact_inputs(config))
    else:
        # Which contacts first, then only their rows: a few accounts never turn
        # every contact into a frame.
        wanted = store.contacts_of(ids, also_contacts)
        contacts = store.table("contacts", wanted, columns=contact_inputs(config))
    if contact_ids is not None:
        contacts = contacts[among(contacts["contact_id"], contact_ids)]
    opportunities = _visible_opportunities(store.table("opportunities"), as_of)
    links = store.table("opportunity_contacts")
    links = links[among(links["opportunity_id"], opportunities["opportunity_id"])]
    intent = store.table("intent")
    timings["read"] = time.perf_counter() - started

    w = config.window
    window = EventWindow(as_of, w.lookback_days, w.half_life_days, w.recent_days, w.prior_days)
    summary = store.engagement_summary(
        window, None if ids is None and contact_ids is None else contacts["contact_id"]
    )
    timings["aggregate"] = time.perf_counter() - started - timings["read"]

    mark = time.perf_counter()
    scored = score_contacts(contacts, summary, config, accounts)
    scored["seniority"] = contacts["seniority"].to_numpy()
    scored["department"] = contacts["department"].to_numpy()
    roles, source = contact_roles(
        contacts, links, scored.set_index("contact_id")["positive_engagement"], config
    )
    scored["roles"] = join_roles(roles).to_numpy()
    scored["role_source"] = source.to_numpy()
    # One contact's explanation needs no walk: its account's row is not shown.
    walked = time.perf_counter()
    graph = (
        None
        if contact_ids is not None
        else graph_inputs(store, config, scored, roles, opportunities, links, ids, as_of)
    )
    timings["graph"] = time.perf_counter() - walked
    ranked_accounts = score_accounts(
        accounts,
        scored,
        roles,
        summary,
        intent,
        _open_accounts(opportunities, as_of),
        config,
        as_of,
        graph,
    )
    if ids is not asked:  # widened to relatives: keep only the accounts asked for
        ranked_accounts = ranked_accounts[among(ranked_accounts["account_id"], asked)]
        relatives = ids[~among(ids, asked)]
        keep = ~among(scored["account_id"], relatives)
        if also_contacts is not None:
            keep |= among(scored["contact_id"], also_contacts)
        scored = scored[keep].reset_index(drop=True)
        summary = summary[among(summary["contact_id"], scored["contact_id"])]
    timings["score"] = time.perf_counter() - mark - timings["graph"]
    ranked_accounts = ranked_accounts.sort_values(
        ["priority", "account_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    return ScoreResult(scored, ranked_accounts, as_of, config, summary, timings)


def score_store(
    store: GraphStore, config: ScoringConfig, as_of: pd.Timestamp, *, full: bool = False
) -> ScoreResult:
    """Score what changed since the last run, or everything, and store the result.

    Only the accounts whose inputs changed are rescored when nothing else
    moved; ``full``, a changed config, a never-scored store or an ``as_of``
    before the stored one rescore everything (see :mod:`abmgraph.scoring.incremental`).
    ``result.accounts`` / ``result.contacts`` hold the rows rescored; the
    store then holds every row (scores also land on the graph's nodes).
    """
    check_as_of(as_of)  # before anything is read or written
    if store.ids("accounts").empty and store.ids("contacts").empty:
        raise StoreError(
            "The store is empty: ingest accounts and contacts first (abmgraph ingest)."
        )
    mark = time.perf_counter()
    plan = plan_run(store, config, as_of, full=full)
    found = time.perf_counter() - mark
    result = score_graph(store, config, as_of, plan.accounts, also_contacts=plan.contacts)
    result.timings = {"changes": found, **result.timings}
    result.mode, result.full_reason, result.changes_seq = plan.mode, plan.reason, plan.changes_seq
    if plan.full:
        # An incremental run reads only some contacts' events: their silence says nothing.
        stale = stale_window_warning(store, result.summary, as_of, config.window.lookback_days)
        if stale:
            result.warnings.append(stale)
    stamp = as_of.as_unit("us")
    result.contacts["as_of"] = stamp
    result.accounts["as_of"] = stamp
    mark = time.perf_counter()
    store.write_scores(
        result.contacts[CONTACT_COLUMNS],
        result.accounts[ACCOUNT_COLUMNS],
        result.meta(),
        partial=not plan.full,
    )
    store.forget_changes(plan.changes_seq)
    result.timings["write"] = time.perf_counter() - mark
    meta = store.score_meta() or {}
    result.stored = {level: int(meta.get(level, 0)) for level in ("contacts", "accounts")}
    return result
