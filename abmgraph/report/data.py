"""What the report shows, gathered from the stored scores through ``GraphStore``.

Everything comes from the library's own answers — ranked accounts, the org
chart and paths to power, gaps, warm paths, ``explain``, surging accounts,
intent and weekly engagement — so the report shows the CLI's numbers and
is the same on every store. Every question is asked once for all the
accounts covered (explanations, the timeline, org charts, gaps, warm paths).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pandas as pd

from abmgraph.errors import NotFoundError, StoreError
from abmgraph.feedback.accounts import store_handovers_by_account
from abmgraph.graph.store import GraphStore
from abmgraph.queries import surging
from abmgraph.queries.engine import records
from abmgraph.queries.gaps import gaps_by_account
from abmgraph.queries.org import org_charts
from abmgraph.queries.timeline import weekly_engagement
from abmgraph.queries.warm_paths import warm_paths_by_account
from abmgraph.report.committee import as_roles, committee_diagram
from abmgraph.report.snapshot import Snapshot
from abmgraph.scoring.explain import explain_accounts
from abmgraph.scoring.views import ranked_accounts

__all__ = ["AccountPage", "ReportData", "gather", "parts_to_total"]

TIMELINE_WEEKS = 12


@dataclass
class AccountPage:
    """One account's page: its ranked row and every panel's rows."""

    row: dict[str, Any]
    facts: dict[str, Any]
    people: list[dict[str, Any]]
    diagram: dict[str, Any]
    paths_to_power: list[dict[str, Any]]
    gaps: list[dict[str, Any]]
    warm_paths: list[dict[str, Any]]
    contributions: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    intent: list[dict[str, Any]]
    # What sales did with the account's handovers: rejected ones, and those nobody answered.
    sales: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class ReportData:
    """The whole site: the ranked rows, the index's summaries and the pages."""

    meta: dict[str, Any]
    accounts: list[dict[str, Any]]
    tiers: list[dict[str, Any]]
    stages: list[dict[str, Any]]
    surging: list[dict[str, Any]]
    pages: list[AccountPage] = field(default_factory=list)
    total_accounts: int = 0


STAGES = ["target", "awareness", "consideration", "decision", "purchase"]


def parts_to_total(points: Sequence[float], total: float, places: int = 2) -> list[float]:
    """Round ``points`` to ``places`` so that they add up exactly to ``total`` rounded the same way.

    Largest remainders: each part is rounded down, then the hundredths still
    missing go to the parts that lost the most, so a waterfall's labelled
    parts always sum to the labelled total.

    Examples
    --------
    >>> parts_to_total([1.005, 2.005, 3.005], 6.015)
    [1.01, 2.01, 3.0]
    """
    unit = Decimal(1).scaleb(-places)
    exact = [Decimal(repr(p)) for p in points]
    floors = [(p / unit).to_integral_value(rounding="ROUND_FLOOR") for p in exact]
    target = (Decimal(repr(total)) / unit).to_integral_value(rounding=ROUND_HALF_EVEN)
    missing = int(target - sum(floors))
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] / unit - floors[i]), i))
    step = 1 if missing >= 0 else -1
    for i in (order if step > 0 else order[::-1])[: abs(missing)]:
        floors[i] += step
    return [float(f * unit) for f in floors]


def _counts(rows: list[dict[str, Any]], key: str, order: Sequence[Any]) -> list[dict[str, Any]]:
    seen = pd.Series([r[key] for r in rows], dtype="object").value_counts()
    values = list(order) + sorted(v for v in seen.index if v not in order)
    total = max(len(rows), 1)
    return [
        {"value": v, "count": int(seen.get(v, 0)), "share": int(seen.get(v, 0)) / total}
        for v in values
    ]


def _read_ids(wanted: Sequence[str], ranked: list[dict[str, Any]]) -> list[str]:
    known = {r["account_id"] for r in ranked}
    missing = [a for a in dict.fromkeys(wanted) if a not in known]
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise NotFoundError(
            f"{len(missing)} account(s) of --accounts are not scored accounts: {shown}. "
            "List them with 'abmgraph accounts'."
        )
    return list(dict.fromkeys(wanted))


