"""Customer lifetime value: expected orders and net spend over the next horizon, and the
chance of ordering at all, chosen against the naive "same as last period" baseline.

What this module adds to scikit-learn (``PoissonRegressor``, ``HistGradientBoostingRegressor``,
the metrics) and SciPy (Spearman's rank correlation):

- ``CANDIDATES``: ``last_period`` (the baseline: the next horizon repeats the last one),
  ``poisson_regression`` (a log-linear model of the log-standardized features) and
  ``gradient_boosting`` (boosted trees with the Poisson loss). Each predicts a customer's
  orders and net spend in the horizon after a cutoff, from the features at the cutoff.
- ``select_model``: every candidate fitted on the 'training' snapshot (features two horizons
  before the as-of time, outcomes in the horizon after) and measured on 'validation' (one
  horizon later, a window it never saw) with ``evaluate``; the lowest spend MAE wins.
- ``predict_production``: the chosen candidate refitted on 'validation' (the latest complete
  horizon) and applied to 'scoring', scaled from the fitted horizon h to the reported one H
  (a stationary rate: H / h times the orders and spend), with P(at least one order) =
  1 - exp(-expected orders), the Poisson chance of a non-zero count.

Why no BG/NBD yet: its maintained implementation (PyMC-Marketing) would bring PyMC, PyTensor
and their plotting stack into every build, and ``lifetimes`` has been unmaintained since 2020
(README, decision log).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.stats import spearmanr
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import PoissonRegressor
from sklearn.metrics import brier_score_loss, mean_absolute_error
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from retail_recs import propensity, segments

logger = logging.getLogger(__name__)

# The baseline first: a tie in validation MAE goes to the simpler candidate.
CANDIDATES = ("last_period", "poisson_regression", "gradient_boosting")
BASELINE = CANDIDATES[0]
# The two outcomes each candidate predicts, columns of int_clv_snapshots, and what the
# baseline repeats for each.
ORDERS, SPEND = "horizon_order_count", "horizon_net_spend"
LAST_PERIOD = {ORDERS: "recent_order_count", SPEND: "recent_net_spend"}
# A light ridge on the standardized log features keeps the GLM's Newton steps well posed
# when two features move together (orders and sessions); scikit-learn scales it per row.
POISSON_ALPHA = 1e-4
POISSON_MAX_ITER = 300
# The boosting of the propensity model (small trees, a slow learning rate, no early
# stopping, whose inner split would fail on a small shop).
BOOSTING = dict(
    loss="poisson",
    learning_rate=propensity.BOOSTING_LEARNING_RATE,
    max_iter=propensity.BOOSTING_ITERATIONS,
    max_leaf_nodes=propensity.BOOSTING_LEAVES,
    min_samples_leaf=propensity.BOOSTING_MIN_LEAF,
    l2_regularization=propensity.BOOSTING_L2,
    early_stopping=False,
)
# Predictions are rounded so that a rebuild (and Spark) stores the same values.
DECIMALS = 9


@dataclass(frozen=True)
class Evaluation:
    """A candidate on one window: spend MAE, Spearman correlation of predicted and actual
    spend (None when either is constant), the share of the window's positive net spend made
    by the top decile of predicted spend (None when nobody spent), predicted over actual
    total spend, orders MAE, and the Brier score of P(at least one order)."""

    customers: int
    spend_mae: float
    spend_spearman: float | None
    top_decile_spend_share: float | None
    predicted_to_actual_spend: float | None
    orders_mae: float
    active_brier_score: float


@dataclass(frozen=True)
class CandidateResult:
    name: str
    validation: Evaluation
    is_chosen: bool


@dataclass(frozen=True, eq=False)
class Window:
    """One snapshot's customers who had ordered by its cutoff, by user_id: the design
    matrix, the baseline's last-period values and (when known) the outcomes."""

    user_id: pa.ChunkedArray
    X: np.ndarray
    last_period: dict[str, np.ndarray]
    outcomes: dict[str, np.ndarray] | None


