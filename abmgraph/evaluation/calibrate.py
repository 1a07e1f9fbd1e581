"""Calibrate a scoring config's points from observed outcomes, and prove it on held-out data.

Two ways to split:

- by time (the default): features as of ``as_of − window`` against outcomes
  in the window up to ``as_of`` train the weights; features as of ``as_of``
  against outcomes in the window after it validate them;
- a random holdout (``holdout`` = fraction, stratified, seeded), for data
  without dates: both parts scored as of ``as_of``.

Two methods: ``logistic`` (regularised logistic regression over the score's
named features with sign constraints, scaled into points) and
``conversion-rates`` (seed 004's manual method). Either way the result is a
config in points, scored by the engine itself on the held-out records and
compared with the config it started from and with an unconstrained logistic
regression on the same features and split.

At the account level the logistic method also learns the shape: the
committee components saturate (capped events per contact, a per-contact
cap, components that flatten), which throws away volume where volume is what
predicts. Calibration fits the configured shape and shapes 4 and 16 times
wider (:func:`abmgraph.evaluation.shapes.widened`: volume, recent events and
engaged people keep counting), and keeps a wider one only when it ranks the
training records' own cross-validation folds better by more than
``SHAPE_MARGIN``. The held-out records never take part in the choice.
"""

from __future__ import annotations

import difflib
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from abmgraph.errors import AbmgraphError, StoreError
from abmgraph.evaluation.backtest import Backtest, Target, backtest, scored_frame
from abmgraph.evaluation.features import (
    Feature,
    activity_scales,
    candidate_rules,
    config_features,
    feature_matrix,
    record_table,
)
from abmgraph.evaluation.fit import LogisticFit, choose_c, cross_validated_auc, fit_logistic
from abmgraph.evaluation.metrics import pr_auc, roc_auc
from abmgraph.evaluation.outcomes import Level, observed_outcomes
from abmgraph.evaluation.points import (
    ENGAGEMENT_TARGETS,
    logistic_points,
    rate_points,
    write_points,
)
from abmgraph.evaluation.shapes import SHAPE_FACTORS, SHAPE_MARGIN, widened
from abmgraph.feedback.proposals import RuleProposal, no_fit_proposals, proposals_toml
from abmgraph.graph.store import GraphStore
from abmgraph.safe_io import atomic_write_text, check_output
from abmgraph.scoring.config import ScoringConfig, render_default
from abmgraph.scoring.engine import ScoreResult, score_graph

__all__ = [
    "Calibration",
    "CalibrationRefused",
    "Method",
    "calibrate",
    "config_diff",
    "write_calibrated",
]

Method = Literal["logistic", "conversion-rates"]


class CalibrationRefused(AbmgraphError):
    """The calibrated config does worse on held-out data than the one it started from."""


@dataclass(frozen=True)
class _Part:
    """One side of the split: its feature matrix, outcomes, ids and scoring instant."""

    x: np.ndarray
    y: np.ndarray
    ids: pd.Series
    as_of: pd.Timestamp


@dataclass
class Calibration:
    """A calibrated config, the config it came from, and how both did on held-out data."""

    config: ScoringConfig
    base: ScoringConfig
    report: dict[str, Any]
    default: Backtest
    calibrated: Backtest
    weights: list[dict[str, Any]]
    # Negative fit rules the "no fit" rejections point at: written commented out, never applied.
    proposals: list[RuleProposal] = field(default_factory=list)

    @property
    def better(self) -> bool:
        return (self.report["auc_calibrated"] or 0.0) >= (self.report["auc_default"] or 0.0)


def _snapshot(
    store: GraphStore,
    config: ScoringConfig,
    as_of: pd.Timestamp,
    level: Level,
    window_days: float,
    outcomes: pd.DataFrame | None,
    target: Target,
) -> tuple[ScoreResult, pd.DataFrame, pd.DataFrame]:
    """Scores, the record table and the measured rows (``id``, ``row``, ``y``) at ``as_of``."""
    result = score_graph(store, config, as_of)
    frame = scored_frame(result, level)
    frame["row"] = np.arange(len(frame))
    observed = observed_outcomes(store, level, as_of, window_days, outcomes, target=target)
    frame = frame.merge(observed, on="id", how="inner")
    table = record_table(
        result, store.table("accounts" if level == "account" else "contacts"), level
    )
    return result, table, frame[["id", "row", target]].rename(columns={target: "y"})


