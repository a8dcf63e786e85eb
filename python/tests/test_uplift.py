"""retail_recs.uplift: Qini curves by hand, the fit's preconditions, and a planted uplift
recovered by both learners on data whose persuadable customers are known."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pytest

from retail_recs import uplift
from retail_recs.demo_data import responses

FEATURES = ["order_count", "recency_days"]


def test_qini_curve_by_hand():
    # Ranked by score: T1 (treated, bought), C1 (control, no), T2 (treated, no), C2 (control,
    # bought). Q(k) = treated buyers - control buyers x treated / control among the top k:
    # 1, 1 - 0 x 1/1 = 1, 1 - 0 x 2/1 = 1, 1 - 1 x 2/2 = 0.
    scores = np.array([0.9, 0.7, 0.5, 0.1])
    treated = np.array([1, 0, 1, 0])
    y = np.array([1, 0, 0, 1])
    assert uplift.qini_curve(scores, treated, y) == pytest.approx([1.0, 1.0, 1.0, 0.0])
    # The random line ends at 0: the mean gap (0.75) per treated member (2).
    assert uplift.qini_coefficient(scores, treated, y) == pytest.approx(0.375)
    # Reversed, the persuadable come last: C2, T2, C1, T1 gives Q = 0, -1, -0.5, 0.
    assert uplift.qini_coefficient(-scores, treated, y) == pytest.approx(-0.1875)


def test_top_share_uplift_by_hand():
    scores = np.array([6, 5, 4, 3, 2, 1], dtype=float)
    treated = np.array([1, 1, 0, 1, 0, 0])
    y = np.array([1, 1, 0, 0, 1, 1])
    # Top half: two treated buyers, one control non-buyer: 1 - 0.
    assert uplift.top_share_uplift(scores, treated, y, 0.5) == pytest.approx(1.0)
    # Everyone: 2/3 treated - 2/3 control.
    assert uplift.top_share_uplift(scores, treated, y, 1.0) == pytest.approx(0.0)
    # The top third holds no control member: no uplift can be observed.
    assert uplift.top_share_uplift(scores, treated, y, 0.3) is None


def test_a_fit_needs_enough_members_of_both_outcomes_in_each_group():
    treated = np.array([1] * 150 + [0] * 150)
    y = np.tile([0, 1], 150)
    assert uplift.insufficient_reason(treated, y, 100) is None
    reason = uplift.insufficient_reason(treated, y, 200)
    assert "150 treatment members" in reason and "retail_recs__uplift_min_group_members" in reason
    assert "control" in uplift.insufficient_reason(treated, np.r_[y[:150], [0] * 150], 100)


def test_folds_are_a_stable_hash_of_the_member():
    keys = [f"c:{i}" for i in range(1000)]
    folds = uplift.folds_of(keys, 5)
    assert folds.tolist() == uplift.folds_of(list(reversed(keys)), 5)[::-1].tolist()
    assert np.bincount(folds).min() > 150
    with pytest.raises(ValueError, match="retail_recs__uplift_folds"):
        uplift.folds_of(keys, 1)


def test_deciles_rank_ten_is_highest():
    assert uplift.deciles(np.arange(20.0)).tolist() == [1 + i // 2 for i in range(20)]
    assert (
        uplift.deciles(np.array([0.3, 0.1, 0.2]))[0] > uplift.deciles(np.array([0.3, 0.1, 0.2]))[1]
    )


def planted_experiment(n: int, seed: int = 7) -> tuple[pa.Table, np.ndarray]:
    """Members of two past campaigns. Frequent buyers buy anyway (high base rate, no uplift);
    rare buyers convert only when messaged. Returns int_uplift_training's columns and each
    member's true uplift."""
    rng = np.random.default_rng(seed)
    orders = rng.integers(0, 20, n)
    loyal = orders >= 10
    treated = rng.random(n) < 0.7
    true_uplift = np.where(loyal, 0.0, 0.25)
    p = np.where(loyal, 0.4, 0.05) + treated * true_uplift
    bought = rng.random(n) < p
    table = pa.table(
        {
            "campaign_id": [f"c{i % 2}" for i in range(n)],
            "user_id": [f"u{i:05d}" for i in range(n)],
            "experiment_group": ["treatment" if t else "control" for t in treated],
            "has_converted": bought,
            "channel": ["email"] * n,
            "offer_type": ["percent"] * n,
            "offer_value": pa.array([10.0] * n),
            "order_count": orders,
            "recency_days": rng.integers(1, 300, n),
        }
    )
    return table, true_uplift


