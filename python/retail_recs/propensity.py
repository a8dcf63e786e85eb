"""Purchase propensity: candidate classifiers, chosen and calibrated on a later window.

Who is likely to buy again next period, from the same skewed, non-negative customer features
the segments use. What this module adds to scikit-learn (the estimators, ``Pipeline``,
``CalibratedClassifierCV`` and the metrics):

- ``LogStandardizer``: the features' one transform, ``kmeans.log_standardize`` (ln(1 + x),
  then mean 0 and sd 1), as a transformer, so every candidate sees the same features and
  prediction reuses the training mean and scale. It makes the logistic regression's
  coefficients comparable and its L2 penalty fair across features; trees are indifferent to
  it (a monotone transform).
- ``CANDIDATES``: the base rate (scikit-learn's ``DummyClassifier``: everyone gets the share
  of buyers, the baseline every model must beat, and which always competes), L2 logistic
  regression (explainable), a random forest and gradient boosting (nonlinear), with fixed
  seeds and one thread, so a rebuild gives the same model.
- ``select_model``: every candidate fitted on the training snapshot and scored on the
  validation snapshot (a later window it never saw); the lowest validation log loss wins.
- ``calibration_method``, ``fit_production`` and ``calibrate``: the chosen candidate
  refitted and calibrated on the validation window; ``scores`` and ``ScoreColumn`` let a
  customer's own and calibrated probabilities come from one pass of the model.
- ``evaluate``: AUC, log loss and Brier score with the conventions of the SQL model
  propensity_model_metrics (log loss clipped to [1e-15, 1 - 1e-15], no AUC for one outcome).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from retail_recs.kmeans import apply_standardization, log_standardize

logger = logging.getLogger(__name__)

# In order of simplicity: a tie in validation log loss goes to the earlier one.
CANDIDATES = ("base_rate", "logistic_regression", "random_forest", "gradient_boosting")
BASELINE, LOGISTIC_REGRESSION = CANDIDATES[:2]
# Log loss clips probabilities to [EPS, 1 - EPS], as propensity_model_metrics does: a
# confident wrong prediction costs -ln(EPS) ≈ 34.5 instead of infinity.
LOG_LOSS_EPS = 1e-15

# Newton steps on d + 1 unknowns (d ≈ 15) converge in a few iterations at any n; a tight
# tolerance lets a rebuild and the known-answer tests agree to 1e-6.
LOGISTIC_TOL = 1e-10
LOGISTIC_MAX_ITER = 100
# Forest: leaves of at least 10 customers smooth the probabilities (an exact 0 or 1, which
# log loss punishes without limit, needs a pure leaf in every tree); each tree sees a
# bootstrap of at most 20,000 customers, which bounds the cost on a large shop (at 20M demo
# events, 100,000 customers: validation log loss 0.531 against 0.536 with 50,000, in half
# the time); 100 trees, scikit-learn's default (200 moved validation log loss by at most
# 0.0012 on Online Retail, the demo and 20M demo events, and took twice the time).
FOREST_TREES = 100
# Threads that cannot change a number, two because dbt runs two models at a time on the
# project's reference machine of two cores:
# - the forest's trees are grown from seeds drawn before they are dispatched, and a
#   prediction is computed row by row (scikit-learn), so its model and probabilities are the
#   same at any count;
# - the boosting builds each histogram and finds each split one feature per thread; its one
#   sum across threads (the gradients at the root) adds two partial sums at two threads,
#   which is the same in either order. Its models at one and two threads were identical on
#   Online Retail, the demo and 20M events.
# The logistic regression's BLAS (which reduces across any number of threads) stays on one.
SAME_RESULT_THREADS = 2
FOREST_MIN_LEAF = 10
FOREST_MAX_SAMPLES = 20_000
# Boosting: small trees, a slow learning rate and a ridge on leaf values; no early stopping,
# whose inner split would fail on a shop with a handful of buyers (the validation window
# judges overfitting instead).
BOOSTING_ITERATIONS = 200
BOOSTING_LEARNING_RATE = 0.05
BOOSTING_LEAVES = 15
BOOSTING_MIN_LEAF = 20
BOOSTING_L2 = 1.0


@dataclass(frozen=True)
class Evaluation:
    """AUC (ties count ½; None for one outcome only), log loss (p clipped to
    [LOG_LOSS_EPS, 1 - LOG_LOSS_EPS]) and Brier score (mean squared error) of probabilities."""

    auc: float | None
    log_loss: float
    brier_score: float


@dataclass(frozen=True)
class CandidateResult:
    """One candidate model, measured on the validation snapshot."""

    name: str
    validation: Evaluation
    is_chosen: bool


@dataclass(frozen=True, eq=False)
class Production:
    """The chosen candidate (``model``, fitted on training) and its calibrator (fitted on the
    validation window's scores; None when ``calibration_method`` is None, the window having
    one outcome only), served within ``bounds`` (see ``fit_production``)."""

    name: str
    model: Pipeline
    calibrator: CalibratedClassifierCV | None
    calibration_method: str | None
    bounds: tuple[float, float] = (0.0, 1.0)

    def probabilities(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model's own P(y = 1) for each row of raw features X, and the served one
        (calibrated, within ``bounds``), from one pass of the model over X (``scores``)."""
        score, uncalibrated = scores(self.model, X)
        return uncalibrated, self.served(score, uncalibrated)

    def served(self, score: np.ndarray, uncalibrated: np.ndarray) -> np.ndarray:
        """The served P(y = 1) of rows the model gave ``scores`` (score, own probability):
        calibrated and within ``bounds``, or its own without a calibrator."""
        if self.calibrator is None:
            return uncalibrated
        with threadpool_limits(limits=1):
            calibrated = self.calibrator.predict_proba(score[:, np.newaxis])[:, 1]
        return np.clip(calibrated, *self.bounds)