def _check(y: np.ndarray, what: str, target: str = "converted") -> None:
    if len(y) == 0 or y.all() or not y.any():
        if target == "accepted":
            raise StoreError(
                f"The {what} records need both verdicts (some accepted, some rejected); found "
                f"{int(y.sum())} accepted of {len(y)} judged. Move --as-of, widen --window or "
                "ingest more sales feedback."
            )
        raise StoreError(
            f"The {what} records need both outcomes (some converted, some not); found "
            f"{int(y.sum())} of {len(y)} converted. Move --as-of, widen --window or use --holdout."
        )


def _parts(
    store: GraphStore,
    config: ScoringConfig,
    as_of: pd.Timestamp,
    level: Level,
    window_days: float,
    outcomes: pd.DataFrame | None,
    target: Target,
    holdout: float | None,
    seed: int,
) -> tuple[_Part, _Part, list[Feature], dict[str, Any], ScoringConfig]:
    """The training and held-out parts, the features (chosen on training), the split, and
    ``config`` with the activity scales the training records set."""
    if holdout is None:
        if outcomes is not None and outcomes["converted_at"].isna().all():
            raise StoreError(
                "The outcomes have no dates, so there is no before and after: "
                "use --holdout FRACTION --seed N for a random held-out split."
            )
        start = as_of - pd.Timedelta(days=window_days)
        snapshots = [
            _snapshot(store, config, start, level, window_days, outcomes, target),
            _snapshot(store, config, as_of, level, window_days, outcomes, target),
        ]
        train_rows, test_rows = snapshots[0][2], snapshots[1][2]
        split = {
            "split": "time",
            "train_as_of": start.isoformat(),
            "validate_as_of": as_of.isoformat(),
        }
        instants = (start, as_of)
    else:
        snapshot = _snapshot(store, config, as_of, level, window_days, outcomes, target)
        rows = snapshot[2]
        _check(rows["y"].to_numpy(dtype=bool), "scored", target)
        train_rows, test_rows = train_test_split(
            rows, test_size=holdout, random_state=seed, stratify=rows["y"].to_numpy()
        )
        snapshots = [snapshot, snapshot]
        split = {"split": "holdout", "holdout": holdout, "seed": seed, "as_of": as_of.isoformat()}
        instants = (as_of, as_of)
    if level == "account":
        # Scales from the training records alone, so their activity is never capped.
        config = activity_scales(config, snapshots[0][0].accounts.iloc[train_rows["row"]])
    own = [config_features(result, table, level, config) for result, table, _ in snapshots]
    train_table = snapshots[0][1].iloc[train_rows["row"].to_numpy()]
    min_support = max(20, int(0.005 * len(train_rows)))
    features = [f for f, _ in own[0].values()] + candidate_rules(train_table, level, min_support)
    parts = []
    for (_, table, _), signals, rows, when in zip(
        snapshots, own, (train_rows, test_rows), instants, strict=True
    ):
        x = feature_matrix(signals, table, features)[rows["row"].to_numpy()]
        parts.append(
            _Part(x, rows["y"].to_numpy(dtype=bool), rows["id"].reset_index(drop=True), when)
        )
    _check(parts[0].y, "training", target)
    _check(parts[1].y, "held-out", target)
    split.update({"train": len(parts[0].y), "validate": len(parts[1].y)})
    return parts[0], parts[1], features, split, config


def _committee_budget(
    points: np.ndarray, features: list[Feature], config: ScoringConfig
) -> np.ndarray:
    """Shrink committee points that would add up past the config's limit of 100."""
    committee = np.array([f.target[0] in ENGAGEMENT_TARGETS for f in features], dtype=bool)
    allowed = 100.0 * config.account.engagement_weight
    total = points[committee].sum()
    if total > allowed:
        points = points.copy()
        points[committee] *= allowed / total
    return points


@dataclass(frozen=True)
class _Shape:
    """One saturation shape's split, fitted points and cross-validated training ROC-AUC."""

    config: ScoringConfig
    factor: float
    train: _Part
    test: _Part
    split: dict[str, Any]
    varies: np.ndarray
    used: list[Feature]
    constant: list[Feature]
    c: float
    baseline: LogisticFit
    points: np.ndarray
    base: float
    units: np.ndarray | None
    cv_auc: float | None


