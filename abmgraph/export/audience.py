"""Who goes into an audience: filters over the stored scores, then compliance.

Every candidate row is either selected or left out for exactly one reason,
the first that applies in a fixed order, so the counts in a manifest add up
to the candidates. For contacts, the audience filters come before the
compliance checks: ``opted_out: 12`` then reads "twelve people this audience
would have reached were left out because they opted out".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError

from abmgraph.errors import ConfigError, InputError, StoreError
from abmgraph.graph.store import EventWindow, GraphStore
from abmgraph.scoring.config import AccountStage, AudienceFilters, Quadrant, ScoringConfig

__all__ = [
    "ACCOUNT_STAGES",
    "QUADRANTS",
    "Selection",
    "consent_states",
    "read_account_ids",
    "resolve_filters",
    "select_accounts",
    "select_contacts",
]

ACCOUNT_STAGES: tuple[str, ...] = get_args(AccountStage)
QUADRANTS: tuple[str, ...] = get_args(Quadrant)
CONTACT_FILTERS = ("quadrant", "roles", "min_contact_score")
COMPLIANCE = ("opted_out", "bounced", "invalid_email", "disposable", "no_consent")


@dataclass
class Selection:
    """The selected rows, ranked, and how many candidates each reason left out."""

    rows: pd.DataFrame
    candidates: int
    excluded: dict[str, int] = field(default_factory=dict)
    unknown_account_ids: int = 0


def resolve_filters(
    config: ScoringConfig, audience: str | None, overrides: Mapping[str, Any] | None = None
) -> AudienceFilters:
    """The named audience's filters (or the defaults), with ``overrides`` on top.

    ``overrides`` holds only what was given (None values are ignored), so a
    command-line flag replaces the audience's setting and nothing else.
    """
    base = AudienceFilters()
    if audience is not None:
        if audience not in config.audiences:
            known = ", ".join(sorted(config.audiences))
            hint = f"defined: {known}" if known else "none are defined"
            raise ConfigError(
                f"No audience {audience!r} in the scoring config ({hint}); "
                f"add an [audiences.{audience}] table to scoring.toml."
            )
        base = config.audiences[audience]
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    try:
        return AudienceFilters.model_validate({**base.model_dump(), **given})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}" for item in exc.errors()
        )
        raise ConfigError(f"Invalid audience filters: {problems}") from None


def read_account_ids(path: Path) -> list[str]:
    """Account ids from a file: one a line, or the ``account_id`` column of a CSV."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the account ids file ({exc}).") from None
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    header = [cell.strip().lower() for cell in next(csv.reader([lines[0]]))]
    if "account_id" in header:
        column = header.index("account_id")
        rows = csv.reader(io.StringIO("\n".join(lines[1:])))
        ids = [row[column].strip() for row in rows if len(row) > column]
    elif len(header) > 1:
        raise InputError(
            f"{path}: a CSV of account ids needs an account_id column; "
            "or give one id a line with no header."
        )
    else:
        ids = [line.strip().strip('"') for line in lines]
    return list(dict.fromkeys(i for i in ids if i))


def _wanted_ids(filters: AudienceFilters) -> set[str] | None:
    ids = list(filters.account_ids)
    if filters.account_ids_file:
        ids += read_account_ids(Path(filters.account_ids_file))
    if not ids and not filters.account_ids_file:
        return None
    return set(ids)


Check = tuple[str, Any, bool]
"""``(reason, fails, listed)``: the rows the check leaves out, and whether the
reason is listed in the counts even when it left nobody out."""


def _when(active: bool, fails: Any) -> np.ndarray:
    """The check's mask when its filter is on; nobody fails a filter that is off."""
    mask = np.asarray(fails, dtype=bool)
    return mask if active else np.zeros_like(mask)


def _first_reason(checks: Sequence[Check]) -> tuple[np.ndarray, dict[str, int]]:
    """(selected mask, count per reason); each row counts under its first failing check."""
    fails = [np.asarray(mask, dtype=bool) for _, mask, _ in checks]
    reason = np.select(fails, [name for name, _, _ in checks], default="")
    counts = pd.Series(reason).value_counts()
    excluded = {
        name: int(counts.get(name, 0)) for name, _, listed in checks if listed or name in counts
    }
    return reason == "", excluded