class ScoreColumn(ClassifierMixin, BaseEstimator):
    """A binary classifier whose decision function is the first column of its input: the
    chosen model's scores, computed once (``scores``), go through ``CalibratedClassifierCV``
    as if they were its features, so serving a customer costs one pass of the model, not
    two (its own probability, then the calibrated one). ``fit`` only records the classes;
    ``predict`` (which scikit-learn requires of a classifier, and calibration never calls)
    is the higher class for a score above ``threshold``."""

    def __init__(self, threshold: float = 0.0):
        self.threshold = threshold

    def fit(self, X: np.ndarray, y: np.ndarray) -> ScoreColumn:
        self.classes_ = np.unique(y)
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        return np.asarray(X, dtype=np.float64)[:, 0]

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[(self.decision_function(X) > self.threshold).astype(np.int64)]


class LogStandardizer(TransformerMixin, BaseEstimator):
    """``kmeans.log_standardize`` as a scikit-learn transformer: ``fit`` stores the training
    mean and scale of ln(1 + x) (``mean_``, ``scale_``), ``transform`` applies them to any
    rows (``kmeans.apply_standardization``)."""

    def fit(self, X: np.ndarray, y: np.ndarray | None = None) -> LogStandardizer:
        standardized = log_standardize(X)
        self.mean_, self.scale_ = standardized.mean, standardized.scale
        self.n_features_in_ = self.mean_.size
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        return apply_standardization(X, self.mean_, self.scale_)


def checked_candidates(names: Iterable[str]) -> tuple[str, ...]:
    """The named candidates (a list, or one name), deduplicated, in CANDIDATES order, the
    baseline always among them (what a model must beat); an error lists the valid ones."""
    names = [names] if isinstance(names, str) else list(names)
    unknown = [name for name in names if name not in CANDIDATES]
    if unknown or not names:
        raise ValueError(
            f"propensity candidates must be a non-empty list of {', '.join(CANDIDATES)};"
            f" got {names!r}"
        )
    return tuple(name for name in CANDIDATES if name == BASELINE or name in names)


def make_candidate(name: str, l2: float, seed: int, n_rows: int) -> Pipeline:
    """An unfitted candidate: ``LogStandardizer`` then the estimator called ``name``.

    The logistic regression minimises Σ log loss + (l2 / 2)‖w‖², the intercept unpenalised
    (scikit-learn's C = 1 / l2; l2 = 0 is C = ∞, maximum likelihood). The penalty is on the
    sum, so its weight relative to the data falls as n grows.
    """
    checked_candidates([name])
    if name == BASELINE:
        estimator = DummyClassifier(strategy="prior")
    elif name == LOGISTIC_REGRESSION:
        estimator = LogisticRegression(
            C=np.inf if l2 == 0 else 1.0 / l2,
            solver="newton-cholesky",
            tol=LOGISTIC_TOL,
            max_iter=LOGISTIC_MAX_ITER,
        )
    elif name == "random_forest":
        estimator = RandomForestClassifier(
            n_estimators=FOREST_TREES,
            min_samples_leaf=FOREST_MIN_LEAF,
            max_samples=FOREST_MAX_SAMPLES if n_rows > FOREST_MAX_SAMPLES else None,
            random_state=seed,
            n_jobs=1,
        )
    else:
        estimator = boosting_classifier(seed)
    return Pipeline([("standardize", LogStandardizer()), ("model", estimator)])