def _waterfall(explained: dict[str, Any], shown_total: float) -> list[dict[str, Any]]:
    parts = explained["contributions"]
    rounded = parts_to_total([p["points"] for p in parts], shown_total)
    running = 0.0
    out = []
    for part, points in zip(parts, rounded, strict=True):
        start = running
        running = round(running + points, 2)
        out.append({**part, "shown": points, "start": start, "end": running})
    return out


def _intent(store: GraphStore, ids: list[str], as_of: pd.Timestamp) -> dict[str, list[dict]]:
    intent = store.table("intent")
    intent = intent[intent["account_id"].isin(ids) & (intent["observed_at"] <= as_of)]
    intent = intent.sort_values(
        ["account_id", "score", "observed_at"], ascending=[True, False, False]
    )
    out: dict[str, list[dict[str, Any]]] = {a: [] for a in ids}
    for row in records(intent[["account_id", "topic", "score", "observed_at"]]):
        out[row["account_id"]].append(row)
    return out


def gather(
    store: GraphStore,
    *,
    top: int = 200,
    account_ids: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
    handovers: pd.DataFrame | None = None,
) -> ReportData:
    """The report's data: the top ``top`` accounts by priority, or exactly ``account_ids``.

    ``progress`` hears how far the account pages are, every 25 accounts.
    ``handovers`` (the score history's) lets each account show the handovers
    nobody answered beside those sales rejected.

    Raises
    ------
    StoreError
        Nothing is scored yet.
    NotFoundError
        An id of ``account_ids`` is not a scored account.
    """
    # Every account is asked the same questions: whole tables are read once.
    store = Snapshot(store)  # type: ignore[assignment]
    meta = store.score_meta()
    if meta is None:
        raise StoreError("Nothing is scored yet: run 'abmgraph score' first.")
    as_of = pd.Timestamp(meta["as_of"])
    ranked = ranked_accounts(store)
    if account_ids is not None:
        ids = _read_ids(account_ids, ranked)
        chosen = {a: i for i, a in enumerate(ids)}
        covered = sorted(
            (r for r in ranked if r["account_id"] in chosen), key=lambda r: chosen[r["account_id"]]
        )
    else:
        covered = ranked[:top]
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    ids = [r["account_id"] for r in covered]
    data = ReportData(
        meta={
            "as_of": as_of,
            "scored_at": pd.Timestamp(meta["scored_at"]) if meta.get("scored_at") else None,
            "config_hash": meta.get("config_hash") or "",
            "backend": store.backend,
        },
        accounts=covered,
        tiers=_counts(ranked, "tier", [1, 2, 3]),
        stages=_counts(ranked, "stage", STAGES),
        surging=surging(store, days=14, limit=10),
        total_accounts=len(ranked),
    )
    if not ids:
        return data
    explained = {e["id"]: e for e in explain_accounts(store, ids)}
    weeks = weekly_engagement(store, ids, as_of, TIMELINE_WEEKS)
    topics = _intent(store, ids, as_of)
    facts = {
        r["account_id"]: r for r in records(store.table("accounts", pd.Series(ids, dtype="str")))
    }
    # The graph questions of every page, each asked once for all the accounts.
    charts = org_charts(store, ids)
    gaps = gaps_by_account(store, ids, per_role=2)
    warm = warm_paths_by_account(store, ids, limit=5)
    sales = store_handovers_by_account(store, ids, handovers)
    for done, row in enumerate(covered, start=1):
        if progress and done % 25 == 0:
            progress(f"Account pages: {done} of {len(covered)}.")
        account_id = row["account_id"]
        chart = charts[account_id]
        people = [{**p, "roles": as_roles(p["roles"])} for p in chart["people"]]
        missing = as_roles(row["missing_roles"])
        row["rejected_handovers"] = len(sales[account_id]["rejected"])
        row["unanswered_handovers"] = len(sales[account_id]["unanswered"])
        data.pages.append(
            AccountPage(
                row=row,
                facts=facts.get(account_id, {}),
                people=people,
                diagram=committee_diagram(people, missing, chart["paths_to_power"]),
                paths_to_power=chart["paths_to_power"],
                gaps=gaps[account_id],
                warm_paths=warm[account_id],
                contributions=_waterfall(explained[account_id], row["priority"]),
                timeline=weeks[account_id],
                intent=topics[account_id],
                sales=sales[account_id],
            )
        )
    return data
