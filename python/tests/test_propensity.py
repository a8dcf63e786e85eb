"""Tests of the propensity model and its metrics against known answers.

The logistic fit is checked against the closed-form MLE of a single binary feature (the
fitted probabilities are the group rates) and against an independent Newton-Raphson (IRLS)
written here; the metrics against values worked out by hand and pair counting.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from retail_recs.kmeans import log_standardize
from retail_recs.propensity import LogisticModel, fit_logistic, log_loss, roc_auc

SEED = 5


def synthetic(rng: np.random.Generator, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Two skewed non-negative features and outcomes drawn from a logistic model of them."""
    X = np.column_stack([rng.poisson(3.0, n), rng.gamma(2.0, 50.0, n)]).astype(np.float64)
    Z = log_standardize(X).values
    eta = -0.4 + Z @ np.array([1.2, -0.7])
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(np.int64)
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


def test_binary_feature_mle_reproduces_the_group_rates():
    # 30 rows with x = 0 (6 positives) and 20 with x = 1 (15 positives): with an intercept and
    # one indicator the MLE fits each group's rate exactly, 0.2 and 0.75.
    x = np.r_[np.zeros(30), np.ones(20)][:, None]
    y = np.r_[np.ones(6), np.zeros(24), np.ones(15), np.zeros(5)]
    model = fit_logistic(x, y, l2=0.0)
    assert model.converged
    np.testing.assert_allclose(
        model.predict_proba(np.array([[0.0], [1.0]])), [0.2, 0.75], atol=1e-6
    )
    # Log-odds difference ln(3) - ln(1/4) = ln 12 per (ln 2 / scale) of standardized x.
    per_unit = model.coefficients[0] / model.standardized_scale[0] * math.log(2)
    assert per_unit == pytest.approx(math.log(12), abs=1e-6)
    assert model.feature_names == ("x0",)


@pytest.mark.parametrize("l2", [0.0, 3.0])
def test_two_features_match_newton_raphson(l2):
    X, y = synthetic(np.random.default_rng(SEED))
    model = fit_logistic(X, y, l2=l2, feature_names=["orders", "amount"])
    expected = newton_irls(X, y, l2)
    assert model.converged and model.iterations > 0
    assert model.intercept == pytest.approx(expected[0], abs=1e-6)
    np.testing.assert_allclose(model.coefficients, expected[1:], atol=1e-6)
    assert model.feature_names == ("orders", "amount")
    design = np.column_stack([np.ones(len(y)), log_standardize(X).values])
    np.testing.assert_allclose(
        model.predict_proba(X), 1 / (1 + np.exp(-(design @ expected))), atol=1e-7
    )


def test_penalty_shrinks_the_coefficients():
    X, y = synthetic(np.random.default_rng(SEED))
    norms = [np.linalg.norm(fit_logistic(X, y, l2=l2).coefficients) for l2 in (0.0, 10.0, 100.0)]
    assert norms[0] > norms[1] > norms[2] > 0


def test_prediction_reuses_the_training_transform():
    X, y = synthetic(np.random.default_rng(SEED))
    model = fit_logistic(X, y)
    assert isinstance(model, LogisticModel)
    # A refit on 10 rows would change their standardized values, hence their probabilities.
    np.testing.assert_array_equal(model.predict_proba(X[:10]), model.predict_proba(X)[:10])
    np.testing.assert_allclose(model.standardized_mean, log_standardize(X).mean, rtol=1e-15)
    with pytest.raises(ValueError, match="columns"):
        model.predict_proba(X[:, :1])


def test_invalid_inputs_raise():
    X = np.array([[1.0], [2.0], [3.0], [4.0]])
    y = np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match="only 0 and 1"):
        fit_logistic(X, np.array([0, 1, 2, 1]))
    with pytest.raises(ValueError, match="only 0 and 1"):
        fit_logistic(X, np.array([0, 1, np.nan, 1]))
    with pytest.raises(ValueError, match="both classes"):
        fit_logistic(X, np.ones(4))
    with pytest.raises(ValueError, match="NaN"):
        fit_logistic(np.array([[1.0], [np.nan], [3.0], [4.0]]), y)
    with pytest.raises(ValueError, match="3 values, X has 4 rows"):
        fit_logistic(X, y[:3])
    with pytest.raises(ValueError, match="2-d"):
        fit_logistic(X.ravel(), y)
    with pytest.raises(ValueError, match="l2"):
        fit_logistic(X, y, l2=-1.0)
    with pytest.raises(ValueError, match="feature_names"):
        fit_logistic(X, y, feature_names=["a", "b"])


def brute_force_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Share of (positive, negative) pairs ranked right, ties counting one half."""
    positive, negative = p[y == 1], p[y == 0]
    wins = (positive[:, None] > negative[None, :]).sum()
    ties = (positive[:, None] == negative[None, :]).sum()
    return (wins + 0.5 * ties) / (positive.size * negative.size)


def test_roc_auc_by_hand():
    # Pairs (positive, negative): (0.35, 0.1) right, (0.35, 0.4) wrong, (0.8, ·) right twice.
    assert roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    # A tie between the positive and the negative at 0.5 counts ½: (1 + 0.5 + 2) / 4.
    assert roc_auc([0, 1, 0, 1], [0.2, 0.5, 0.5, 0.9]) == 0.875
    assert roc_auc([0, 1, 0, 1], [0.3] * 4) == 0.5
    rng = np.random.default_rng(SEED)
    y = rng.integers(2, size=300)
    p = np.round(rng.random(300) + 0.3 * y, 1)  # many ties
    assert roc_auc(y, p) == pytest.approx(brute_force_auc(y, p), abs=1e-14)
    with pytest.raises(ValueError, match="both classes"):
        roc_auc([1, 1, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="shape"):
        roc_auc([0, 1], [0.1, 0.2, 0.3])


def test_log_loss_by_hand():
    # -(ln 0.8 + ln(1 - 0.4)) / 2
    assert log_loss([1, 0], [0.8, 0.4]) == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)
    # p = 0 for a positive is clipped to 1e-15; p = 1 for a positive costs nothing.
    assert log_loss([1, 1], [0.0, 1.0]) == pytest.approx(-math.log(1e-15) / 2, rel=1e-12)
    assert log_loss([0, 1], [0.5, 0.5]) == pytest.approx(math.log(2), rel=1e-15)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        log_loss([0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="only 0 and 1"):
        log_loss([0, 3], [0.5, 0.5])
