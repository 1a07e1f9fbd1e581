"""The demo's sales team: reps answer the handovers abmgraph made, by a process of their own.

Given the handovers of the demo's score history (the shape of
``abmgraph.history.handovers``), ``draw_sales_response`` draws what reps did:

- Each account has a rep (the handover's owner when it has one), and each rep
  a pace: some answer within minutes, some take a day.
- Most handovers get a first touch (a call, an email, rarely a meeting) after
  a delay drawn from a skewed, log-normal distribution (median about two
  hours, a long tail of days); a few are answered within minutes by the
  dialer. Follow-ups come days apart. Nothing happens after the anchor, so
  the latest handovers may still be waiting: unanswered.
- Most touched handovers get a verdict a day or so later; reps accept far
  more at truly in-market accounts than elsewhere, and less outside the core
  industries. Rejections carry a reason from a realistic list, drawn by what
  is wrong: no fit for the wrong industry or a small company, student for
  entry-level people, otherwise timing, authority, no response or bad data.

Everything is vectorised numpy from the caller's generator: the same
handovers, data and seed give the same files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from abmgraph.demo.catalog import CORE_INDUSTRIES
from abmgraph.feedback.matching import lead_handovers

__all__ = ["REPS", "account_reps", "draw_sales_response", "write_sales_files"]

# Reps and how fast each works: a multiplier on the drawn delay.
REPS = {"Avery Chen": 0.3, "Jordan Patel": 1.0, "Sam Okafor": 1.0, "Riley Novak": 3.0}

_TYPES = np.array(["call", "email", "meeting"])
_CALL_OUTCOMES = np.array(["connected", "left voicemail", "no answer"])
_REASONS = np.array(
    [
        "No fit - not our industry",
        "No fit - company too small",
        "Student / job seeker",
        "Competitor",
        "Bad timing - no budget this year",
        "Not the decision maker",
        "No response after 3 attempts",
        "Left the company",
        "Duplicate lead",
    ]
)
# Base weights of the reasons above; the lead's account and person shift them.
_BASE = np.array([0.02, 0.02, 0.01, 0.03, 0.3, 0.22, 0.25, 0.08, 0.07])
_RECYCLE_REASONS = np.array(["Bad timing - revisit next quarter", "Nurture - early research"])


def _choose(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One index per row of ``weights`` (rows need not sum to one), vectorised."""
    cumulative = np.cumsum(weights, axis=1)
    draws = rng.random(len(weights)) * cumulative[:, -1]
    return (cumulative < draws[:, None]).sum(axis=1)


def account_reps(accounts: pd.Series) -> np.ndarray:
    """Each account's rep: a stable spread of the account ids over ``REPS``."""
    names = np.array(list(REPS), dtype=object)
    codes = pd.util.hash_pandas_object(accounts.astype("str"), index=False).to_numpy()
    return names[(codes % len(names)).astype(np.int64)]


def _reps(accounts: pd.Series, owners: pd.Series) -> np.ndarray:
    """The handover's owner, else the account's rep."""
    own = account_reps(accounts)
    return np.where(owners.notna().to_numpy(), owners.astype(object).to_numpy(), own)


