"""Tests of the propensity model: the logistic candidate, the metrics' conventions, the choice
of candidate and the calibration.

The logistic fit is checked against the closed-form MLE of a single binary feature (the
fitted probabilities are the group rates) and against an independent Newton-Raphson (IRLS)
written here; the metrics against values worked out by hand and pair counting. The choice
of candidate against planted structure (a nonlinear outcome that only trees can follow), the
calibration against invariants (a sigmoid keeps the ranking; isotonic's mean is the buyer
rate), and both against a second run (determinism).
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pyarrow as pa
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.frozen import FrozenEstimator

from retail_recs import segments
from retail_recs.kmeans import log_standardize
from retail_recs.propensity import (
    CANDIDATES,
    LOGISTIC_REGRESSION,
    calibration_method,
    checked_candidates,
    evaluate,
    fit_candidate,
    fit_production,
    logistic_converged,
    probabilities,
    select_model,
)

SEED = 5


def synthetic(rng: np.random.Generator, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Two skewed non-negative features and outcomes drawn from a logistic model of them."""
    X = np.column_stack([rng.poisson(3.0, n), rng.gamma(2.0, 50.0, n)]).astype(np.float64)
    Z = log_standardize(X).values
    eta = -0.4 + Z @ np.array([1.2, -0.7])
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(np.int64)
    return X, y


