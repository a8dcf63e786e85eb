"""Customer value: the metrics by hand, the baseline's known answers, model choice against
it, and the snapshots' windows."""

import hashlib

import numpy as np
import pyarrow as pa
import pytest

from retail_recs import customer_value as cv


def window(X, last_orders, last_spend, orders=None, spend=None, ids=None):
    n = len(last_orders)
    return cv.Window(
        user_id=pa.chunked_array([pa.array(ids or [f"u{i:05d}" for i in range(n)])]),
        X=np.asarray(X, dtype=float).reshape(n, -1),
        last_period={
            cv.ORDERS: np.asarray(last_orders, float),
            cv.SPEND: np.asarray(last_spend, float),
        },
        outcomes=None
        if orders is None
        else {cv.ORDERS: np.asarray(orders, float), cv.SPEND: np.asarray(spend, float)},
    )


def test_the_baseline_repeats_the_last_period_scaled_with_poisson_activity():
    w = window([[0], [0], [0]], last_orders=[0, 1, 2], last_spend=[-5.0, 10.0, 40.0])
    prediction = cv.predict(None, w, scale=3.0)
    np.testing.assert_allclose(prediction.orders, [0, 3, 6])
    np.testing.assert_allclose(prediction.spend, [0, 30, 120])  # a net refund is no spend
    np.testing.assert_allclose(prediction.probability_active, 1 - np.exp(-np.array([0, 3, 6])))


def test_metrics_by_hand():
    # Ten customers; the top decile is one customer, the one predicted highest (u00009).
    actual_spend = np.array([0, 0, 0, 10, 10, 20, 20, 30, 50, -10], float)
    actual_orders = np.array([0, 0, 0, 1, 1, 1, 2, 1, 2, 0], float)
    predicted = cv.Prediction(
        orders=np.array([0, 0, 1, 1, 1, 1, 1, 1, 2, 3], float),
        spend=np.array([0, 0, 5, 10, 10, 20, 20, 30, 40, 60], float),
        probability_active=np.array([0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1], float),
    )
    result = cv.evaluate(predicted, {cv.ORDERS: actual_orders, cv.SPEND: actual_spend})
    assert result.customers == 10
    # |errors|: 0 0 5 0 0 0 0 0 10 70
    assert result.spend_mae == pytest.approx(85 / 10)
    # The top decile (u00009, predicted 60) made none of the 140 of positive spend.
    assert result.top_decile_spend_share == pytest.approx(0.0)
    assert result.predicted_to_actual_spend == pytest.approx(195 / 130)
    # |errors|: 0 0 1 0 0 0 1 0 0 3
    assert result.orders_mae == pytest.approx(5 / 10)
    bought = actual_orders > 0
    assert result.active_brier_score == pytest.approx(
        np.mean((predicted.probability_active - bought) ** 2)
    )


def test_the_top_decile_share_takes_ceil_n_over_10_customers():
    spend = np.array([100.0] + [10.0] * 10)  # 11 customers: the top "decile" is 2
    predicted = cv.Prediction(np.zeros(11), np.arange(11, 0, -1, dtype=float), np.zeros(11))
    result = cv.evaluate(predicted, {cv.ORDERS: np.zeros(11), cv.SPEND: spend})
    assert result.top_decile_spend_share == pytest.approx(110 / 200)
    assert result.spend_spearman is not None


def planted(rng, n, shift=0.0):
    """Customers whose next-horizon orders follow Poisson(exp(0.2 + 0.8 z)) for a feature z,
    while their last period was one noisy draw of the same rate: a model of z beats
    repeating the draw."""
    z = rng.normal(size=n) + shift
    rate = np.exp(0.2 + 0.8 * z)
    last = rng.poisson(rate)
    future = rng.poisson(rate)
    X = np.column_stack([np.exp(z), last])  # skewed, as counts and amounts are
    return window(X, last, 20.0 * last, future, 20.0 * future)


