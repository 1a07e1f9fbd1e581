"""What happened after ``as_of``: account- and contact-level outcomes in a window.

Two sources:

- The store's opportunities (the default). Account level: an account
  *converted* when an opportunity was created at it in the window
  ``(as_of, as_of + window]``, and *won* when such an opportunity is won
  (whenever it closed). Contact level: a contact converted when it is a
  contact on such an opportunity. The population is every account, and every
  contact known by ``as_of`` (with no events at all, or one at or before it).
- An outcomes file (``--outcomes``, as written by ``abmgraph datasets
  convert``): ``contact_id`` or ``account_id``, ``converted`` (bool) and
  optionally ``converted_at`` and ``won``. A conversion counts when it falls in
  the window, or when its date is unknown; rows that converted at or before
  ``as_of`` leave the population (they are no longer leads). The population is
  the file's rows known by ``as_of``.
- Sales feedback (``target="accepted"``): the handovers sales judged in the
  window. Contact level: every contact with a verdict naming it; account
  level: every account with a verdict on it or on one of its contacts. The
  outcome is the latest verdict in the window: accepted (1) or rejected (0);
  a recycled lead ("not now") is neither and leaves the population. An
  account is accepted when any of its latest verdicts is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd

from abmgraph.errors import InputError
from abmgraph.graph.store import EventWindow, GraphStore

__all__ = [
    "Level",
    "feedback_outcomes",
    "id_column",
    "known_contacts",
    "observed_outcomes",
    "opportunities_in_window",
    "read_outcomes",
]

Level = Literal["account", "contact"]
_TRUE = {"true", "yes", "1", "t", "y"}
_FALSE = {"false", "no", "0", "f", "n", ""}
_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")
_FAR = pd.Timestamp("2200-01-01", tz="UTC")


def id_column(level: Level) -> str:
    return "account_id" if level == "account" else "contact_id"


def _bools(column: pd.Series, path: Path, name: str) -> pd.Series:
    text = column.astype("str").str.strip().str.casefold().where(column.notna(), "")
    bad = ~text.isin(_TRUE | _FALSE)
    if bad.any():
        raise InputError(
            f"{path}: column {name} has {int(bad.sum())} values that are not true/false "
            f"(first: {column[bad].iloc[0]!r}); use true/false, yes/no or 1/0."
        )
    return text.isin(_TRUE)


def read_outcomes(path: Path) -> pd.DataFrame:
    """Read an outcomes CSV: an id column, ``converted``, and optional ``converted_at``/``won``."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise InputError(f"{path}: no such outcomes file.") from None
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable CSV ({exc}).") from None
    raw.columns = [c.strip().lower() for c in raw.columns]
    if "converted" not in raw.columns or not {"contact_id", "account_id"} & set(raw.columns):
        raise InputError(
            f"{path}: an outcomes file needs a converted column and a contact_id or "
            "account_id column (abmgraph datasets convert writes one)."
        )
    out = pd.DataFrame(index=raw.index)
    for column in ("contact_id", "account_id"):
        if column in raw.columns:
            out[column] = raw[column].str.strip()
    out["converted"] = _bools(raw["converted"], path, "converted")
    out["won"] = _bools(raw["won"], path, "won") if "won" in raw.columns else out["converted"]
    at = raw["converted_at"] if "converted_at" in raw.columns else pd.Series(pd.NA, index=raw.index)
    out["converted_at"] = pd.to_datetime(at, errors="coerce", utc=True, format="mixed")
    return out


def known_contacts(store: GraphStore, as_of: pd.Timestamp) -> pd.Series:
    """Contacts that existed by ``as_of``: no events at all, or one at or before it."""
    contacts = store.table("contacts")["contact_id"]
    everything = _summary_ids(store, _FAR)
    by_then = _summary_ids(store, as_of)
    return contacts[~contacts.isin(everything) | contacts.isin(by_then)].reset_index(drop=True)


def _summary_ids(store: GraphStore, as_of: pd.Timestamp) -> pd.Series:
    days = (as_of - _EPOCH) / pd.Timedelta(days=1)
    window = EventWindow(as_of, days, 30.0, 14.0, 42.0)
    return store.engagement_summary(window)["contact_id"].drop_duplicates()


def _in_window(stamps: pd.Series, as_of: pd.Timestamp, days: float) -> pd.Series:
    end = as_of + pd.Timedelta(days=days)
    return ((stamps > as_of) & (stamps <= end)).fillna(False).astype(bool)


def _from_store(store: GraphStore, level: Level, as_of: pd.Timestamp, days: float) -> pd.DataFrame:
    opportunities = store.table("opportunities")
    new = opportunities[_in_window(opportunities["created_at"], as_of, days).to_numpy()]
    won = new["is_won"].fillna(False).astype(bool).to_numpy()
    if level == "account":
        population = store.table("accounts")["account_id"]
        hits = pd.DataFrame({"id": new["account_id"].to_numpy(), "won": won})
    else:
        population = known_contacts(store, as_of)
        links = store.table("opportunity_contacts")
        flags = pd.DataFrame({"opportunity_id": new["opportunity_id"].to_numpy(), "won": won})
        hits = links.merge(flags, on="opportunity_id")[["contact_id", "won"]]
        hits = hits.rename(columns={"contact_id": "id"})
    return _flag(population, hits["id"], hits.loc[hits["won"], "id"])