def nonlinear(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Customers who buy when their order gap is middling (0.7) and rarely otherwise (0.1):
    the probability rises then falls along the feature, which no logistic curve can follow.
    A second feature is noise."""
    X = np.column_stack([rng.gamma(2.0, 20.0, n), rng.poisson(4.0, n)]).astype(np.float64)
    middling = (X[:, 0] > 20) & (X[:, 0] < 50)
    y = (rng.random(n) < np.where(middling, 0.7, 0.1)).astype(np.int64)
    return X, y


def newton_irls(X: np.ndarray, y: np.ndarray, l2: float) -> np.ndarray:
    """(intercept, weights) minimising Σ log loss + (l2/2)‖w‖² by Newton's method."""
    design = np.column_stack([np.ones(X.shape[0]), log_standardize(X).values])
    penalty = l2 * np.diag([0.0] + [1.0] * (design.shape[1] - 1))
    theta = np.zeros(design.shape[1])
    for _ in range(100):
        mu = 1 / (1 + np.exp(-(design @ theta)))
        gradient = design.T @ (mu - y) + penalty @ theta
        hessian = design.T @ (design * (mu * (1 - mu))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-14:
            break
    return theta


def logistic(X: np.ndarray, y: np.ndarray, l2: float = 1.0):
    """The logistic candidate and its (intercept, coefficients, standardizer)."""
    model = fit_candidate(LOGISTIC_REGRESSION, X, y, l2=l2)
    estimator = model.named_steps["model"]
    return model, estimator.intercept_[0], estimator.coef_[0], model.named_steps["standardize"]


def test_binary_feature_mle_reproduces_the_group_rates():
    # 30 rows with x = 0 (6 positives) and 20 with x = 1 (15 positives): with an intercept and
    # one indicator the MLE fits each group's rate exactly, 0.2 and 0.75.
    x = np.r_[np.zeros(30), np.ones(20)][:, None]
    y = np.r_[np.ones(6), np.zeros(24), np.ones(15), np.zeros(5)]
    model, _, coefficients, standardizer = logistic(x, y, l2=0.0)
    assert logistic_converged(model)
    both_groups = probabilities(model, np.array([[0.0], [1.0]]))
    np.testing.assert_allclose(both_groups, [0.2, 0.75], atol=1e-6)
    # Log-odds difference ln(3) - ln(1/4) = ln 12 per (ln 2 / scale) of standardized x.
    per_unit = coefficients[0] / standardizer.scale_[0] * math.log(2)
    assert per_unit == pytest.approx(math.log(12), abs=1e-6)


@pytest.mark.parametrize("l2", [0.0, 3.0])
def test_two_features_match_newton_raphson(l2):
    X, y = synthetic(np.random.default_rng(SEED))
    model, intercept, coefficients, _ = logistic(X, y, l2=l2)
    expected = newton_irls(X, y, l2)
    assert logistic_converged(model)
    assert intercept == pytest.approx(expected[0], abs=1e-6)
    np.testing.assert_allclose(coefficients, expected[1:], atol=1e-6)
    design = np.column_stack([np.ones(len(y)), log_standardize(X).values])
    np.testing.assert_allclose(
        probabilities(model, X), 1 / (1 + np.exp(-(design @ expected))), atol=1e-7
    )


def test_penalty_shrinks_the_coefficients():
    X, y = synthetic(np.random.default_rng(SEED))
    norms = [np.linalg.norm(logistic(X, y, l2=l2)[2]) for l2 in (0.0, 10.0, 100.0)]
    assert norms[0] > norms[1] > norms[2] > 0


def test_prediction_reuses_the_training_transform():
    X, y = synthetic(np.random.default_rng(SEED))
    model, _, _, standardizer = logistic(X, y)
    # A refit on 10 rows would change their standardized values, hence their probabilities.
    np.testing.assert_array_equal(probabilities(model, X[:10]), probabilities(model, X)[:10])
    np.testing.assert_allclose(standardizer.mean_, log_standardize(X).mean, rtol=1e-15)
    with pytest.raises(ValueError, match="columns"):
        probabilities(model, X[:, :1])


def test_logistic_terms_list_the_intercept_then_each_feature():
    X, y = synthetic(np.random.default_rng(SEED))
    model, intercept, coefficients, standardizer = logistic(X, y)
    terms = segments.logistic_terms(model, ["orders", "amount"])
    assert terms["term"] == [segments.INTERCEPT_TERM, "orders", "amount"]
    np.testing.assert_allclose(terms["coefficient"], [intercept, *coefficients], atol=1e-10)
    assert terms["standardized_mean"] == [None, *standardizer.mean_]
    with pytest.raises(ValueError, match="feature names"):
        segments.logistic_terms(model, ["orders"])


def test_invalid_inputs_raise():
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    y = np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match="only 0 and 1"):
        fit_candidate(LOGISTIC_REGRESSION, X, np.array([0, 1, 2, 1]))
    with pytest.raises(ValueError, match="only 0 and 1"):
        fit_candidate(LOGISTIC_REGRESSION, X, np.array([0, 1, np.nan, 1]))
    with pytest.raises(ValueError, match="both classes"):
        fit_candidate(LOGISTIC_REGRESSION, X, np.ones(4))
    with pytest.raises(ValueError, match="NaN"):
        fit_candidate(LOGISTIC_REGRESSION, np.array([[1.0], [np.nan], [3.0], [4.0]]), y)
    with pytest.raises(ValueError, match="3 values, X has 4 rows"):
        fit_candidate(LOGISTIC_REGRESSION, X, y[:3])
    with pytest.raises(ValueError, match="2-d"):
        fit_candidate(LOGISTIC_REGRESSION, X.ravel(), y)
    with pytest.raises(ValueError, match="l2"):
        fit_candidate(LOGISTIC_REGRESSION, X, y, l2=-1.0)
    with pytest.raises(ValueError, match="logistic_regression, random_forest, gradient_boosting"):
        fit_candidate("svm", X, y)


def test_the_base_rate_baseline_gives_everyone_the_share_of_buyers():
    """Known answer: 3 buyers in 8 give p = 3/8 to everyone; on validation outcomes
    (1, 0, 0, 0) the log loss is -(ln 3/8 + 3 ln 5/8) / 4 and the AUC is 0.5 (all tied)."""
    X = np.arange(16, dtype=np.float64).reshape(8, 2)
    y = np.array([1, 0, 1, 0, 0, 1, 0, 0])
    model = fit_candidate("base_rate", X, y)
    np.testing.assert_allclose(probabilities(model, X[:4] * 10), 3 / 8)
    result = evaluate([1, 0, 0, 0], probabilities(model, X[:4]))
    assert result.log_loss == pytest.approx(-(math.log(3 / 8) + 3 * math.log(5 / 8)) / 4)
    assert result.auc == 0.5


def test_candidates_are_checked_and_kept_in_order_of_simplicity():
    # The base rate always competes: it is what a model must beat.
    assert checked_candidates(["gradient_boosting", "logistic_regression"]) == (
        "base_rate",
        "logistic_regression",
        "gradient_boosting",
    )
    assert checked_candidates(["random_forest", "random_forest"]) == ("base_rate", "random_forest")
    # --vars can give one name.
    assert checked_candidates("gradient_boosting") == ("base_rate", "gradient_boosting")
    for bad in (["logistic"], []):
        with pytest.raises(ValueError, match="non-empty list of base_rate, logistic_regression"):
            checked_candidates(bad)


def brute_force_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Share of (positive, negative) pairs ranked right, ties counting one half."""
    positive, negative = p[y == 1], p[y == 0]
    wins = (positive[:, None] > negative[None, :]).sum()
    ties = (positive[:, None] == negative[None, :]).sum()
    return (wins + 0.5 * ties) / (positive.size * negative.size)


def test_auc_by_hand():
    # Pairs (positive, negative): (0.35, 0.1) right, (0.35, 0.4) wrong, (0.8, ·) right twice.
    assert evaluate([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).auc == 0.75
    # A tie between the positive and the negative at 0.5 counts ½: (1 + 0.5 + 2) / 4.
    assert evaluate([0, 1, 0, 1], [0.2, 0.5, 0.5, 0.9]).auc == 0.875
    assert evaluate([0, 1, 0, 1], [0.3] * 4).auc == 0.5
    rng = np.random.default_rng(SEED)
    y = rng.integers(2, size=300)
    p = np.round(rng.random(300) * 0.7 + 0.3 * y, 1)  # many ties
    assert evaluate(y, p).auc == pytest.approx(brute_force_auc(y, p), abs=1e-14)
    # One outcome only: no AUC (NULL in SQL), the other figures still defined.
    one_outcome = evaluate([1, 1, 1], [0.1, 0.2, 0.3])
    assert one_outcome.auc is None
    assert one_outcome.brier_score == pytest.approx((0.81 + 0.64 + 0.49) / 3, rel=1e-15)
    with pytest.raises(ValueError, match="shape"):
        evaluate([0, 1], [0.1, 0.2, 0.3])


def test_log_loss_and_brier_by_hand():
    # -(ln 0.8 + ln(1 - 0.4)) / 2; Brier ((0.2)² + (0.4)²) / 2.
    result = evaluate([1, 0], [0.8, 0.4])
    assert result.log_loss == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2, rel=1e-14)
    assert result.brier_score == pytest.approx(0.1, rel=1e-14)
    # p = 0 for a positive is clipped to 1e-15 (as in propensity_model_metrics); p = 1 for a
    # positive costs nothing.
    assert evaluate([1, 1], [0.0, 1.0]).log_loss == pytest.approx(-math.log(1e-15) / 2, rel=1e-12)
    assert evaluate([0, 1], [0.5, 0.5]).log_loss == pytest.approx(math.log(2), rel=1e-15)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        evaluate([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="only 0 and 1"):
        evaluate([0, 3], [0.5, 0.5])


def test_a_nonlinear_outcome_chooses_trees_over_logistic_regression():
    X, y = nonlinear(np.random.default_rng(SEED), 4000)
    results = select_model(X[:2000], y[:2000], X[2000:], y[2000:], seed=1)
    assert [result.name for result in results] == list(CANDIDATES)
    by_name = {result.name: result for result in results}
    (chosen,) = [result for result in results if result.is_chosen]
    assert chosen.name in ("random_forest", "gradient_boosting")
    assert chosen.validation.log_loss == min(r.validation.log_loss for r in results)
    # The trees see the bump: clearly better than the logistic curve, on AUC too.
    logistic_result = by_name[LOGISTIC_REGRESSION].validation
    assert chosen.validation.log_loss < logistic_result.log_loss - 0.05
    assert chosen.validation.auc > logistic_result.auc + 0.1


def test_a_linear_outcome_keeps_logistic_regression():
    # Outcomes drawn from a logistic model of the features: the right model wins on log loss.
    X, y = synthetic(np.random.default_rng(SEED), n=1400)
    results = select_model(X[:1000], y[:1000], X[1000:], y[1000:], seed=1)
    assert [result.name for result in results if result.is_chosen] == [LOGISTIC_REGRESSION]


def test_selection_and_production_are_deterministic():
    X, y = nonlinear(np.random.default_rng(SEED), 1600)
    split = (X[:800], y[:800], X[800:], y[800:])
    first, second = select_model(*split, seed=3), select_model(*split, seed=3)
    assert first == second
    (chosen,) = [result.name for result in first if result.is_chosen]
    production = fit_production(chosen, *split, seed=3)
    again = fit_production(chosen, *split, seed=3)
    np.testing.assert_array_equal(probabilities(production.model, X), probabilities(again.model, X))
    for first_run, second_run in zip(
        production.probabilities(X), again.probabilities(X), strict=True
    ):
        np.testing.assert_array_equal(first_run, second_run)
    # The refitted model is the one the selection measured.
    measured = next(result for result in first if result.is_chosen).validation
    assert evaluate(y[800:], probabilities(production.model, X[800:])) == measured


def test_sigmoid_calibration_keeps_the_ranking_and_the_log_loss_at_most():
    # Linear truth and a small validation window (fewer than 1000 buyers): a sigmoid on the
    # logistic regression's log-odds, monotone, so the AUC is unchanged; fitted to these
    # outcomes, it cannot do worse on them than the identity it can represent.
    X, y = synthetic(np.random.default_rng(SEED), n=1400)
    production = fit_production(LOGISTIC_REGRESSION, X[:1000], y[:1000], X[1000:], y[1000:])
    assert production.calibration_method == "sigmoid"
    own, served = production.probabilities(X[1000:])  # a sigmoid is served unbounded
    np.testing.assert_array_equal(own, probabilities(production.model, X[1000:]))
    before, after = evaluate(y[1000:], own), evaluate(y[1000:], served)
    assert after.auc == pytest.approx(before.auc, abs=1e-12)
    assert after.log_loss <= before.log_loss + 1e-9
    # Calibrating the scores computed once is calibrating the model (scikit-learn's way).
    every_row = np.arange(400)
    reference = CalibratedClassifierCV(
        FrozenEstimator(production.model), method="sigmoid", cv=[(every_row, every_row)]
    ).fit(X[1000:], y[1000:])
    np.testing.assert_allclose(served, probabilities(reference, X[1000:]), rtol=0, atol=1e-12)


def test_isotonic_calibration_matches_the_buyer_rate_and_is_never_certain():
    # Pool-adjacent-violators averages outcomes within each step, so the calibrated mean
    # over the calibration window is exactly its buyer rate, whatever the model's bias.
    X, y = nonlinear(np.random.default_rng(SEED), 3000)
    production = fit_production(
        "random_forest", X[:1000], y[:1000], X[1000:], y[1000:], isotonic_min_customers=300
    )
    assert production.calibration_method == "isotonic"
    every_row = np.arange(2000)
    calibrated = probabilities(  # scikit-learn's own calibration of the model, unbounded
        CalibratedClassifierCV(
            FrozenEstimator(production.model), method="isotonic", cv=[(every_row, every_row)]
        ).fit(X[1000:], y[1000:]),
        X[1000:],
    )
    assert calibrated.mean() == pytest.approx(y[1000:].mean(), abs=1e-12)
    # A step without a buyer is 0 there; served, it is Platt's prior 1 / (non-buyers + 2).
    buyers = int(y[1000:].sum())
    non_buyers = 2000 - buyers
    assert calibrated.min() == 0.0
    _, served = production.probabilities(X)
    assert served.min() == pytest.approx(1 / (non_buyers + 2), rel=1e-15)
    assert served.max() <= (buyers + 1) / (buyers + 2)
    inside = (calibrated > served.min()) & (calibrated < served.max())
    np.testing.assert_array_equal(served[1000:][inside], calibrated[inside])


def test_calibration_method_by_the_rarer_outcome():
    assert calibration_method(np.zeros(5000), 1000) is None  # one outcome: not calibrated
    assert calibration_method(np.r_[np.ones(999), np.zeros(5000)], 1000) == "sigmoid"
    assert calibration_method(np.r_[np.ones(1000), np.zeros(1000)], 1000) == "isotonic"
    assert calibration_method(np.r_[np.ones(5000), np.zeros(999)], 1000) == "sigmoid"


def test_one_validation_outcome_serves_the_model_uncalibrated():
    X, y = synthetic(np.random.default_rng(SEED))
    production = fit_production(LOGISTIC_REGRESSION, X, y, X[:20], np.ones(20))
    assert production.calibration_method is None
    assert production.calibrator is None
    own, served = production.probabilities(X)
    np.testing.assert_array_equal(own, probabilities(production.model, X))
    np.testing.assert_array_equal(served, own)


def test_propensity_data_does_not_depend_on_row_order():
    # The forest draws its bootstrap by row position: the selection and the refit must see
    # one order whatever the engine returned. A NULL in training adds a missing indicator.
    table = pa.table(
        {
            "snapshot": ["training", "validation", "training", "scoring", "training"],
            "user_id": ["c", "a", "a", "a", "b"],
            "recency_days": [5.0, 1.0, None, 0.0, 9.0],
            "ordered_in_horizon": [True, False, False, None, True],
        }
    )
    data = segments.propensity_data(table, ["recency_days"])
    shuffled = segments.propensity_data(table.take([4, 3, 2, 1, 0]), ["recency_days"])
    assert data.names == ["recency_days", "recency_days__missing"]
    np.testing.assert_array_equal(data.X_train, [[0.0, 1.0], [9.0, 0.0], [5.0, 0.0]])
    np.testing.assert_array_equal(data.y_train, [0, 1, 1])
    np.testing.assert_array_equal(data.X_valid, [[1.0, 0.0]])
    assert data.learnable
    for field in ("X_train", "y_train", "X_valid", "y_valid"):
        np.testing.assert_array_equal(getattr(data, field), getattr(shuffled, field))


def test_model_selection_sample_is_a_fixed_draw_by_hash_of_the_id():
    # The ranker's draw: sha256 of the id as text, then the id; the first n, by user_id.
    ids = [f"customer-{i}" for i in range(50)]
    table = pa.table({"user_id": ids, "value": list(range(50))})
    by_hash = sorted(
        ids, key=lambda user_id: (hashlib.sha256(user_id.encode()).hexdigest(), user_id)
    )
    sample = segments.sample_customers(table, 7)
    assert sample.column("user_id").to_pylist() == sorted(by_hash[:7])
    assert sample.column("value").to_pylist() == [ids.index(u) for u in sorted(by_hash[:7])]
    # Not the engine's row order, and a customer drawn stays drawn when others are absent.
    reversed_sample = segments.sample_customers(table.take(list(range(49, -1, -1))), 7)
    assert reversed_sample.equals(sample)
    fewer = segments.sample_customers(table.take([ids.index(u) for u in by_hash[:20]]), 7)
    assert fewer.equals(sample)
    # At or below the limit, or with none: every row, by user_id.
    assert segments.sample_customers(table, 50).column("user_id").to_pylist() == sorted(ids)
    assert segments.sample_customers(table, None).num_rows == 50


def test_propensity_sample_keeps_the_design_of_every_training_customer():
    # The NULL is in a customer the sample leaves out; the indicator stays, so the sampled
    # selection and the production fit on everyone see the same design columns.
    ids = [f"c{i}" for i in range(6)]
    drawn = sorted(ids, key=lambda user_id: hashlib.sha256(user_id.encode()).hexdigest())
    table = pa.table(
        {
            "snapshot": ["training"] * 6 + ["validation"] * 6,
            "user_id": ids + ids,
            "recency_days": [None if u == drawn[-1] else 1.0 for u in ids] + [2.0] * 6,
            "ordered_in_horizon": [True, False] * 6,
        }
    )
    data = segments.propensity_data(table, ["recency_days"], max_customers=3)
    assert data.names == ["recency_days", "recency_days__missing"]
    assert data.X_train.shape == (3, 2) and data.X_valid.shape == (3, 2)
    np.testing.assert_array_equal(data.X_train[:, 1], 0.0)


@pytest.mark.parametrize("value", [0, -5, 2.5, True, "many"])
def test_model_selection_max_customers_names_the_var(value):
    with pytest.raises(ValueError, match="var retail_recs__model_selection_max_customers"):
        segments.max_customers_setting(value, "retail_recs__model_selection_max_customers")
    assert segments.max_customers_setting("None", "v") is None
    assert segments.max_customers_setting("100000", "v") == 100000
