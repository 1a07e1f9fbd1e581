"""Negative fit rules proposed from "no fit" rejections: shown, never applied.

When sales rejects handovers as no fit, the attribute values most
over-represented among those rejections (against every judged handover)
say who the fit rules let in. For each candidate value:

    lift = share among no-fit rejections / share among judged handovers

A value is proposed when at least ``min_count`` no-fit rejections have it
and its lift is at least ``min_lift``; the strongest ``limit`` are kept,
ranked by count × lift. The attributes read are the account's industry,
country and size (fewer than 50 or 200 employees) and, at the contact level,
the contact's seniority and department. Only verdicts given by ``as_of`` are
read, so a calibration's held-out verdicts never shape a proposal.

Proposals become commented ``[[account.fit.rules]]`` /
``[[contact.fit.rules]]`` blocks in the calibrated config: the diff
``calibrate`` prints shows them, and they count only once uncommented.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from abmgraph.feedback.reasons import reason_category
from abmgraph.graph.store import GraphStore

__all__ = ["RuleProposal", "no_fit_proposals", "proposals_toml"]

_SIZE_BANDS = ((50, "fewer than 50 employees"), (200, "fewer than 200 employees"))


@dataclass(frozen=True)
class RuleProposal:
    """One negative fit rule to consider, and the evidence for it."""

    section: str  # "account.fit.rules" or "contact.fit.rules"
    field: str
    op: str
    value: str | float
    points: float
    no_fit: int  # no-fit rejections with the value
    no_fit_total: int
    judged_share: float  # share of judged handovers with the value

    @property
    def label(self) -> str:
        shown = self.value if self.op == "eq" else f"< {self.value:g}"
        return f"sales: no fit, {self.field.removeprefix('account.')} {shown}"

    def as_dict(self) -> dict[str, object]:
        return {
            "section": self.section,
            "field": self.field,
            "op": self.op,
            "value": self.value,
            "points": self.points,
            "no_fit_rejections": self.no_fit,
            "of_no_fit_rejections": self.no_fit_total,
            "share_of_judged": round(self.judged_share, 4),
        }


def _judged(store: GraphStore, as_of: pd.Timestamp) -> pd.DataFrame:
    """The latest verdict given by ``as_of`` per handover, with a ``no_fit`` flag."""
    columns = ["contact_id", "account_id", "verdict", "reason", "at"]
    feedback = store.table("feedback", columns=columns).reindex(columns=columns)
    feedback = feedback[(feedback["at"] <= as_of).fillna(False).to_numpy(dtype=bool)]
    latest = feedback.sort_values("at", kind="stable").drop_duplicates(
        ["contact_id", "account_id"], keep="last"
    )
    no_fit = (latest["verdict"] == "rejected") & (reason_category(latest["reason"]) == "no_fit")
    return latest.assign(no_fit=no_fit.to_numpy(dtype=bool)).reset_index(drop=True)


def _attributes(store: GraphStore, judged: pd.DataFrame, level: str) -> pd.DataFrame:
    """One row per (handover, field, value): the candidate values of each judged handover."""
    accounts = store.table("accounts", columns=["account_id", "industry", "country", "employees"])
    prefix = "account." if level == "contact" else ""
    by_account = accounts.drop_duplicates("account_id").set_index("account_id")
    frames = []
    for name in ("industry", "country"):
        values = judged["account_id"].map(by_account[name])
        frames.append(_long(judged, f"{prefix}{name}", "eq", values))
    employees = judged["account_id"].map(by_account["employees"]).astype(float)
    for limit, _ in _SIZE_BANDS:
        small = pd.Series(float(limit), index=judged.index).where(employees < limit)
        frames.append(_long(judged, f"{prefix}employees", "lt", small))
    if level == "contact":
        contacts = store.table("contacts", columns=["contact_id", "seniority", "department"])
        by_contact = contacts.drop_duplicates("contact_id").set_index("contact_id")
        for name in ("seniority", "department"):
            frames.append(_long(judged, name, "eq", judged["contact_id"].map(by_contact[name])))
    return pd.concat(frames, ignore_index=True)


def _long(judged: pd.DataFrame, field: str, op: str, values: pd.Series) -> pd.DataFrame:
    keep = values.notna().to_numpy()
    return pd.DataFrame(
        {
            "field": field,
            "op": op,
            "value": values[keep].astype(object).to_numpy(),
            "no_fit": judged["no_fit"].to_numpy()[keep],
        }
    )


def no_fit_proposals(
    store: GraphStore,
    as_of: pd.Timestamp,
    level: str = "account",
    *,
    min_count: int = 3,
    min_lift: float = 1.5,
    points: float = -10.0,
    limit: int = 5,
) -> list[RuleProposal]:
    """Negative fit rules the no-fit rejections given by ``as_of`` point at (see the module)."""
    judged = _judged(store, as_of)
    if level == "contact":
        judged = judged[judged["contact_id"].notna()].reset_index(drop=True)
    total, no_fit_total = len(judged), int(judged["no_fit"].sum())
    if no_fit_total < min_count:
        return []
    long = _attributes(store, judged, level)
    counts = long.groupby(["field", "op", "value"], sort=True)["no_fit"].agg(["size", "sum"])
    counts = counts.rename(columns={"size": "judged", "sum": "no_fit"}).reset_index()
    counts["lift"] = (counts["no_fit"] / no_fit_total) / (counts["judged"] / total)
    chosen = counts[(counts["no_fit"] >= min_count) & (counts["lift"] >= min_lift)]
    chosen = chosen.assign(strength=chosen["no_fit"] * chosen["lift"])
    chosen = chosen.sort_values(["strength", "field"], ascending=[False, True], kind="stable")
    # The size bands nest (under 50 is under 200): only the strongest of them is kept.
    sizes = (chosen["op"] == "lt").to_numpy()
    chosen = pd.concat([chosen[~sizes], chosen[sizes].head(1)])
    chosen = chosen.sort_values(["strength", "field"], ascending=[False, True], kind="stable")
    section = "contact.fit.rules" if level == "contact" else "account.fit.rules"
    return [
        RuleProposal(
            section,
            row.field,
            row.op,
            row.value,
            points,
            int(row.no_fit),
            no_fit_total,
            row.judged / total,
        )
        for row in chosen.head(limit).itertuples(index=False)
    ]


def _toml(value: str | float) -> str:
    import json

    return json.dumps(value) if isinstance(value, str) else f"{value:g}"


def proposals_toml(proposals: list[RuleProposal]) -> str:
    """The proposals as commented TOML blocks, each with its evidence; empty when none."""
    lines: list[str] = []
    for p in proposals:
        lines += [
            "",
            f"# Proposed from sales feedback, not applied: {p.no_fit} of {p.no_fit_total} "
            f'"no fit" rejections have {p.field} {p.op} {_toml(p.value)} '
            f"({p.judged_share:.0%} of judged handovers). Uncomment to use.",
            f"# [[{p.section}]]",
            f"# label = {_toml(p.label)}",
            f"# field = {_toml(p.field)}",
            f"# op = {_toml(p.op)}",
            f"# value = {_toml(p.value)}",
            f"# points = {_toml(p.points)}",
        ]
    return "\n".join(lines)
