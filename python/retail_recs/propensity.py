"""Purchase propensity: L2-regularised logistic regression on log-standardized features.

Who is likely to buy again (or buy a category) next period, from the same skewed,
non-negative customer features the segments use. Logistic regression keeps the model
explainable (one coefficient per standardized feature) and calibrated enough to rank
customers for a campaign; ``roc_auc`` and ``log_loss`` measure it on held-out rows.

Features go through ``kmeans.log_standardize`` (ln(1 + x), then mean 0 and sd 1), the one
transform shared with the clustering, so that coefficients are comparable across features
and the L2 penalty treats them alike. Prediction reuses the training mean and scale.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from retail_recs.kmeans import apply_standardization, log_standardize

logger = logging.getLogger(__name__)

# L-BFGS-B stops on a projected gradient below GTOL (of the mean objective, see fit_logistic),
# on an iteration that no longer lowers f at all (FTOL = 0: its default, about 2e-9 relative
# decrease, stops before the coefficients settle to 1e-6), or after MAX_ITERATIONS.
GTOL = 1e-10
FTOL = 0.0
MAX_ITERATIONS = 10_000


@dataclass(frozen=True, eq=False)
class LogisticModel:
    """A fitted logistic regression on log1p-standardized features.

    P(y = 1 | x) = expit(intercept + z · coefficients), z = (ln(1 + max(x, 0)) - mean) / scale.

    Attributes
    ----------
    intercept : float
        Log-odds at the mean (standardized) customer.
    coefficients : ndarray, shape (d,)
        Change in log-odds per standard deviation of ln(1 + x_j).
    standardized_mean, standardized_scale : ndarray, shape (d,)
        The training transform (from ``log_standardize``), reused by ``predict_proba``.
    feature_names : tuple of str
        One name per column.
    converged : bool
        Whether L-BFGS-B met its gradient tolerance.
    iterations : int
        L-BFGS-B iterations.
    """

    intercept: float
    coefficients: np.ndarray
    standardized_mean: np.ndarray
    standardized_scale: np.ndarray
    feature_names: tuple[str, ...]
    converged: bool
    iterations: int

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(y = 1) for each row of X (raw features, transformed with the stored statistics).

        Parameters
        ----------
        X : ndarray, shape (n, d)
            Finite raw feature values, the columns of the training data.

        Returns
        -------
        ndarray, shape (n,)
            Probabilities in [0, 1].
        """
        Z = apply_standardization(X, self.standardized_mean, self.standardized_scale)
        return special.expit(self.intercept + Z @ self.coefficients)


def fit_logistic(
    X: np.ndarray,
    y: np.ndarray,
    l2: float = 1.0,
    feature_names: Sequence[str] | None = None,
) -> LogisticModel:
    """Fit an L2-regularised logistic regression by L-BFGS-B with the analytic gradient.

    With z_i the log-standardized rows, η_i = b + z_i · w and expit(η) = 1 / (1 + e^{-η}),
    the objective is the summed log loss plus a ridge penalty on the weights (not the
    intercept, so that the fitted mean probability follows the data)::

        f(b, w) = Σ_i [ln(1 + e^{η_i}) - y_i η_i] + (l2 / 2) ‖w‖²
        ∇_b f = Σ_i (expit(η_i) - y_i)        ∇_w f = Σ_i (expit(η_i) - y_i) z_i + l2 · w

    ln(1 + e^η) is ``np.logaddexp(0, η)`` and expit is ``scipy.special.expit``, finite for
    any η. The penalty is on the sum, not the mean, so its weight relative to the data falls
    as n grows, as in scikit-learn's ``C = 1 / l2``. f is minimised divided by n (the same
    minimiser) so that the gradient tolerance means the same at any n. With ``l2 = 0`` this
    is the maximum-likelihood fit, which does not exist for separable data: the weights
    then grow until the iterations run out and ``converged`` says so.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Finite, non-negative raw features (negatives are clipped to 0 by the transform).
    y : array-like, shape (n,)
        Outcomes, 0 or 1, both present.
    l2 : float
        Ridge penalty, ≥ 0.
    feature_names : sequence of str, optional
        d names; default ``x0, x1, ...``.

    Returns
    -------
    LogisticModel

    Raises
    ------
    ValueError
        On NaN or infinite values, mismatched shapes, outcomes other than 0 and 1, a single
        class, a negative ``l2`` or the wrong number of feature names.
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-d array, got {X.ndim} dimensions")
    y = _checked_outcomes(y, X.shape[0])
    if len(np.unique(y)) < 2:
        raise ValueError("y must contain both classes, 0 and 1")
    if not (np.isfinite(l2) and l2 >= 0):
        raise ValueError(f"l2 must be a finite number >= 0, got {l2!r}")
    names = _feature_names(feature_names, X.shape[1])
    standardized = log_standardize(X)
    design = np.column_stack([np.ones(X.shape[0]), standardized.values])
    result = optimize.minimize(
        _mean_objective,
        np.zeros(design.shape[1]),
        args=(design, y, float(l2)),
        method="L-BFGS-B",
        jac=True,
        options={"gtol": GTOL, "ftol": FTOL, "maxiter": MAX_ITERATIONS},
    )
    if not result.success:
        logger.warning("logistic regression did not converge: %s", result.message)
    coefficients = np.array(result.x[1:])
    coefficients.setflags(write=False)
    return LogisticModel(
        intercept=float(result.x[0]),
        coefficients=coefficients,
        standardized_mean=standardized.mean,
        standardized_scale=standardized.scale,
        feature_names=names,
        converged=bool(result.success),
        iterations=int(result.nit),
    )


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Area under the ROC curve: P(score of a positive > score of a negative), ties count ½.

    By the Mann-Whitney U statistic on average ranks (tied scores share their mean rank)::

        AUC = (Σ_{i: y_i = 1} rank_i - n₁ (n₁ + 1) / 2) / (n₁ n₀)

    Parameters
    ----------
    y : array-like, shape (n,)
        Outcomes, 0 or 1, both present.
    p : array-like, shape (n,)
        Finite scores (probabilities or any monotone score).

    Returns
    -------
    float
        In [0, 1]; 0.5 for a score that does not separate the classes.
    """
    y = _checked_outcomes(y, None)
    p = _checked_scores(p, y.size)
    positives = int(y.sum())
    negatives = y.size - positives
    if positives == 0 or negatives == 0:
        raise ValueError("roc_auc needs both classes in y")
    ranks = stats.rankdata(p)  # average ranks for ties
    u = ranks[y == 1].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