def _flag(population: pd.Series, converted: pd.Series, won: pd.Series) -> pd.DataFrame:
    ids = population.astype("str").drop_duplicates().reset_index(drop=True)
    return pd.DataFrame(
        {"id": ids, "converted": ids.isin(converted).to_numpy(), "won": ids.isin(won).to_numpy()}
    )


def _from_file(
    store: GraphStore, outcomes: pd.DataFrame, level: Level, as_of: pd.Timestamp, days: float
) -> pd.DataFrame:
    column = id_column(level)
    if column not in outcomes.columns:
        raise InputError(
            f"The outcomes file has no {column} column, so it cannot score the {level} level; "
            f"use --level {'contact' if level == 'account' else 'account'}."
        )
    rows = outcomes[outcomes[column].notna()]
    if level == "account":
        # Several leads on one account: the account converted when any of them did.
        rows = (
            rows.groupby(column, sort=False)
            .agg(
                converted=("converted", "any"),
                won=("won", "any"),
                converted_at=("converted_at", "min"),
            )
            .reset_index()
        )
        known = store.table("accounts")["account_id"]
    else:
        known = known_contacts(store, as_of)
    at = rows["converted_at"]
    before = (rows["converted"] & (at <= as_of)).fillna(False).to_numpy(dtype=bool)
    counted = (rows["converted"] & (at.isna() | _in_window(at, as_of, days))).to_numpy(dtype=bool)
    keep = ~before & rows[column].isin(known).to_numpy()
    return pd.DataFrame(
        {
            "id": rows[column].to_numpy()[keep],
            "converted": counted[keep],
            "won": (counted & rows["won"].to_numpy(dtype=bool))[keep],
        }
    ).drop_duplicates("id")


def feedback_outcomes(
    store: GraphStore, level: Level, as_of: pd.Timestamp, window_days: float
) -> pd.DataFrame:
    """The judged handovers of the window: ``id`` and ``accepted`` (see the module docstring)."""
    feedback = store.table("feedback", columns=["contact_id", "account_id", "verdict", "at"])
    feedback = feedback.reindex(columns=["contact_id", "account_id", "verdict", "at"])
    rows = feedback[_in_window(feedback["at"], as_of, window_days).to_numpy(dtype=bool)]
    column = id_column(level)
    # Per contact, or per account and contact (an account's leads each have their verdict).
    subject = ["contact_id"] if level == "contact" else ["account_id", "contact_id"]
    rows = rows[rows[column].notna()].sort_values("at", kind="stable")
    latest = rows.drop_duplicates(subject, keep="last")
    latest = latest[latest["verdict"].isin(["accepted", "rejected"])]
    accepted = (latest["verdict"] == "accepted").to_numpy()
    frame = pd.DataFrame({"id": latest[column].astype("str").to_numpy(), "accepted": accepted})
    frame = frame.groupby("id", sort=True, as_index=False)["accepted"].any()
    return frame.astype({"id": "str", "accepted": bool})


def observed_outcomes(
    store: GraphStore,
    level: Level,
    as_of: pd.Timestamp,
    window_days: float,
    outcomes: pd.DataFrame | None = None,
    *,
    target: str = "converted",
) -> pd.DataFrame:
    """One row per member of the population: ``id``, ``converted``, ``won`` (bools).

    From the store's opportunities, or from ``outcomes`` (see ``read_outcomes``)
    when given. With ``target="accepted"``, from the store's sales feedback,
    with an ``accepted`` column (``converted`` and ``won`` repeat it). See the
    module docstring for the exact definitions.
    """
    if target == "accepted":
        if outcomes is not None:
            raise InputError(
                "--target accepted reads the verdicts in the store's sales feedback; "
                "drop --outcomes, or choose --target converted or won."
            )
        judged = feedback_outcomes(store, level, as_of, window_days)
        return judged.assign(converted=judged["accepted"], won=judged["accepted"])
    if outcomes is None:
        frame = _from_store(store, level, as_of, window_days)
    else:
        frame = _from_file(store, outcomes, level, as_of, window_days)
    return frame.astype({"id": "str", "converted": bool, "won": bool}).reset_index(drop=True)


def opportunities_in_window(
    store: GraphStore, as_of: pd.Timestamp, window_days: float
) -> pd.DataFrame:
    """The opportunities created in ``(as_of, as_of + window]``."""
    opportunities = store.table("opportunities")
    mask = _in_window(opportunities["created_at"], as_of, window_days).to_numpy(dtype=bool)
    return opportunities[mask].reset_index(drop=True)