def boosting_classifier(
    seed: int,
    iterations: int = BOOSTING_ITERATIONS,
    leaves: int = BOOSTING_LEAVES,
    min_leaf: int = BOOSTING_MIN_LEAF,
) -> HistGradientBoostingClassifier:
    """The gradient boosting candidate: a slow learning rate, a ridge on leaf values and no
    early stopping (see BOOSTING_*); the uplift learners pass smaller trees."""
    return HistGradientBoostingClassifier(
        learning_rate=BOOSTING_LEARNING_RATE,
        max_iter=iterations,
        max_leaf_nodes=leaves,
        min_samples_leaf=min_leaf,
        l2_regularization=BOOSTING_L2,
        early_stopping=False,
        random_state=seed,
    )


def fit_candidate(
    name: str, X: np.ndarray, y: np.ndarray, l2: float = 1.0, seed: int = 0
) -> Pipeline:
    """Fit candidate ``name`` on one thread: X finite raw features (n, d), y outcomes 0/1
    with both present, ``l2`` the logistic regression's ridge penalty (≥ 0), ``seed`` the
    forest's and the boosting's ``random_state``.

    Raises
    ------
    ValueError
        On NaN or infinite values, mismatched shapes, outcomes other than 0 and 1, a single
        class, a negative ``l2`` or an unknown name.
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-d array, got {X.ndim} dimensions")
    y = _checked_outcomes(y, X.shape[0])
    if len(np.unique(y)) < 2:
        raise ValueError("y must contain both classes, 0 and 1")
    if not (np.isfinite(l2) and l2 >= 0):
        raise ValueError(f"l2 must be a finite number >= 0, got {l2!r}")
    model = make_candidate(name, l2, seed, X.shape[0])
    if name == "random_forest":
        model.set_params(model__n_jobs=SAME_RESULT_THREADS)
    with threadpool_limits(limits=SAME_RESULT_THREADS if name == "gradient_boosting" else 1):
        model.fit(X, y)
    if name == "random_forest":
        # Predicting sums the trees' probabilities in the order the threads finish.
        model.set_params(model__n_jobs=1)
    if name == LOGISTIC_REGRESSION and not logistic_converged(model):
        logger.warning("logistic regression did not converge in %d iterations", LOGISTIC_MAX_ITER)
    return model


def logistic_converged(model: Pipeline) -> bool:
    """Whether a fitted logistic regression candidate met its tolerance."""
    estimator = model.named_steps["model"]
    return bool(np.max(estimator.n_iter_) < estimator.max_iter)


def probabilities(model: Pipeline | CalibratedClassifierCV, X: np.ndarray) -> np.ndarray:
    """P(y = 1) for each row of raw features X (SAME_RESULT_THREADS: row by row)."""
    with threadpool_limits(limits=SAME_RESULT_THREADS):
        return model.predict_proba(X)[:, 1]


def scores(model: Pipeline, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What ``CalibratedClassifierCV`` calibrates for each row of raw features X (the
    model's decision function when it has one, else P(y = 1), scikit-learn's order), and
    P(y = 1), from one pass of the model. The candidates with a decision function (the
    logistic regression, the boosting) give log-odds, so P = expit(score), which is their
    own ``predict_proba``."""
    with threadpool_limits(limits=SAME_RESULT_THREADS):
        if hasattr(model, "decision_function"):
            score = model.decision_function(X)
            return score, expit(score)
        probability = model.predict_proba(X)[:, 1]
        return probability, probability


def evaluate(y: np.ndarray, p: np.ndarray) -> Evaluation:
    """AUC, log loss and Brier score of probabilities ``p`` for outcomes ``y`` (see
    Evaluation); a ValueError for an empty y, values other than 0 and 1, or p not in [0, 1]."""
    y = _checked_outcomes(y, None)
    p = np.asarray(p, dtype=np.float64)
    if p.shape != y.shape:
        raise ValueError(f"p has shape {p.shape}, expected {y.shape}")
    if not np.all((p >= 0) & (p <= 1)):  # NaN fails both comparisons
        raise ValueError("p must be probabilities in [0, 1]")
    both = 0 < y.sum() < y.size
    return Evaluation(
        auc=float(roc_auc_score(y, p)) if both else None,
        log_loss=float(log_loss(y, np.clip(p, LOG_LOSS_EPS, 1 - LOG_LOSS_EPS), labels=[0, 1])),
        brier_score=float(brier_score_loss(y, p, pos_label=1)),
    )