@dataclass(frozen=True)
class Prediction:
    """Expected orders and net spend in the next horizon (n,) and P(at least one order)."""

    orders: np.ndarray
    spend: np.ndarray
    probability_active: np.ndarray


def checked_candidates(names: Iterable[str]) -> tuple[str, ...]:
    """The named candidates in CANDIDATES order, the baseline always among them (it is what
    every model must beat); an error lists the valid ones."""
    names = [names] if isinstance(names, str) else list(names)
    unknown = [name for name in names if name not in CANDIDATES]
    if unknown:
        raise ValueError(
            f"var retail_recs__clv_candidates must name only {', '.join(CANDIDATES)};"
            f" got {unknown!r}"
        )
    return tuple(name for name in CANDIDATES if name == BASELINE or name in names)


def windows(
    snapshots: pa.Table, features: list[str], max_customers: int | None = None
) -> tuple[list[str], dict[str, Window]]:
    """The design columns (``features``, then missing indicators of those with NULLs in
    training) and each snapshot's Window: customers with an order by the cutoff, sorted by
    user_id whatever order the engine returned them in. With ``max_customers`` (the model
    selection's sample), 'training' and 'validation' keep that many customers
    (``segments.sample_customers``; the design columns still come from every training row)
    and 'scoring' keeps all."""
    by_name = {}
    for snapshot in ("training", "validation", "scoring"):
        rows = snapshots.filter(
            pc.and_(
                pc.equal(snapshots.column("snapshot"), snapshot),
                pc.greater(snapshots.column("order_count"), 0),
            )
        ).sort_by("user_id")
        by_name[snapshot] = rows
    names = segments.with_missing_indicators(features, by_name["training"])
    for snapshot in ("training", "validation"):
        by_name[snapshot] = segments.sample_customers(by_name[snapshot], max_customers)

    def window(rows: pa.Table, known: bool) -> Window:
        def column(name: str) -> np.ndarray:
            return segments.float_columns(rows, [name])[:, 0]

        return Window(
            user_id=rows.column("user_id"),
            X=segments.design_matrix(rows, names),
            last_period={outcome: column(source) for outcome, source in LAST_PERIOD.items()},
            outcomes={outcome: column(outcome) for outcome in (ORDERS, SPEND)} if known else None,
        )

    return names, {name: window(rows, known=name != "scoring") for name, rows in by_name.items()}


def fit_candidate(name: str, window: Window, seed: int) -> dict[str, Pipeline] | None:
    """Candidate ``name`` fitted on ``window``'s outcomes: one model per outcome, spend
    clipped at 0 (a net refund is no spend; the Poisson loss needs y >= 0). None for the
    baseline, which has nothing to fit."""
    if name == BASELINE:
        return None
    models = {}
    for outcome in (ORDERS, SPEND):
        y = np.maximum(window.outcomes[outcome], 0.0)
        if name == "poisson_regression":
            estimator = PoissonRegressor(
                alpha=POISSON_ALPHA, solver="newton-cholesky", max_iter=POISSON_MAX_ITER
            )
        else:
            estimator = HistGradientBoostingRegressor(random_state=seed, **BOOSTING)
        model = Pipeline([("standardize", propensity.LogStandardizer()), ("model", estimator)])
        # The boosting gives the same model on two threads (propensity.SAME_RESULT_THREADS);
        # the Poisson regression's BLAS stays on one.
        threads = 1 if name == "poisson_regression" else propensity.SAME_RESULT_THREADS
        with threadpool_limits(limits=threads):
            model.fit(window.X, y)
        models[outcome] = model
    return models


