"""Regularised logistic regression, with or without sign constraints on the coefficients.

Both fits minimise the same objective on standardised features,
``C · Σ log-loss + ½ ‖w‖²`` (scikit-learn's L2 ``LogisticRegression``). The
unconstrained fit is scikit-learn's own. When that solution breaks a sign
constraint (a positive engagement type with a negative weight, say), the
constrained fit minimises the same objective with scipy's L-BFGS-B under
bounds (``w ≥ 0`` or ``w ≤ 0``), starting from the clipped solution.
Standardising divides by a positive scale, so a bound on the standardised
coefficient is the same bound on the original one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

__all__ = ["C_GRID", "LogisticFit", "choose_c", "cross_validated_auc", "fit_logistic"]

C_GRID = (0.01, 0.1, 1.0)


@dataclass(frozen=True)
class LogisticFit:
    """Coefficients on the original (unstandardised) features, and the intercept."""

    coef: np.ndarray
    intercept: float

    def decision(self, x: np.ndarray) -> np.ndarray:
        return x @ self.coef + self.intercept


def _constrained(
    z: np.ndarray, y: np.ndarray, signs: np.ndarray, c: float, start: np.ndarray
) -> np.ndarray:
    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        margin = z @ w + b
        loss = np.sum(np.logaddexp(0.0, margin) - y * margin)
        residual = expit(margin) - y
        grad = np.append(c * (z.T @ residual) + w, c * residual.sum())
        return c * loss + 0.5 * w @ w, grad

    bounds = [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs]
    bounds.append((None, None))
    result = minimize(
        objective, start, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 5000}
    )
    return result.x


def fit_logistic(
    x: np.ndarray, y: np.ndarray, signs: np.ndarray | None = None, c: float = 1.0
) -> LogisticFit:
    """Fit ``P(y) = σ(x · coef + intercept)``; ``signs`` holds +1 (≥ 0), −1 (≤ 0) or 0 (free)."""
    # The matrices are small: threaded BLAS only adds overhead (tens of times slower).
    with threadpool_limits(1, user_api="blas"):
        return _fit(x, y, signs, c)


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    return (x - mean) / scale, mean, scale


def choose_c(x: np.ndarray, y: np.ndarray, folds: int = 3, seed: int = 0) -> float:
    """The regularisation strength from ``C_GRID`` with the best cross-validated ROC-AUC.

    Few positives against many attribute levels overfit at ``C = 1``; the
    cross-validation picks stronger regularisation when the data calls for it.
    """
    y = np.asarray(y, dtype=bool)
    if min(int(y.sum()), int((~y).sum())) < 2 * folds:
        return C_GRID[-1]
    z = _standardise(x)[0]
    scores = np.zeros(len(C_GRID))
    with threadpool_limits(1, user_api="blas"):
        for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(z, y):
            for index, c in enumerate(C_GRID):
                model = LogisticRegression(C=c, max_iter=5000).fit(z[train], y[train])
                scores[index] += roc_auc_score(y[test], model.decision_function(z[test]))
    return float(C_GRID[int(np.argmax(scores))])


def cross_validated_auc(
    x: np.ndarray,
    y: np.ndarray,
    signs: np.ndarray,
    c: float,
    folds: int = 3,
    seed: int = 0,
) -> float | None:
    """Mean held-out ROC-AUC of the sign-constrained fit over stratified folds of the training rows.

    None when a fold could not hold both outcomes. Used to choose between
    feature sets on training data alone, never on the held-out records.
    """
    y = np.asarray(y, dtype=bool)
    if min(int(y.sum()), int((~y).sum())) < folds:
        return None
    total = 0.0
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        model = fit_logistic(x[train], y[train], signs, c=c)
        total += roc_auc_score(y[test], model.decision(x[test]))
    return total / folds


def _fit(x: np.ndarray, y: np.ndarray, signs: np.ndarray | None, c: float) -> LogisticFit:
    y = np.asarray(y, dtype=float)
    z, mean, scale = _standardise(x)
    model = LogisticRegression(C=c, max_iter=5000).fit(z, y)
    w, b = model.coef_[0], float(model.intercept_[0])
    if signs is not None and (np.any(w[signs > 0] < 0) or np.any(w[signs < 0] > 0)):
        start = np.append(
            np.where(signs > 0, np.maximum(w, 0), np.where(signs < 0, np.minimum(w, 0), w)), b
        )
        theta = _constrained(z, y, np.asarray(signs), c, start)
        w, b = theta[:-1], float(theta[-1])
        # Bounds are exact in L-BFGS-B, but keep a tiny overshoot from ever flipping a sign.
        w = np.where(signs > 0, np.maximum(w, 0), np.where(signs < 0, np.minimum(w, 0), w))
    coef = w / scale
    return LogisticFit(coef, b - float(mean @ coef))