def _fit_shape(
    store: GraphStore,
    config: ScoringConfig,
    factor: float,
    as_of: pd.Timestamp,
    level: Level,
    window_days: float,
    outcomes: pd.DataFrame | None,
    target: Target,
    holdout: float | None,
    seed: int,
    c: float | None,
    method: Method,
    compare: bool,
) -> _Shape:
    """Features and fitted points of one shape (``compare``: with its training folds' ROC-AUC)."""
    train, test, features, split, config = _parts(
        store, config, as_of, level, window_days, outcomes, target, holdout, seed
    )
    varies = train.x.std(axis=0) > 0
    used = [f for f, keep in zip(features, varies, strict=True) if keep]
    # A feature every training record holds only shifts everyone: zero it, the base absorbs it.
    held_by_all = ~varies & (train.x[0] != 0)
    constant = [f for f, flag in zip(features, held_by_all, strict=True) if flag]
    signs = np.array([f.sign for f in used])
    x = train.x[:, varies]
    if c is None:
        c = choose_c(x, train.y, seed=seed)
    baseline = fit_logistic(x, train.y, c=c)
    units = None
    if method == "logistic":
        model = fit_logistic(x, train.y, signs, c=c)
        points, base = logistic_points(model.coef, x, used, config, level)
    else:
        points, base = rate_points(x, train.y, used)
        points = _committee_budget(points, used, config)
        units = np.ones(len(used))
    cv = cross_validated_auc(x, train.y, signs, c, seed=seed) if compare else None
    return _Shape(
        config, factor, train, test, split, varies, used, constant, c, baseline,
        points, base, units, None if cv is None else round(cv, 4),
    )  # fmt: skip


def calibrate(
    store: GraphStore,
    config: ScoringConfig,
    as_of: pd.Timestamp,
    *,
    level: Level = "account",
    method: Method = "logistic",
    window_days: float = 90,
    outcomes: pd.DataFrame | None = None,
    target: Target = "converted",
    holdout: float | None = None,
    seed: int = 0,
    c: float | None = None,
    digits: int = 0,
) -> Calibration:
    """Learn new points for ``config`` from outcomes and measure them on held-out records.

    Returns a ``Calibration`` whose ``report`` holds ``auc_default``,
    ``auc_calibrated`` and ``auc_baseline`` (an unconstrained logistic
    regression on the same features and split), with PR-AUCs, the split,
    ``saturation_factor`` (the shape kept: 1 is the configured one) and
    ``saturation_cv_auc`` (each shape's cross-validated training ROC-AUC;
    None below the account level or with too few outcomes to fold), and
    ``best_baseline`` / ``auc_best_baseline``: the naive count that ranks the
    held-out records best.
    """
    factors = SHAPE_FACTORS if level == "account" and method == "logistic" else (1.0,)
    compare = len(factors) > 1
    shapes = [
        _fit_shape(
            store, widened(config, factor), factor, as_of, level, window_days, outcomes,
            target, holdout, seed, c, method, compare,
        )
        for factor in factors
    ]  # fmt: skip
    # A wider shape must earn its place: it replaces a narrower one only when it ranks
    # the training records' own folds clearly better; the held-out records stay unseen.
    shape = shapes[0]
    for candidate in shapes[1:]:
        if (candidate.cv_auc or 0.0) > (shape.cv_auc or 0.0) + SHAPE_MARGIN:
            shape = candidate
    test, varies, used, points = shape.test, shape.varies, shape.used, shape.points
    features_out = used + shape.constant
    points_out = np.concatenate([points, np.zeros(len(shape.constant))])
    units_out = (
        None
        if shape.units is None
        else np.concatenate([shape.units, [f.units for f in shape.constant]])
    )
    new = write_points(
        shape.config, features_out, points_out, shape.base, level, units=units_out, digits=digits
    )
    split = shape.split
    c = shape.c
    baseline = shape.baseline
    base = shape.base

    default_bt = backtest(
        store,
        config,
        test.as_of,
        window_days=window_days,
        level=level,
        outcomes=outcomes,
        target=target,
        ids=test.ids,
    )
    new_bt = backtest(
        store,
        new,
        test.as_of,
        window_days=window_days,
        level=level,
        outcomes=outcomes,
        target=target,
        ids=test.ids,
    )
    baseline_scores = baseline.decision(test.x[:, varies])
    report = {
        "level": level,
        "method": method,
        "target": target,
        "window_days": window_days,
        **split,
        # The instant the calibration describes; scoring with the new config uses it too.
        "score_as_of": as_of.isoformat(),
        "auc_default": default_bt.metrics["auc"],
        "auc_calibrated": new_bt.metrics["auc"],
        "auc_baseline": _round(roc_auc(test.y, baseline_scores)),
        "pr_auc_default": default_bt.metrics["pr_auc"],
        "pr_auc_calibrated": new_bt.metrics["pr_auc"],
        "pr_auc_baseline": _round(pr_auc(test.y, baseline_scores)),
        # The best naive count on the same held-out records (see backtest's baselines).
        **_best_baseline(new_bt.metrics),
        "features": len(used),
        "regularisation_c": c,
        "saturation_factor": shape.factor,
        "saturation_cv_auc": {f"{s.factor:g}": s.cv_auc for s in shapes} if compare else None,
        "config_written": None,
    }
    weights = sorted(
        (
            {"feature": f.name, "points": round(float(p), 2)}
            for f, p in zip(used, points, strict=True)
        ),
        key=lambda row: -abs(row["points"]),
    )
    # Verdicts given by as_of only: the held-out ones (after it) never shape a proposal.
    proposals = no_fit_proposals(store, as_of, level)
    report["proposed_rules"] = [p.as_dict() for p in proposals]
    return Calibration(
        new,
        config,
        report,
        default_bt,
        new_bt,
        [{"feature": "base", "points": round(base, 2)}, *weights],
        proposals,
    )