def predict(models: dict[str, Pipeline] | None, window: Window, scale: float = 1.0) -> Prediction:
    """Orders and spend expected in ``scale`` fitted horizons after the window's cutoff (the
    baseline: the last horizon repeated), and P(at least one order) under a Poisson count."""
    if models is None:
        orders, spend = (np.maximum(window.last_period[o], 0.0) for o in (ORDERS, SPEND))
    else:
        with threadpool_limits(limits=propensity.SAME_RESULT_THREADS):  # row by row
            orders, spend = (models[o].predict(window.X) for o in (ORDERS, SPEND))
    orders, spend = np.maximum(orders, 0.0) * scale, np.maximum(spend, 0.0) * scale
    return Prediction(
        orders=np.round(orders, DECIMALS),
        spend=np.round(spend, DECIMALS),
        probability_active=np.round(-np.expm1(-orders), DECIMALS),
    )


def evaluate(prediction: Prediction, outcomes: dict[str, np.ndarray]) -> Evaluation:
    """``prediction`` against a window's actual orders and net spend (see Evaluation).

    The top decile is the ceil(n / 10) customers with the highest predicted spend (ties in
    user_id order, the window's order); its share counts positive net spend only, so that
    refunds cannot push it past 1.
    """
    spend, orders = outcomes[SPEND], outcomes[ORDERS]
    n = spend.size
    positive = np.maximum(spend, 0.0)
    top = np.argsort(-prediction.spend, kind="stable")[: -(-n // 10)]
    spearman = None
    if np.ptp(prediction.spend) > 0 and np.ptp(spend) > 0:
        spearman = float(spearmanr(prediction.spend, spend).statistic)
    total = float(spend.sum())
    return Evaluation(
        customers=n,
        spend_mae=float(mean_absolute_error(spend, prediction.spend)),
        spend_spearman=spearman,
        top_decile_spend_share=float(positive[top].sum() / positive.sum())
        if positive.any()
        else None,
        predicted_to_actual_spend=float(prediction.spend.sum() / total) if total > 0 else None,
        orders_mae=float(mean_absolute_error(orders, prediction.orders)),
        active_brier_score=float(brier_score_loss(orders > 0, prediction.probability_active)),
    )


def learnable(window: Window) -> bool:
    """Whether a model can learn from ``window``: customers, some of whom ordered and spent
    in the horizon after (the Poisson loss needs a positive total)."""
    return (
        window.outcomes is not None
        and window.X.shape[0] > 0
        and bool((window.outcomes[ORDERS] > 0).any())
        and bool((window.outcomes[SPEND] > 0).any())
    )


def select_model(
    training: Window, validation: Window, candidates: Iterable[str], seed: int
) -> list[CandidateResult]:
    """Each candidate fitted on ``training`` and measured on ``validation``; the lowest spend
    MAE is chosen (ties to the earlier, simpler candidate). Only the baseline competes when
    training cannot be learned from; an empty validation window gives no rows.

    Why MAE: the served figure is each customer's expected spend, which budgets add up, so it
    must be near the truth for each customer, not only well ordered (Spearman and the
    top-decile share are reported beside it).
    """
    names = checked_candidates(candidates)
    if validation.outcomes is None or validation.X.shape[0] == 0:
        return []
    if not learnable(training):
        logger.warning("customer value: nothing to learn from the training window; baseline only")
        names = (BASELINE,)
    results = [
        evaluate(predict(fit_candidate(name, training, seed), validation), validation.outcomes)
        for name in names
    ]
    chosen = min(range(len(names)), key=lambda i: (results[i].spend_mae, i))
    return [
        CandidateResult(name, result, i == chosen)
        for i, (name, result) in enumerate(zip(names, results, strict=True))
    ]


def predict_production(
    name: str, validation: Window, scoring: Window, scale: float, seed: int
) -> tuple[str, Prediction]:
    """The chosen candidate refitted on the latest complete horizon (``validation``) and
    applied to ``scoring``, ``scale`` (= H / h) fitted horizons ahead, with the name of the
    candidate served: a validation window with nothing to learn from serves the baseline."""
    if name != BASELINE and not learnable(validation):
        logger.warning("customer value: nothing to learn from the validation window; baseline")
        name = BASELINE
    return name, predict(fit_candidate(name, validation, seed), scoring, scale)