def _flag(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column with missing as False."""
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _scored(store: GraphStore, level: str) -> pd.DataFrame:
    if store.score_meta() is None:
        raise StoreError("Nothing is scored yet: run 'abmgraph score' first.")
    return store.scores(level)  # type: ignore[arg-type]


def _email_domains(store: GraphStore) -> pd.DataFrame:
    """Each account's most common corporate email domain among its contacts."""
    people = store.table("contacts")
    if not {"email_domain", "is_free_mail"} <= set(people.columns):
        return pd.DataFrame({"account_id": [], "email_domain": []}, dtype="str")
    corporate = people.loc[
        people["account_id"].notna()
        & people["email_domain"].notna()
        & ~_flag(people, "is_free_mail"),
        ["account_id", "email_domain"],
    ]
    return (
        corporate.value_counts()
        .rename("n")
        .reset_index()
        .sort_values(["account_id", "n", "email_domain"], ascending=[True, False, True])
        .drop_duplicates("account_id")[["account_id", "email_domain"]]
    )


def _account_frame(store: GraphStore) -> pd.DataFrame:
    scores = _scored(store, "accounts").drop(columns=["name"], errors="ignore")
    facts = store.table("accounts")
    return facts.merge(scores, on="account_id", how="left")


def _account_checks(
    accounts: pd.DataFrame, filters: AudienceFilters, wanted: set[str] | None
) -> list[Check]:
    priority = accounts["priority"]
    exclude_customers = not filters.include_customers
    return [
        ("not_scored", priority.isna(), False),
        (
            "not_in_account_ids",
            _when(wanted is not None, ~accounts["account_id"].isin(wanted or set())),
            wanted is not None,
        ),
        ("customer", _when(exclude_customers, _flag(accounts, "is_customer")), exclude_customers),
        (
            "tier",
            _when(bool(filters.tier), ~accounts["tier"].isin(filters.tier)),
            bool(filters.tier),
        ),
        (
            "min_priority",
            _when(filters.min_priority > 0, priority < filters.min_priority),
            filters.min_priority > 0,
        ),
        (
            "stage",
            _when(bool(filters.stage), ~accounts["stage"].isin(filters.stage)),
            bool(filters.stage),
        ),
    ]


def _account_selection(
    store: GraphStore, filters: AudienceFilters
) -> tuple[pd.DataFrame, np.ndarray, dict[str, int], int]:
    accounts = _account_frame(store)
    wanted = _wanted_ids(filters)
    keep, excluded = _first_reason(_account_checks(accounts, filters, wanted))
    unknown = len(wanted - set(accounts["account_id"])) if wanted else 0
    return accounts, keep, excluded, unknown


def select_accounts(
    store: GraphStore, filters: AudienceFilters, *, email_domains: bool = False
) -> Selection:
    """Accounts that pass the account filters, highest priority first."""
    accounts, keep, excluded, unknown = _account_selection(store, filters)
    rows = accounts[keep]
    if email_domains:
        rows = rows.merge(_email_domains(store), on="account_id", how="left")
    rows = rows.sort_values(["priority", "account_id"], ascending=[False, True])
    return Selection(rows.reset_index(drop=True), len(accounts), excluded, unknown)


def _has_role(roles: pd.Series, wanted: Sequence[str]) -> np.ndarray:
    pattern = "(?:^|;)(?:" + "|".join(wanted) + ")(?:;|$)"
    return roles.astype("str").str.contains(pattern, regex=True).fillna(False).to_numpy(bool)


_ACCOUNT_FIELDS = {
    "name": "account_name",
    "domain": "account_domain",
    "priority": "account_priority",
    "tier": "account_tier",
    "stage": "account_stage",
}


def _ranked(frame: pd.DataFrame, rows: np.ndarray, by: str, ties: str) -> np.ndarray:
    """Positions ``rows`` of ``frame`` ordered by ``by`` descending, then ``ties`` ascending."""
    table = pa.table(
        {by: pa.array(frame[by].to_numpy()[rows]), ties: pa.array(frame[ties].array[rows])}
    )
    order = pc.sort_indices(table, sort_keys=[(by, "descending"), (ties, "ascending")])
    return rows[order.to_numpy()]


# Events that opt a contact out, or mark the address bounced, from their time on.
OPT_OUT_EVENTS = ("unsubscribe", "spam_complaint")
BOUNCE_EVENTS = ("email_bounce",)
# Far enough back to see every stored event (and within pandas' date range).
_ALL_TIME_DAYS = 200 * 365.0


def _event_flags(
    store: GraphStore, contact_ids: pd.Series, now: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray]:
    """(opted out by an event, bounced by an event) per contact, from events up to ``now``."""
    window = EventWindow(
        as_of=now, lookback_days=_ALL_TIME_DAYS, half_life_days=1.0, recent_days=1.0, prior_days=0.0
    )
    summary = store.engagement_summary(window, contact_ids.reset_index(drop=True))
    summary = summary[summary["events"] > 0]

    def who(types: tuple[str, ...]) -> np.ndarray:
        ids = summary.loc[summary["type"].isin(types), "contact_id"]
        return contact_ids.isin(ids).to_numpy(dtype=bool)

    return who(OPT_OUT_EVENTS), who(BOUNCE_EVENTS)


def consent_states(consent: pd.Series) -> pd.Series:
    """``given`` (true), ``refused`` (false) or ``unknown`` (empty) for each stored value."""
    flags = consent.astype("boolean")
    states = np.where(flags.fillna(False), "given", np.where(flags.isna(), "unknown", "refused"))
    return pd.Series(states, index=consent.index)


def select_contacts(
    store: GraphStore,
    filters: AudienceFilters,
    columns: Sequence[str] | None = None,
    *,
    consent: Collection[str] = ("given",),
    now: pd.Timestamp | None = None,
) -> Selection:
    """Contacts at selected accounts that pass the contact filters and compliance, best first.

    Opted-out and bounced contacts never pass: flagged so in the contacts
    table, or by an ``unsubscribe`` / ``spam_complaint`` (opted out) or
    ``email_bounce`` (bounced) event at or before ``now`` (default: the
    current time). Nor do those whose address was invalid or at a
    disposable-mail service. With ``require_consent`` (the default) only
    contacts whose consent state is in ``consent`` pass. The rows carry the
    contact's ``columns`` (default: all), every score, and the employer's
    name, domain, priority, tier and stage as ``account_*``.
    """
    accounts, keep, _, unknown = _account_selection(store, filters)
    chosen = (
        accounts.loc[keep, ["account_id", *_ACCOUNT_FIELDS]]
        .rename(columns=_ACCOUNT_FIELDS)
        .set_index("account_id")
        .astype({"account_tier": "Int64"})
    )
    scores = _scored(store, "contacts").drop(columns=["account_id"], errors="ignore")
    people = store.table("contacts")
    # Where each contact's scores are (-1: not scored). The checks look at a few
    # columns; the wide rows are gathered once, for the selected contacts only.
    at_score = pd.Index(scores["contact_id"]).get_indexer(people["contact_id"])
    lookup = pd.DataFrame(
        {name: scores[name].array.take(at_score, allow_fill=True) for name in ("quadrant", "roles")}
    )
    score = np.where(at_score >= 0, scores["score"].to_numpy(dtype="float64")[at_score], np.nan)
    at_chosen = chosen.index.get_indexer(people["account_id"]) >= 0
    stored_consent = people.get("consent", pd.Series(pd.NA, index=people.index, dtype="boolean"))
    consented = consent_states(stored_consent).isin(list(consent)).to_numpy(dtype=bool)
    status = people.get("email_status", pd.Series(pd.NA, index=people.index, dtype="str"))
    now = pd.Timestamp.now(tz="UTC") if now is None else now
    quadrant, roles, least = filters.quadrant, filters.roles, filters.min_contact_score
    checks: list[Check] = [
        ("no_account", people["account_id"].isna(), False),
        ("account_not_selected", ~at_chosen, False),
        ("not_scored", np.isnan(score), False),
        ("quadrant", _when(bool(quadrant), ~lookup["quadrant"].isin(quadrant)), bool(quadrant)),
        ("roles", _when(bool(roles), ~_has_role(lookup["roles"], roles)), bool(roles)),
        ("min_contact_score", _when(least > 0, score < least), least > 0),
    ]
    # Events are read only for the contacts the audience would take: anyone else is
    # left out for an earlier reason whatever their events say.
    reached, _ = _first_reason(checks)
    unsubscribed = np.zeros(len(people), dtype=bool)
    bounced = np.zeros(len(people), dtype=bool)
    if reached.any():
        ids = people["contact_id"][reached]
        unsubscribed[reached], bounced[reached] = _event_flags(store, ids, now)
    checks += [
        ("opted_out", _flag(people, "opted_out") | unsubscribed, True),
        ("bounced", (status == "bounced").fillna(False).to_numpy(dtype=bool) | bounced, True),
        # Counted only when someone is left out for them (ingest flags these addresses).
        ("invalid_email", (status == "invalid").fillna(False), False),
        ("disposable", _flag(people, "is_disposable"), False),
        ("no_consent", _when(filters.require_consent, ~consented), filters.require_consent),
    ]
    selected, excluded = _first_reason(checks)
    ranked = _ranked(
        pd.DataFrame({"score": score, "contact_id": people["contact_id"]}),
        np.flatnonzero(selected),
        "score",
        "contact_id",
    )
    wanted = people.columns if columns is None else people.columns.intersection(columns)
    rows = people[wanted].take(ranked).reset_index(drop=True)
    scored = scores.drop(columns=["contact_id"]).take(at_score[ranked]).reset_index(drop=True)
    employer = chosen.reindex(rows["account_id"]).reset_index(drop=True)
    # Scores and employer facts win over custom contact attributes of the same name.
    rows = rows.drop(columns=[*scored.columns, *employer.columns], errors="ignore")
    rows = pd.concat([rows, scored, employer], axis=1)
    return Selection(rows, len(people), excluded, unknown)