def _best_baseline(metrics: dict[str, Any]) -> dict[str, Any]:
    rows = [row for row in metrics.get("baselines", [])[1:] if row["auc"] is not None]
    if not rows:
        return {"best_baseline": None, "auc_best_baseline": None}
    best = max(rows, key=lambda row: row["auc"])
    return {"best_baseline": best["baseline"], "auc_best_baseline": best["auc"]}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def config_diff(
    old: ScoringConfig, new: ScoringConfig, old_name: str, new_name: str, appended: str = ""
) -> str:
    """A unified diff of the two configs as rendered TOML (``appended`` ends the new one)."""
    lines = difflib.unified_diff(
        render_default(old).splitlines(),
        (render_default(new) + appended).splitlines(),
        fromfile=old_name,
        tofile=new_name,
        n=1,
        lineterm="",
    )
    return "\n".join(lines)


def calibrated_path(old: Path | None, workspace: Path) -> Path:
    """Where the calibrated config goes: beside the old one, ``<name>.calibrated.toml``."""
    if old is None:
        return workspace / "scoring.calibrated.toml"
    return old.with_name(f"{old.stem}.calibrated.toml")


def write_calibrated(calibration: Calibration, path: Path, *, force: bool = False) -> Path:
    """Write the calibrated config as commented TOML, unless it did worse and not ``force``."""
    if not calibration.better and not force:
        report = calibration.report
        raise CalibrationRefused(
            f"The calibrated config does worse on held-out data (ROC-AUC "
            f"{report['auc_calibrated']} against {report['auc_default']}), so it was not "
            "written; use --force to write it anyway."
        )
    path = check_output(path, option="--out")
    report = calibration.report
    as_of = as_of_argument(pd.Timestamp(report["score_as_of"]))
    command = f"abmgraph score --config {shlex.quote(str(path))} --as-of {as_of}"
    header = (
        f"# Calibrated by 'abmgraph calibrate' ({report['method']}, {report['level']} level, "
        f"{report['split']} split): held-out ROC-AUC {report['auc_calibrated']} "
        f"against {report['auc_default']} before.\n"
        f"# Calibrated as of {as_of}; score with it at that date: {command}\n"
    )
    body = render_default(calibration.config) + proposals_toml(calibration.proposals)
    atomic_write_text(path, header + body + ("\n" if calibration.proposals else ""))
    calibration.report["config_written"] = str(path)
    calibration.report["next_command"] = command
    return path


def as_of_argument(as_of: pd.Timestamp) -> str:
    """``as_of`` as an ``--as-of`` value: a bare date when it is the end of that day."""
    from abmgraph.scoring.engine import parse_as_of

    day = f"{as_of:%Y-%m-%d}"
    return day if parse_as_of(day) == as_of else as_of.isoformat()