def log_loss(y: np.ndarray, p: np.ndarray, eps: float = 1e-15) -> float:
    """Mean binary cross-entropy -mean(y ln p + (1 - y) ln(1 - p)), p clipped to [eps, 1 - eps].

    The clipping keeps a confident wrong prediction (p = 0 for a positive) finite: it costs
    -ln(eps) ≈ 34.5 instead of infinity.

    Parameters
    ----------
    y : array-like, shape (n,)
        Outcomes, 0 or 1.
    p : array-like, shape (n,)
        Predicted probabilities in [0, 1].
    eps : float
        Clipping bound, 0 < eps < 0.5.

    Returns
    -------
    float
    """
    y = _checked_outcomes(y, None)
    p = _checked_scores(p, y.size)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p must be probabilities in [0, 1]")
    if not 0 < eps < 0.5:
        raise ValueError(f"eps must be in (0, 0.5), got {eps!r}")
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def _mean_objective(
    theta: np.ndarray, design: np.ndarray, y: np.ndarray, l2: float
) -> tuple[float, np.ndarray]:
    """f(b, w) / n and its gradient (f in fit_logistic); theta = (b, w), design = [1, Z]."""
    eta = design @ theta
    weights = theta[1:]
    value = np.sum(np.logaddexp(0.0, eta) - y * eta) + 0.5 * l2 * (weights @ weights)
    gradient = design.T @ (special.expit(eta) - y)
    gradient[1:] += l2 * weights
    n = y.size
    return float(value / n), gradient / n


def _checked_outcomes(y: np.ndarray, n: int | None) -> np.ndarray:
    """``y`` as a float64 vector of 0s and 1s (of length n, when given), or a clear error."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-d, got shape {y.shape}")
    if n is not None and y.size != n:
        raise ValueError(f"y has {y.size} values, X has {n} rows")
    if y.size == 0:
        raise ValueError("y is empty")
    if y.dtype.kind not in "biuf":
        raise ValueError(f"y must be numeric 0/1, got {y.dtype}")
    y = y.astype(np.float64)
    if not np.all((y == 0) | (y == 1)):  # NaN fails both comparisons
        raise ValueError("y must hold only 0 and 1")
    return y


def _checked_scores(p: np.ndarray, n: int) -> np.ndarray:
    """``p`` as a finite float64 vector of length n, or a clear error."""
    p = np.asarray(p, dtype=np.float64)
    if p.shape != (n,):
        raise ValueError(f"p has shape {p.shape}, expected ({n},)")
    if not np.isfinite(p).all():
        raise ValueError("p holds NaN or infinite values")
    return p


def _feature_names(names: Sequence[str] | None, d: int) -> tuple[str, ...]:
    """The given names as a tuple of d strings, or x0..x{d-1}."""
    if names is None:
        return tuple(f"x{j}" for j in range(d))
    names = tuple(names)
    if len(names) != d or not all(isinstance(name, str) for name in names):
        raise ValueError(f"feature_names must be {d} strings, got {names!r}")
    return names