@pytest.mark.parametrize("learner", uplift.LEARNERS)
def test_each_learner_finds_the_planted_persuadables(learner):
    table, true_uplift = planted_experiment(4000)
    data = uplift.uplift_data(table, FEATURES)
    assert data.names == [*FEATURES, *uplift.OFFER_COLUMNS]
    p1, lift = uplift.cross_fitted(learner, data, folds=5, min_group_members=100, l2=1.0, seed=0)
    # Members come back sorted by campaign, then customer; the truth follows the same order.
    order = np.lexsort(
        (table.column("user_id").to_pylist(), table.column("campaign_id").to_pylist())
    )
    truth = true_uplift[order]
    assert lift[truth > 0].mean() > lift[truth == 0].mean() + 0.1
    # Ranking by uplift beats random and beats ranking by the response to the message,
    # which puts the loyal buyers (who need no message) first.
    # The true uplift's own ranking is the yardstick.
    oracle = uplift.qini_coefficient(truth, data.treated, data.y)
    qini = uplift.qini_coefficient(lift, data.treated, data.y)
    assert qini > 0.8 * oracle > 0 > uplift.qini_coefficient(p1, data.treated, data.y)
    # The full fit applies to new customers: the rare buyer gets the larger uplift.
    model = uplift.fit_two_model(learner, data.X, data.treated, data.y, 1.0, 0)
    offer = data.X[0, len(FEATURES) :]
    rare, frequent = np.r_[2, 30, offer], np.r_[15, 30, offer]
    _, _, predicted = model.predict(np.vstack([rare, frequent]))
    assert predicted[0] > predicted[1] + 0.1


def test_contradictory_members_are_counted_and_left_out():
    table, _ = planted_experiment(300)
    groups = table.column("experiment_group").to_pylist()
    groups[0] = "contradictory"
    table = table.set_column(2, "experiment_group", pa.array(groups))
    data = uplift.uplift_data(table, FEATURES)
    assert data.contradictory == 1 and len(data.y) == 299


def simulated_experiments(members: int) -> tuple[pa.Table, np.ndarray]:
    """Two past campaigns answered by the demo's response simulator
    (retail_recs.demo_data.responses.simulate_campaign), whose uplift falls with each
    customer's chance to buy anyway. The chance comes from the features, as the warehouse's
    propensity does. Returns int_uplift_training's columns and each customer's purchase
    probability (customer i is user u<i>)."""
    rng = np.random.default_rng(3)
    orders = rng.poisson(4, members)
    recency = rng.integers(1, 365, members)
    probability = 1 / (1 + np.exp(-(0.6 * orders - recency / 60.0 - 0.5)))
    campaigns = [
        responses.Campaign("pct", "email", "percent", 20.0, date(2026, 1, 5), date(2026, 1, 18)),
        responses.Campaign(
            "ship", "sms", "free_shipping", None, date(2026, 2, 2), date(2026, 2, 8)
        ),
    ]
    tables = []
    for index, campaign in enumerate(campaigns):
        rows = np.arange(members) % len(campaigns) == index
        treated = rng.random(rows.sum()) >= 0.2
        events = responses.simulate_campaign(
            campaign, treated, probability[rows], np.random.default_rng(index)
        )
        converted = np.zeros(rows.sum(), dtype=bool)
        converted[events.user[events.kind == responses.CONVERTED]] = True
        tables.append(
            pa.table(
                {
                    "campaign_id": [campaign.campaign_id] * int(rows.sum()),
                    "user_id": [f"u{i:05d}" for i in np.flatnonzero(rows)],
                    "experiment_group": np.where(treated, "treatment", "control").tolist(),
                    "has_converted": converted,
                    "channel": [campaign.channel] * int(rows.sum()),
                    "offer_type": [campaign.offer_type] * int(rows.sum()),
                    "offer_value": pa.array([campaign.offer_value] * int(rows.sum()), pa.float64()),
                    "order_count": orders[rows],
                    "recency_days": recency[rows],
                }
            )
        )
    return pa.concat_tables(tables), probability


def test_the_chosen_learner_recovers_the_demo_simulators_planted_uplift():
    """With 10,000 members of past experiments (a fifth held out), customers ranked by
    predicted uplift have a higher planted uplift in the top decile than in the bottom one,
    for each campaign's offer, with the learner uplift_model_metrics would choose. At the
    full demo's 3,300 members this holds for some draws and not others (the README's
    decision log has the learning curve), so the test uses a size where it is not luck."""
    table, probability = simulated_experiments(10_000)
    data = uplift.uplift_data(table, FEATURES)
    qini = {}
    for learner in uplift.LEARNERS:
        _, lift = uplift.cross_fitted(learner, data, 5, 100, 1.0, 42)
        qini[learner] = uplift.qini_coefficient(lift, data.treated, data.y)
    chosen = max(uplift.LEARNERS, key=lambda learner: qini[learner])
    assert qini[chosen] > 0
    model = uplift.fit_two_model(chosen, data.X, data.treated, data.y, 1.0, 42)
    features = np.column_stack([table.column(name).to_numpy().astype(float) for name in FEATURES])
    for offer_type, value, channel in (("percent", 20.0, "email"), ("free_shipping", None, "sms")):
        offer = uplift.offer_matrix(
            pa.table(
                {
                    "offer_type": [offer_type],
                    "offer_value": pa.array([value], pa.float64()),
                    "channel": [channel],
                }
            )
        )
        # Every customer once (the table holds each in one campaign), scored at this offer.
        order = np.argsort(table.column("user_id").to_pylist(), kind="stable")
        X = np.column_stack([features[order], np.repeat(offer, len(order), axis=0)])
        _, _, lift = model.predict(X)
        planted = responses.customer_uplift(
            responses.planted_uplift(offer_type, value), probability
        )
        decile = uplift.deciles(lift)
        assert planted[decile == 10].mean() > 1.5 * planted[decile == 1].mean(), offer_type
