"""Handovers joined with what sales did: the verdict on each, and the first rep touch after it.

A handover is a row of the score history's handovers (``abmgraph.history``):
a contact becoming MQL or SQL, or an account reaching tier 1, at the ``as_of``
of the first run in which it crossed. The rules decided here:

- A contact handed over as MQL and later as SQL is one handover: sales got
  one lead. It keeps the first crossing (its instant, kind and owner).
- A contact's verdict is the latest feedback row naming the contact; an
  account's (tier 1) the latest row naming the account and no contact.
  Verdicts are taken whenever they were given: a CRM export's date is often
  a last-modified date, later than the verdict itself.
- The first touch is the earliest rep activity at or after the handoff
  instant: on the contact for a lead, on any contact of the account or the
  account itself for a tier-1 account.
- A handover nobody answered has no verdict and no touch after it.
- A handover without an owner (no ``owner`` on the contact or account) is
  owned by the rep who touched it first, else the one who gave the verdict.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["HANDOVER_COLUMNS", "first_touches", "handover_outcomes", "lead_handovers"]

HANDOVER_COLUMNS = ["kind", "contact_id", "account_id", "at", "run_id", "owner"]


def lead_handovers(handovers: pd.DataFrame) -> pd.DataFrame:
    """One row per handed-over contact or tier-1 account, with ``subject`` (its id).

    >>> frame = pd.DataFrame({"kind": ["mql", "sql", "tier1"], "contact_id": ["c1", "c1", None],
    ...     "account_id": ["a1", "a1", "a1"], "at": pd.to_datetime(["2026-01-02", "2026-01-05",
    ...     "2026-01-03"], utc=True), "run_id": ["r1", "r2", "r1"], "owner": ["ann", "ann", "bo"]})
    >>> lead_handovers(frame)[["kind", "subject"]].values.tolist()
    [['mql', 'c1'], ['tier1', 'a1']]
    """
    frame = handovers.reindex(columns=HANDOVER_COLUMNS).copy()
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    is_account = (frame["kind"] == "tier1").to_numpy()
    frame["level"] = pd.Series(is_account, index=frame.index).map(
        {True: "account", False: "contact"}
    )
    frame["subject"] = frame["contact_id"].where(~is_account, frame["account_id"]).astype("str")
    frame = frame[frame["subject"].notna()]
    frame = frame.sort_values(["at", "kind"], kind="stable")
    frame = frame.drop_duplicates(["level", "subject"], keep="first")
    return frame.sort_values("at", kind="stable").reset_index(drop=True)


def _latest_verdicts(feedback: pd.DataFrame) -> pd.DataFrame:
    """The latest verdict per (level, subject): ``verdict``, ``reason``, ``by``, ``verdict_at``."""
    contact = feedback["contact_id"].notna()
    rows = pd.DataFrame(
        {
            "level": contact.map({True: "contact", False: "account"}),
            "subject": feedback["contact_id"].where(contact, feedback["account_id"]),
            "verdict": feedback["verdict"],
            "reason": feedback["reason"],
            "by": feedback["by"],
            "verdict_at": pd.to_datetime(feedback["at"], utc=True),
        }
    )
    rows = rows[rows["subject"].notna()].sort_values("verdict_at", kind="stable")
    return rows.drop_duplicates(["level", "subject"], keep="last")


def first_touches(leads: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """The first rep activity at or after each handover: ``touched_at``, ``touched_by``.

    ``leads`` as ``lead_handovers`` returns them; aligned with it.
    """
    acts = activities[["contact_id", "account_id", "at", "owner"]].copy()
    acts["at"] = pd.to_datetime(acts["at"], utc=True)
    keys = leads[["level", "subject", "at"]].reset_index(names="lead")
    on_contact = keys[keys["level"] == "contact"].merge(
        acts.dropna(subset=["contact_id"]), left_on="subject", right_on="contact_id"
    )
    on_account = keys[keys["level"] == "account"].merge(
        acts.dropna(subset=["account_id"]), left_on="subject", right_on="account_id"
    )
    pairs = pd.concat([on_contact, on_account], ignore_index=True)
    pairs = pairs[pairs["at_y"] >= pairs["at_x"]].sort_values("at_y", kind="stable")
    first = pairs.drop_duplicates("lead", keep="first").set_index("lead")
    return pd.DataFrame(
        {
            "touched_at": first["at_y"].reindex(leads.index),
            "touched_by": first["owner"].reindex(leads.index).astype("str"),
        },
        index=leads.index,
    )


def handover_outcomes(
    handovers: pd.DataFrame, feedback: pd.DataFrame, activities: pd.DataFrame
) -> pd.DataFrame:
    """Each handover with its verdict and first touch.

    Columns: ``kind``, ``level``, ``subject``, ``contact_id``, ``account_id``,
    ``at``, ``run_id``, ``owner``, ``verdict`` (missing when none), ``reason``,
    ``by``, ``verdict_at``, ``touched_at``, ``touched_by``, ``minutes`` (handoff
    to first touch) and ``answered`` (a verdict or a touch).
    """
    leads = lead_handovers(handovers)
    verdicts = _latest_verdicts(feedback)
    out = leads.merge(verdicts, on=["level", "subject"], how="left")
    out = pd.concat([out, first_touches(leads, activities)], axis=1)
    out["minutes"] = (out["touched_at"] - out["at"]).dt.total_seconds() / 60.0
    out["answered"] = (out["verdict"].notna() | out["touched_at"].notna()).astype(bool)
    out["owner"] = out["owner"].astype(object).fillna(out["touched_by"]).fillna(out["by"])
    return out
