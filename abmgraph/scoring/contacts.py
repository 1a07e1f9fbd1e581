"""Contact scores: fit points plus decayed, capped engagement points, clamped to 0–100.

Every score is the sum of named contribution columns (``fit.*``,
``engagement.*``, ``clamp``), each rounded to hundredths before summing, so
the contributions an explanation shows add up exactly to the score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from abmgraph.scoring.config import ScoringConfig
from abmgraph.scoring.rules import rule_mask

__all__ = ["contribution_columns", "score_contacts"]

CONTACT_OUTPUT = [
    "contact_id",
    "account_id",
    "score",
    "fit_score",
    "engagement_score",
    "grade",
    "stage",
    "quadrant",
]


def contribution_columns(frame: pd.DataFrame, prefixes: tuple[str, ...]) -> list[str]:
    """The contribution columns of a scored frame, in order."""
    return [c for c in frame.columns if c.startswith(prefixes)]


def _flag(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A stored boolean column as a mask (missing, or no such column: False)."""
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _fit(contacts: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    fit = config.contact.fit
    out = pd.DataFrame(index=contacts.index)
    out["fit.seniority"] = contacts["seniority"].map(fit.seniority).astype("float64").fillna(0.0)
    in_target = contacts["department"].isin(fit.target_departments).to_numpy(dtype=bool)
    out["fit.department"] = np.where(in_target, fit.target_department_points, 0.0)
    if fit.title_keywords:
        titles = contacts["title"].astype("str").str.casefold()
        title_points = np.zeros(len(contacts))
        for keyword, points in fit.title_keywords.items():
            hit = titles.str.contains(keyword.casefold(), regex=False).fillna(False)
            title_points += np.where(hit.to_numpy(dtype=bool), points, 0.0)
        out["fit.title"] = title_points
    has_email = contacts["email"].notna().to_numpy(dtype=bool)
    free = contacts["is_free_mail"].fillna(False).to_numpy(dtype=bool)
    disposable = _flag(contacts, "is_disposable")
    # A disposable address (some lists call them free mail too) earns its own points only.
    usable = has_email & ~disposable
    out["fit.email"] = np.select([usable & free, usable], [fit.free_mail, fit.corporate_email], 0.0)
    out["fit.disposable"] = np.where(disposable, fit.disposable, 0.0)
    if fit.competitor_domains:
        competitors = [d.casefold() for d in fit.competitor_domains]
        hit = contacts["email_domain"].isin(competitors).to_numpy(dtype=bool)
        out["fit.competitor"] = np.where(hit, fit.competitor, 0.0)
    bounced = (contacts["email_status"] == "bounced").fillna(False).to_numpy(dtype=bool)
    out["fit.bounced"] = np.where(bounced, fit.bounced, 0.0)
    for rule in fit.rules:
        out[f"fit.rule.{rule.label}"] = np.where(rule_mask(contacts, rule), rule.points, 0.0)
    return out


def _with_account_columns(contacts: pd.DataFrame, accounts: pd.DataFrame | None) -> pd.DataFrame:
    """Add the employer's columns as ``account.<name>`` so contact rules can test firmographics."""
    if accounts is None or accounts.empty:
        return contacts
    employer = accounts.add_prefix("account.").rename(columns={"account.account_id": "account_id"})
    return contacts.merge(employer, on="account_id", how="left")


def _type_points(summary: pd.DataFrame, config: ScoringConfig) -> pd.DataFrame:
    """Capped points per contact and type, and the undecayed recent/prior points."""
    rules = config.engagement
    summary = summary[summary["type"].isin(list(rules))]
    points = summary["type"].map({t: r.points for t, r in rules.items()}).astype("float64")
    caps = summary["type"].map({t: r.cap for t, r in rules.items()}).astype("float64")
    positive = points > 0

    def capped(raw: pd.Series) -> np.ndarray:
        # A positive type saturates at its cap, a negative one bottoms out at its cap.
        return np.where(positive, np.minimum(raw, caps), np.maximum(raw, caps))

    return summary.assign(
        points=capped(points * summary["decayed"]),
        recent_points=np.where(positive, np.minimum(points * summary["recent"], caps), 0.0),
        prior_points=np.where(positive, np.minimum(points * summary["prior"], caps), 0.0),
        # Uncapped counts of positive events, for the account's activity components.
        positive_events=np.where(positive, summary["events"], 0),
        decayed_events=np.where(positive, summary["decayed"], 0.0),
        recent_events=np.where(positive, summary["recent"], 0),
        prior_events=np.where(positive, summary["prior"], 0),
    )


def score_contacts(
    contacts: pd.DataFrame,
    summary: pd.DataFrame,
    config: ScoringConfig,
    accounts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Score every contact; one row per contact with contributions and outputs.

    ``contacts`` is the stored contacts table, ``summary`` the store's
    engagement summary for the scoring window; ``accounts``, when given,
    lets contact rules test the employer's columns as ``account.<name>``.
    """
    contacts = contacts.reset_index(drop=True)
    section = config.contact
    if any(rule.field.startswith("account.") for rule in section.fit.rules):
        contacts = _with_account_columns(contacts, accounts)
    fit = _fit(contacts, config).round(2)
    typed = _type_points(summary, config)
    # Summary rows are unique per (contact, type): place them straight into a matrix.
    present = set(typed["type"].unique())
    types = [t for t in config.engagement if t in present]  # the config's order, everywhere
    row = pd.Index(contacts["contact_id"]).get_indexer(typed["contact_id"])
    col = pd.Index(types).get_indexer(typed["type"])
    known = row >= 0
    row, col = row[known], col[known]
    matrix = np.zeros((len(contacts), len(types)))
    matrix[row, col] = typed["points"].to_numpy()[known]
    engagement = pd.DataFrame(
        matrix.round(2), index=contacts.index, columns=[f"engagement.{t}" for t in types]
    )

    def per_contact(column: str) -> np.ndarray:
        weights = typed[column].to_numpy()[known]
        return np.bincount(row, weights=weights, minlength=len(contacts))

    fit_score = fit.sum(axis=1).round(2)
    raw_engagement = engagement.sum(axis=1).round(2)
    engagement["engagement.cap"] = (
        0.0 - np.maximum(raw_engagement - section.engagement_max, 0.0) + 0.0
    )
    engagement_score = (raw_engagement + engagement["engagement.cap"]).round(2)
    total = (fit_score + engagement_score).round(2)
    clamp = (total.clip(0, 100) - total).round(2)
    score = (total + clamp).round(2)

    grades = section.grades
    out = pd.concat([contacts[["contact_id", "account_id"]], fit, engagement], axis=1)
    out["clamp"] = clamp
    out["fit_score"] = fit_score
    out["engagement_score"] = engagement_score
    out["score"] = score
    out["grade"] = np.select(
        [fit_score >= grades["A"], fit_score >= grades["B"], fit_score >= grades["C"]],
        ["A", "B", "C"],
        "D",
    )
    out["stage"] = np.select(
        [score >= section.sql_threshold, score >= section.mql_threshold], ["sql", "mql"], "lead"
    )
    high_fit = fit_score >= section.fit_high
    high_engagement = engagement_score >= section.engagement_high
    out["quadrant"] = np.select(
        [high_fit & high_engagement, high_fit, high_engagement],
        ["sales_ready", "nurture", "route_elsewhere"],
        "ignore",
    )
    positive = engagement_score.clip(lower=0)
    out["positive_engagement"] = positive
    out["engaged"] = (positive >= section.engaged_min) & (positive > 0)
    out["recent_points"] = per_contact("recent_points")
    out["prior_points"] = per_contact("prior_points")
    for column in ("positive_events", "decayed_events", "recent_events", "prior_events"):
        out[column] = per_contact(column)
    return out