def draw_sales_response(
    rng: np.random.Generator,
    handovers: pd.DataFrame,
    accounts: pd.DataFrame,
    contacts: pd.DataFrame,
    truth: pd.DataFrame,
    anchor: pd.Timestamp,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(feedback, sales_activities) in the native contract, answering ``handovers``.

    ``accounts`` and ``contacts`` are the demo's frames, ``truth`` its
    ``account_id`` / ``in_market`` table; nothing is dated after ``anchor``.
    """
    leads = lead_handovers(handovers)
    n = len(leads)
    account = leads["account_id"].astype("str")
    by_account = accounts.drop_duplicates("account_id").set_index("account_id")
    in_market = account.map(truth.set_index("account_id")["in_market"]).fillna(False)
    in_market = in_market.to_numpy(dtype=bool)
    core = account.map(by_account["industry"]).isin(CORE_INDUSTRIES).to_numpy()
    small = (account.map(by_account["employees"]).astype(float) < 200).to_numpy()
    seniority = leads["contact_id"].map(contacts.set_index("contact_id")["seniority"])
    entry = (seniority == "entry").to_numpy()
    rep = _reps(account, leads["owner"])
    pace = pd.Series(rep).map(REPS).fillna(1.0).to_numpy(dtype=float)
    # Naive UTC datetime64 throughout: vectorised arithmetic, no Timestamp objects.
    handed = leads["at"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    now = anchor.tz_convert("UTC").tz_localize(None).to_datetime64()

    # The first touch: most handovers, after a skewed delay; the dialer answers some at once.
    touched = rng.random(n) < np.where(in_market, 0.92, 0.82)
    delay = rng.lognormal(np.log(120.0), 1.5, n) * pace
    delay = np.where(rng.random(n) < 0.12, rng.uniform(1, 5, n), delay)
    first = handed + (delay * 60e9).astype("timedelta64[ns]")
    touched &= first <= now

    # Who was touched: the lead, or for a tier-1 account one of its people.
    people = contacts[["contact_id", "account_id"]].dropna()
    people = people.assign(rank=rng.random(len(people))).sort_values("rank")
    someone = account.map(
        people.drop_duplicates("account_id").set_index("account_id")["contact_id"]
    )
    who = leads["contact_id"].where(leads["contact_id"].notna(), someone)

    follow = rng.poisson(1.2, n) * touched
    rows = np.repeat(np.arange(n), 1 + follow)
    starts = np.repeat(np.cumsum(1 + follow) - (1 + follow), 1 + follow)
    step = np.arange(len(rows)) - starts  # 0 for the first touch, then 1, 2 … per lead
    gaps = rng.exponential(2.0, len(rows)) * (step > 0)
    # Follow-ups of one lead come one after another: cumulative gaps within each lead.
    offsets = pd.Series(gaps).groupby(rows).cumsum().to_numpy()
    at = first[rows] + (offsets * 86_400e9).astype("timedelta64[ns]")
    kind = _TYPES[
        _choose(rng, np.where((step == 0)[:, None], [0.55, 0.4, 0.05], [0.35, 0.5, 0.15]))
    ]
    outcome = np.where(
        kind == "call",
        _CALL_OUTCOMES[_choose(rng, np.tile([0.35, 0.4, 0.25], (len(rows), 1)))],
        np.where(kind == "meeting", "held", "sent"),
    )
    keep = touched[rows] & (at <= now)
    activities = pd.DataFrame(
        {
            "contact_id": who.to_numpy()[rows][keep],
            "account_id": account.to_numpy()[rows][keep],
            "type": kind[keep],
            "at": pd.DatetimeIndex(at[keep]).floor("s").tz_localize("UTC"),
            "owner": rep[rows][keep],
            "outcome": outcome[keep],
        }
    ).sort_values("at", kind="stable")
    numbers = pd.Series(np.arange(1, len(activities) + 1), dtype="int64").astype("str")
    activities.insert(0, "activity_id", ("SA" + numbers.str.zfill(6)).to_numpy(dtype=object))

    # Verdicts: a day or so after the first touch; an obvious misfit is rejected untouched.
    judged = touched & (rng.random(n) < 0.9)
    judged |= ~touched & ~core & (rng.random(n) < 0.3)
    start = np.where(touched, first, handed)
    verdict_at = start + (rng.exponential(1.0, n) * 86_400e9).astype("timedelta64[ns]")
    judged &= verdict_at <= now
    accept = np.clip(np.where(in_market, 0.8, 0.5) - 0.3 * ~core - 0.3 * entry, 0.03, 0.95)
    verdict = np.where(
        rng.random(n) < accept, "accepted", np.where(rng.random(n) < 0.8, "rejected", "recycled")
    )
    weights = np.tile(_BASE, (n, 1))
    weights[:, 0] += 1.2 * ~core
    weights[:, 1] += 0.8 * small
    weights[:, 2] += 1.5 * entry
    reason = np.where(verdict == "rejected", _REASONS[_choose(rng, weights)], None)
    recycled = verdict == "recycled"
    reason = np.where(recycled, _RECYCLE_REASONS[rng.integers(0, 2, n)], reason)
    reason = np.where(verdict == "accepted", None, reason)
    feedback = pd.DataFrame(
        {
            "contact_id": leads["contact_id"].to_numpy()[judged],
            "account_id": account.to_numpy()[judged],
            "verdict": verdict[judged],
            "reason": reason[judged],
            "by": rep[judged],
            "at": pd.DatetimeIndex(verdict_at[judged]).floor("s").tz_localize("UTC"),
        }
    ).sort_values("at", kind="stable")
    return feedback.reset_index(drop=True), activities.reset_index(drop=True)


def write_sales_files(
    feedback: pd.DataFrame, activities: pd.DataFrame, out: Path
) -> dict[str, Path]:
    """``feedback.csv`` and ``sales-activities.csv`` in ``out`` (ISO-8601 UTC instants)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"feedback": out / "feedback.csv", "sales_activities": out / "sales-activities.csv"}
    for kind, frame in (("feedback", feedback), ("sales_activities", activities)):
        text = frame.assign(at=frame["at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        text.to_csv(paths[kind], index=False, lineterminator="\n")
    return paths
