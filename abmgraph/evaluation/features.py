"""The score's named features as a numeric matrix, and where each one's points live.

A *feature* is the signal behind one contribution column, in units that make
the contribution linear in a single config value:

- contacts: capped, decayed event counts per engagement type
  (``engagement.<type>`` = points × min(decayed, cap ÷ points)), one-hot
  seniority, target department, corporate / free-mail email, bounced email,
  competitor domain, title keywords, the config's attribute rules;
- accounts: each ``fit.*`` and ``committee.*`` contribution divided by its
  config points (and the fit / engagement weight), which is the indicator,
  capped count or saturation in 0–1 the engine multiplies; and the activity
  components that keep counting (``committee.events``, ``recent_events``,
  ``people``, ``trend``: see scoring/activity.py), from their raw statistics,
  whatever points the config gives them, so calibration can turn them on;
  and the graph components the config turns on (``graph.*``);
- both: candidate attribute rules learned from the data's own columns
  (``lead_source = Referral``, ``time_on_website_seconds >= 600``), so
  source-based and custom-attribute scoring can be calibrated too.

Each feature carries a sign constraint: positive engagement types, the
committee and the graph components can only earn points (≥ 0), negative engagement types
only lose them (≤ 0); fit and attribute features may go either way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from abmgraph.evaluation.outcomes import Level
from abmgraph.graph.vocab import SENIORITIES
from abmgraph.scoring.accounts import COMMITTEE_COMPONENTS
from abmgraph.scoring.activity import ACTIVITY_STATS, log_share
from abmgraph.scoring.config import AttributeRule, ScoringConfig
from abmgraph.scoring.engine import ScoreResult
from abmgraph.scoring.rules import rule_mask

__all__ = [
    "Feature",
    "activity_scales",
    "candidate_rules",
    "config_features",
    "feature_matrix",
]

# Columns that identify or describe a record rather than predict anything, or that the
# config's own features already cover.
_NOT_CANDIDATES = {
    "contact": {
        "contact_id",
        "account_id",
        "email",
        "first_name",
        "last_name",
        "title",
        "manager_id",
        "phone",
        "previous_account_ids",
        "email_domain",
        "is_free_mail",
        "is_disposable",
        "seniority_source",
        "department_source",
        "account_match",
        "seniority",
        "department",
        "email_status",
    },
    "account": {
        "account_id",
        "name",
        "domain",
        "parent_account_id",
        "technologies",
        "industry",
        "employees",
        "annual_revenue",
        "country",
    },
}
_ACCOUNT_FIT = {
    "industry": "industry_points",
    "employees": "employees_points",
    "revenue": "revenue_points",
    "country": "country_points",
    "technologies": "technology_points",
    "intent": "intent_points",
}
_CAPPED = {"technologies": "technology_cap", "intent": "intent_cap"}
MAX_LEVELS = 25


@dataclass(frozen=True)
class Feature:
    """One calibratable signal: its name, where its points go, and its sign constraint.

    ``target`` is a path into the config: ``("engagement", type)``,
    ``("contact_fit", key[, sub])``, ``("account_fit", key)``,
    ``("committee", component)``, ``("graph", component)`` or ``("rule",
    level)`` with ``rule`` set.
    ``units`` is the signal's saturation (cap ÷ points) for capped features.
    """

    name: str
    target: tuple[str, ...]
    sign: int = 0
    units: float = 1.0
    rule: dict[str, Any] | None = field(default=None, compare=False)


def _contact_table(result: ScoreResult, contacts: pd.DataFrame) -> pd.DataFrame:
    order = result.contacts["contact_id"]
    return contacts.set_index("contact_id").reindex(order).reset_index()


def _event_signals(result: ScoreResult, config: ScoringConfig) -> dict[str, tuple[Feature, Any]]:
    summary = result.summary
    ids = pd.Index(result.contacts["contact_id"])
    decayed = (
        summary.pivot_table(index="contact_id", columns="type", values="decayed", aggfunc="sum")
        .reindex(ids)
        .fillna(0.0)
    )
    out = {}
    for kind, rule in config.engagement.items():
        units = rule.cap / rule.points if rule.points else 1.0
        signal = decayed[kind].to_numpy() if kind in decayed.columns else np.zeros(len(ids))
        sign = int(np.sign(rule.points))
        feature = Feature(f"engagement.{kind}", ("engagement", kind), sign, units)
        out[feature.name] = (feature, np.minimum(signal, units))
    return out


def _contact_fit_signals(
    table: pd.DataFrame, config: ScoringConfig
) -> dict[str, tuple[Feature, Any]]:
    fit = config.contact.fit
    out: dict[str, tuple[Feature, Any]] = {}

    def add(name: str, target: tuple[str, ...], values: Any, rule: dict | None = None) -> None:
        out[name] = (Feature(name, target, rule=rule), np.asarray(values, dtype=float))

    for level in SENIORITIES:
        add(
            f"fit.seniority.{level}",
            ("contact_fit", "seniority", level),
            table["seniority"].eq(level).fillna(False),
        )
    add(
        "fit.department",
        ("contact_fit", "target_department_points"),
        table["department"].isin(fit.target_departments),
    )
    has_email = table["email"].notna().to_numpy(dtype=bool)
    free = table["is_free_mail"].fillna(False).to_numpy(dtype=bool)
    disposable = (
        table["is_disposable"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "is_disposable" in table.columns
        else np.zeros(len(table), dtype=bool)
    )
    add("fit.email.corporate", ("contact_fit", "corporate_email"), has_email & ~free & ~disposable)
    add("fit.disposable", ("contact_fit", "disposable"), disposable)
    add("fit.email.free_mail", ("contact_fit", "free_mail"), has_email & free & ~disposable)
    add(
        "fit.bounced", ("contact_fit", "bounced"), table["email_status"].eq("bounced").fillna(False)
    )
    if fit.competitor_domains:
        domains = [d.casefold() for d in fit.competitor_domains]
        add("fit.competitor", ("contact_fit", "competitor"), table["email_domain"].isin(domains))
    titles = table["title"].astype("str").str.casefold()
    for keyword in fit.title_keywords:
        hit = titles.str.contains(keyword.casefold(), regex=False).fillna(False)
        add(f"fit.title.{keyword}", ("contact_fit", "title_keywords", keyword), hit)
    for index, rule in enumerate(fit.rules):
        add(f"fit.rule.{rule.label}", ("rule", "contact", str(index)), rule_mask(table, rule))
    return out


def _account_signals(result: ScoreResult, config: ScoringConfig) -> dict[str, tuple[Feature, Any]]:
    section = config.account
    accounts = result.accounts
    out = {}
    for key, setting in _ACCOUNT_FIT.items():
        points = getattr(section.fit, setting)
        if not points:
            continue
        units = getattr(section.fit, _CAPPED[key]) / points if key in _CAPPED else 1.0
        signal = accounts[f"fit.{key}"].to_numpy(dtype=float) / (section.fit_weight * points)
        feature = Feature(f"fit.{key}", ("account_fit", setting), 0, units)
        out[feature.name] = (feature, signal if section.fit_weight else np.zeros(len(accounts)))
    for index, rule in enumerate(section.fit.rules):
        column = f"fit.rule.{rule.label}"
        if rule.points and section.fit_weight:
            signal = accounts[column].to_numpy(dtype=float) / (section.fit_weight * rule.points)
            out[column] = (Feature(column, ("rule", "account", str(index))), signal)
    for component in COMMITTEE_COMPONENTS:
        points = getattr(section.committee, f"{component}_points")
        if points and section.engagement_weight:
            values = accounts[f"committee.{component}"].to_numpy(dtype=float)
            signal = values / (section.engagement_weight * points)
            feature = Feature(f"committee.{component}", ("committee", f"{component}_points"), 1)
            out[feature.name] = (feature, signal)
    if section.engagement_weight:
        out.update(_graph_signals(accounts, config))
        for component, stat in ACTIVITY_STATS.items():
            scale = getattr(section.committee, f"{component}_scale")
            feature = Feature(f"committee.{component}", ("committee", f"{component}_points"), 1)
            out[feature.name] = (feature, log_share(accounts[stat], scale))
    return out


def _graph_signals(accounts: pd.DataFrame, config: ScoringConfig) -> dict[str, tuple[Feature, Any]]:
    """The graph components the config turns on, as signals in 0–1 (see scoring/graph_components).

    Paths to power and moved champions saturate like the committee components.
    The family component is the share of a relative's committee engagement,
    capped at its points: its signal is that engagement ÷ 100, and calibrated
    points ``p`` are written as ``family_points = p`` and ``family_share = p / 100``,
    which never reach the cap.
    """
    section = config.account
    graph = section.graph
    out = {}
    for component in ("access_to_power", "champions_moved"):
        points = getattr(graph, f"{component}_points")
        if points:
            values = accounts[f"graph.{component}"].to_numpy(dtype=float)
            feature = Feature(f"graph.{component}", ("graph", f"{component}_points"), 1)
            out[feature.name] = (feature, values / (section.engagement_weight * points))
    if graph.family_on:
        feature = Feature("graph.family", ("graph", "family"), 1)
        engagement = accounts["family_engagement"].to_numpy(dtype=float) / 100.0
        out[feature.name] = (feature, engagement)
    return out


def _round_up(value: float) -> float:
    """``value`` rounded up to two significant digits (137.2 → 140, 7.23 → 7.3)."""
    step = 10.0 ** (math.floor(math.log10(value)) - 1)
    return round(math.ceil(value / step - 1e-9) * step, 10)


def activity_scales(config: ScoringConfig, accounts: pd.DataFrame) -> ScoringConfig:
    """``config`` with each activity scale at the largest value ``accounts`` hold (rounded up).

    ``accounts`` are scored training records: none of them reaches a
    component's full points, so the fitted points follow ``log(1 + x)``
    across the whole range the data shows. A statistic no account holds
    keeps its configured scale.
    """
    scales = {}
    for component, stat in ACTIVITY_STATS.items():
        largest = float(accounts[stat].max()) if len(accounts) else 0.0
        if largest > 0:
            scales[f"{component}_scale"] = _round_up(largest)
    committee = config.account.committee.model_copy(update=scales)
    account = config.account.model_copy(update={"committee": committee})
    return config.model_copy(update={"account": account})


def config_features(
    result: ScoreResult, table: pd.DataFrame, level: Level, config: ScoringConfig | None = None
) -> dict[str, tuple[Feature, np.ndarray]]:
    """The config's own features for every scored row (in ``scored_frame`` order).

    ``config`` (default: the one ``result`` was scored with) may differ from
    it only in settings the signals do not depend on, such as activity scales.
    """
    config = result.config if config is None else config
    if level == "account":
        return _account_signals(result, config)
    return {
        **_event_signals(result, config),
        **_contact_fit_signals(_contact_table(result, table), config),
    }


def record_table(result: ScoreResult, table: pd.DataFrame, level: Level) -> pd.DataFrame:
    """The stored contacts (or accounts) table in the scored rows' order."""
    if level == "contact":
        return _contact_table(result, table)
    order = result.accounts["account_id"]
    return table.set_index("account_id").reindex(order).reset_index()