def test_a_learnable_signal_beats_the_baseline_and_is_chosen():
    rng = np.random.default_rng(7)
    results = cv.select_model(planted(rng, 3000), planted(rng, 3000), cv.CANDIDATES, seed=1)
    by_name = {r.name: r for r in results}
    assert [r.name for r in results] == list(cv.CANDIDATES)
    chosen = [r for r in results if r.is_chosen]
    assert len(chosen) == 1 and chosen[0].name != cv.BASELINE
    assert chosen[0].validation.spend_mae < by_name[cv.BASELINE].validation.spend_mae
    assert chosen[0].validation.spend_mae == min(r.validation.spend_mae for r in results)


def test_the_baseline_always_competes_and_wins_when_nothing_is_learnable():
    assert cv.checked_candidates(["gradient_boosting"]) == (cv.BASELINE, "gradient_boosting")
    with pytest.raises(ValueError, match="retail_recs__clv_candidates"):
        cv.checked_candidates(["bg_nbd"])
    rng = np.random.default_rng(3)
    nobody_bought = window(rng.normal(size=(50, 2)), [1] * 50, [5.0] * 50, [0] * 50, [0.0] * 50)
    results = cv.select_model(nobody_bought, planted(rng, 200), cv.CANDIDATES, seed=1)
    assert [(r.name, r.is_chosen) for r in results] == [(cv.BASELINE, True)]
    name, _ = cv.predict_production("gradient_boosting", nobody_bought, planted(rng, 10), 2.0, 1)
    assert name == cv.BASELINE


def test_production_is_deterministic_and_scaled():
    rng = np.random.default_rng(11)
    validation, scoring = planted(rng, 2000), planted(rng, 500)
    name, once = cv.predict_production("gradient_boosting", validation, scoring, 1.0, seed=5)
    _, again = cv.predict_production("gradient_boosting", validation, scoring, 1.0, seed=5)
    _, tripled = cv.predict_production("gradient_boosting", validation, scoring, 3.0, seed=5)
    assert name == "gradient_boosting"
    np.testing.assert_array_equal(once.spend, again.spend)
    np.testing.assert_allclose(tripled.orders, 3 * once.orders, rtol=1e-8)
    np.testing.assert_allclose(tripled.probability_active, -np.expm1(-tripled.orders), atol=1e-8)


def snapshots_table():
    rows = {
        "snapshot": ["training", "training", "training", "validation", "scoring", "scoring"],
        "user_id": ["b", "a", "c", "a", "b", "a"],
        "order_count": [1, 2, 0, 3, 4, 5],
        "recency_days": [5, None, 7, 8, 9, 10],
        "recent_order_count": [1, 1, 0, 2, 1, 1],
        "recent_net_spend": [10.0, 20.0, 0.0, 30.0, 40.0, 50.0],
        "horizon_order_count": [1, 0, 1, 2, None, None],
        "horizon_net_spend": [5.0, 0.0, 3.0, 7.0, None, None],
    }
    return pa.table(rows)


def test_windows_keep_customers_who_ordered_sorted_with_missing_indicators():
    names, windows = cv.windows(snapshots_table(), ["recency_days", "order_count"])
    assert names == ["recency_days", "order_count", "recency_days__missing"]
    training = windows["training"]
    assert training.user_id.to_pylist() == ["a", "b"]  # c never ordered
    np.testing.assert_array_equal(training.X, [[0, 2, 1], [5, 1, 0]])
    np.testing.assert_array_equal(training.outcomes[cv.SPEND], [0.0, 5.0])
    np.testing.assert_array_equal(training.last_period[cv.ORDERS], [1, 1])
    assert windows["scoring"].outcomes is None
    assert windows["scoring"].user_id.to_pylist() == ["a", "b"]


def test_the_selection_sample_cuts_training_and_validation_not_scoring():
    # One customer per window at most: the first of "a", "b" by sha256 of the id in
    # training, the only one in validation; scoring keeps both, and the missing indicator
    # of "a"'s NULL stays whichever customer is drawn.
    first = min(["a", "b"], key=lambda user_id: hashlib.sha256(user_id.encode()).hexdigest())
    names, windows = cv.windows(snapshots_table(), ["recency_days", "order_count"], 1)
    assert names == ["recency_days", "order_count", "recency_days__missing"]
    assert windows["training"].user_id.to_pylist() == [first]
    assert windows["validation"].user_id.to_pylist() == ["a"]
    assert windows["scoring"].user_id.to_pylist() == ["a", "b"]