def select_model(
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_valid: np.ndarray,
    y_valid: np.ndarray,
    candidates: Iterable[str] = CANDIDATES,
    l2: float = 1.0,
    seed: int = 0,
) -> list[CandidateResult]:
    """Fit each candidate on training, measure it on validation, choose the lowest log loss.

    Log loss, not AUC, decides because the probabilities themselves are served (a campaign's
    ``min_propensity``, expected conversions), so they must be right and not only well
    ordered; ties go to the earlier candidate in CANDIDATES (the simpler model).

    Returns
    -------
    list of CandidateResult
        One per candidate, in CANDIDATES order; exactly one has ``is_chosen``.
    """
    names = checked_candidates(candidates)
    results = []
    for name in names:
        started = time.perf_counter()
        model = fit_candidate(name, X_train, y_train, l2=l2, seed=seed)
        results.append(evaluate(y_valid, probabilities(model, X_valid)))
        logger.info(
            "%s: validation log loss %.5f, AUC %s, %.1f s",
            name,
            results[-1].log_loss,
            results[-1].auc,
            time.perf_counter() - started,
        )
    chosen = min(range(len(names)), key=lambda i: (results[i].log_loss, i))
    return [
        CandidateResult(name, result, i == chosen)
        for i, (name, result) in enumerate(zip(names, results, strict=True))
    ]


def calibration_method(y_valid: np.ndarray, isotonic_min_customers: int) -> str | None:
    """How to calibrate on validation outcomes ``y_valid``: None when they hold one outcome
    only (nothing to calibrate against), 'isotonic' when there are at least
    ``isotonic_min_customers`` buyers and as many non-buyers, else 'sigmoid'.

    Why sigmoid on a small window: isotonic regression fits a free non-decreasing step
    function with as many steps as the outcomes support, so with few buyers (or few
    non-buyers) its steps follow noise and it overfits (scikit-learn's guide: well below
    ~1,000 calibration samples), while Platt's sigmoid has two parameters and smoothed
    targets. With enough of both outcomes isotonic corrects any monotone distortion (a
    forest's probabilities squeezed away from 0 and 1), which a sigmoid cannot.
    """
    y = _checked_outcomes(y_valid, None)
    buyers = int(y.sum())
    fewer = min(buyers, y.size - buyers)
    if fewer == 0:
        return None
    return "isotonic" if fewer >= isotonic_min_customers else "sigmoid"


def fit_production(
    name: str,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_valid: np.ndarray,
    y_valid: np.ndarray,
    l2: float = 1.0,
    seed: int = 0,
    isotonic_min_customers: int = 1000,
) -> Production:
    """Refit candidate ``name`` on training (deterministic: on the same rows, the model
    select_model measured) and ``calibrate`` it on the validation window."""
    model = fit_candidate(name, X_train, y_train, l2=l2, seed=seed)
    score, _ = scores(model, X_valid)
    return calibrate(name, model, score, y_valid, isotonic_min_customers)


def calibrate(
    name: str,
    model: Pipeline,
    valid_scores: np.ndarray,
    y_valid: np.ndarray,
    isotonic_min_customers: int = 1000,
) -> Production:
    """The fitted candidate ``name`` calibrated on its ``scores`` of the validation window.

    One calibrator (``method`` from ``calibration_method``) is fitted on the scores of all
    validation rows (``ScoreColumn``, frozen): the model is never refitted, so
    cross-validation folds would only split its predictions, and a window with fewer buyers
    than folds would fail.

    Isotonic regression gives a step with no buyer in the window probability 0 (and one with
    no non-buyer 1), a certainty no window supports and that log loss punishes without
    limit. Its output is bounded by Platt's smoothed targets, the sigmoid's own prior:
    [1 / (N₀ + 2), (N₁ + 1) / (N₁ + 2)] with N₀ non-buyers and N₁ buyers in the window.
    """
    method = calibration_method(y_valid, isotonic_min_customers)
    if method is None:
        logger.warning("validation window has one outcome only: probabilities not calibrated")
        return Production(name, model, None, None)
    score = np.asarray(valid_scores, dtype=np.float64)
    y = _checked_outcomes(y_valid, score.size)
    every_row = np.arange(len(y))
    calibrator = CalibratedClassifierCV(
        FrozenEstimator(ScoreColumn().fit(score, y)),
        method=method,
        cv=[(every_row, every_row)],
        ensemble=False,
    )
    with threadpool_limits(limits=1):
        calibrator.fit(score[:, np.newaxis], y)
    if method == "sigmoid":
        return Production(name, model, calibrator, method)
    buyers = float(y.sum())
    bounds = (1.0 / (y.size - buyers + 2.0), (buyers + 1.0) / (buyers + 2.0))
    return Production(name, model, calibrator, method, bounds)


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