def _numeric(column: pd.Series) -> pd.Series | None:
    values = pd.to_numeric(column, errors="coerce")
    present = column.notna()
    if present.sum() == 0 or values[present].isna().mean() > 0.01:
        return None
    return values if values.nunique() > 10 else None


def candidate_rules(table: pd.DataFrame, level: Level, min_support: int) -> list[Feature]:
    """Attribute rules worth trying, learned from the training rows' own columns.

    Categorical columns give one ``eq`` rule per value held by at least
    ``min_support`` rows (the commonest ``MAX_LEVELS``); numeric columns give
    a ladder of ``gte`` rules at their deciles, so the points form a step
    function of the value. Missing values match no rule.
    """
    features = []
    for column in table.columns:
        if column in _NOT_CANDIDATES[level] or column.startswith("account."):
            continue
        if column.endswith("_invalid"):  # the text of a value ingest could not read
            continue
        values = table[column]
        numbers = _numeric(values)
        if numbers is not None:
            present = numbers.dropna()
            steps = np.unique(np.quantile(present, np.linspace(0.1, 0.9, 9)))
            for step in steps[steps > present.min()]:
                rule = {
                    "label": f"{column} >= {step:g}",
                    "field": column,
                    "op": "gte",
                    "value": float(step),
                }
                features.append(Feature(f"rule.{rule['label']}", ("rule", level, "new"), rule=rule))
            continue
        text = values.dropna().astype("str").str.strip()
        counts = text[text != ""].value_counts()
        common = counts[(counts >= min_support) & (counts < len(table))].head(MAX_LEVELS)
        if len(common) > 1 and common.sum() == len(table):
            # Every row holds one of these values: the commonest is the reference (0 points).
            common = common.iloc[1:]
        for value in common.index:
            rule = {
                "label": f"{column} = {value}",
                "field": column,
                "op": "eq",
                "value": str(value),
            }
            features.append(Feature(f"rule.{rule['label']}", ("rule", level, "new"), rule=rule))
    return features


def feature_matrix(
    own: dict[str, tuple[Feature, np.ndarray]], table: pd.DataFrame, features: list[Feature]
) -> np.ndarray:
    """The columns for ``features``: the config's own signals, or rule masks on ``table``."""
    columns = []
    for feature in features:
        if feature.name in own:
            columns.append(own[feature.name][1])
        else:
            columns.append(rule_mask(table, AttributeRule(**feature.rule, points=0)))
    if not columns:
        return np.zeros((len(table), 0))
    return np.column_stack(columns).astype(float)
