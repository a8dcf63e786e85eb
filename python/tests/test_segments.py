"""Customer segments end to end on the small demo warehouse: planted personas are
recovered by k-means, propensity ranks buyers, and the SQL metrics agree with Python."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from retail_recs import propensity

from .conftest import query

PERSONA_COUNT = 5


def test_kmeans_recovers_the_planted_personas(demo_warehouse, ground_truth):
    personas = ground_truth["customer_personas"]
    rows = query(demo_warehouse, "select user_id, cluster_id from customer_clusters")
    planted = [personas[user_id] for user_id, _ in rows]
    found = [cluster_id for _, cluster_id in rows]
    assert adjusted_rand_score(planted, found) >= 0.8


def test_silhouette_picks_as_many_clusters_as_personas(demo_warehouse):
    ((k,),) = query(demo_warehouse, "select k from cluster_selection where is_chosen")
    assert k == PERSONA_COUNT


def test_cluster_labels_describe_the_personas(demo_warehouse, ground_truth):
    """The cluster holding most loyal big spenders is labelled frequent and big-basket; the
    lapsed customers' cluster is labelled lapsed."""
    personas = ground_truth["customer_personas"]
    rows = query(
        demo_warehouse,
        "select c.user_id, p.label from customer_clusters c "
        "join cluster_profiles p using (cluster_id)",
    )
    label_of = dict(rows)

    def majority_label(persona: str) -> str:
        labels = [label_of[u] for u, p in personas.items() if p == persona and u in label_of]
        return max(set(labels), key=labels.count)

    assert {"frequent", "big-basket"} <= set(majority_label("loyal_big_spender").split(", "))
    assert "lapsed" in majority_label("lapsed").split(", ")
    assert "small-basket" in majority_label("bargain_hunter").split(", ")


def test_lapsed_persona_lands_in_lapsed_rfm_segments_and_churns(demo_warehouse, ground_truth):
    personas = ground_truth["customer_personas"]
    rows = query(demo_warehouse, "select user_id, rfm_segment, lifecycle_stage from customer_rfm")
    lapsed = [(segment, stage) for user_id, segment, stage in rows if personas[user_id] == "lapsed"]
    asleep = {"At risk", "Can't lose", "Hibernating", "Lost"}
    assert sum(segment in asleep for segment, _ in lapsed) / len(lapsed) >= 0.95
    assert all(stage == "churned" for _, stage in lapsed)


def test_features_reconcile_with_the_customer_dimension(demo_warehouse):
    """Net spend and activity dates of customer_features equal dim_customers' own sums."""
    mismatches = query(
        demo_warehouse,
        """
        select count(*) from customer_features f
        join dim_customers d using (user_id)
        where abs(f.monetary_value - d.net_revenue) > 1e-6
           or f.last_event_at is distinct from d.last_event_at
           or f.last_order_at is distinct from d.last_purchase_at
        """,
    )
    assert mismatches == [(0,)]


def test_category_shares_sum_to_one_per_customer(demo_warehouse):
    rows = query(
        demo_warehouse,
        "select user_id, sum(spend_share) from customer_category_spend "
        "group by user_id having max(net_spend) > 0",
    )
    assert rows
    assert all(total == pytest.approx(1.0, abs=1e-9) for _, total in rows)


def test_propensity_ranks_next_horizon_buyers(demo_warehouse):
    ((auc,),) = query(
        demo_warehouse, "select auc from propensity_model_metrics where split = 'validation'"
    )
    assert auc >= 0.70


@pytest.mark.parametrize("split", ["training", "validation"])
def test_sql_metrics_equal_python_metrics(demo_warehouse, split):
    rows = query(
        demo_warehouse,
        "select purchase_probability, ordered_in_horizon::int from int_propensity_scores "
        f"where snapshot = '{split}'",
    )
    p = np.array([row[0] for row in rows])
    y = np.array([row[1] for row in rows])
    ((auc, loss, buyers),) = query(
        demo_warehouse,
        f"select auc, log_loss, buyers from propensity_model_metrics where split = '{split}'",
    )
    expected = propensity.evaluate(y, p)
    assert auc == pytest.approx(expected.auc, abs=1e-9)
    assert loss == pytest.approx(expected.log_loss, abs=1e-9)
    assert buyers == y.sum()


def test_calibration_deciles_cover_every_scored_customer(demo_warehouse):
    rows = query(
        demo_warehouse,
        """
        select c.split, c.calibration, sum(c.customers), any_value(m.customers),
               sum(c.customers * c.buyer_rate), any_value(m.buyers)
        from propensity_calibration c join propensity_model_metrics m using (split)
        group by c.split, c.calibration
        """,
    )
    assert len(rows) == 4  # training and validation, before and after calibration
    for _, _, decile_customers, customers, decile_buyers, buyers in rows:
        assert decile_customers == customers
        assert decile_buyers == pytest.approx(buyers)


def test_the_chosen_model_is_served_and_calibration_does_not_hurt_it(demo_warehouse):
    """customer_propensity serves the candidate with the lowest validation log loss, and its
    calibration on the validation window leaves the validation log loss no worse."""
    ((chosen, best),) = query(
        demo_warehouse,
        "select arg_min(model_name, validation_log_loss), "
        "count(*) filter (where is_chosen) from propensity_model_selection",
    )
    ((served,),) = query(
        demo_warehouse, "select model_name from propensity_model_selection where is_chosen"
    )
    assert best == 1 and served == chosen
    ((before, after),) = query(
        demo_warehouse,
        """
        select
            (select validation_log_loss from propensity_model_selection where is_chosen),
            (select log_loss from propensity_model_metrics where split = 'validation')
        """,
    )
    assert after <= before + 1e-9


def test_below_the_sample_limit_the_candidates_see_every_customer(demo_warehouse):
    """The demo has fewer customers than var retail_recs__model_selection_max_customers:
    the selection measures the windows the production model learns from and is judged on."""
    rows = query(
        demo_warehouse,
        """
        select distinct selection.training_customers, selection.validation_customers,
            (select count(*) from int_customer_snapshots where snapshot = 'training'),
            (select count(*) from int_customer_snapshots where snapshot = 'validation')
        from propensity_model_selection as selection
        """,
    )
    ((training, validation, all_training, all_validation),) = rows
    assert (training, validation) == (all_training, all_validation)
    assert all_training < 50_000


def test_propensity_scores_every_active_customer_once(demo_warehouse):
    ((scored, active),) = query(
        demo_warehouse,
        "select (select count(*) from customer_propensity), "
        "(select count(*) from customer_features where last_event_at is not null)",
    )
    assert scored == active


def test_customer_value_serves_the_chosen_model_to_every_customer_who_ordered(demo_warehouse):
    ((served, distinct, customers, ordered),) = query(
        demo_warehouse,
        """
        select
            (select any_value(clv_model) from customer_value),
            (select count(distinct clv_model) from customer_value),
            (select count(*) from customer_value),
            (select count(*) from customer_features where order_count > 0)
        """,
    )
    ((chosen, lowest),) = query(
        demo_warehouse,
        "select (select model_name from clv_model_metrics where is_chosen),"
        " (select arg_min(model_name, spend_mae) from clv_model_metrics)",
    )
    assert distinct == 1 and served == chosen == lowest
    assert customers == ordered


def test_value_deciles_rank_expected_spend(demo_warehouse):
    rows = query(
        demo_warehouse,
        "select value_decile, min(expected_net_spend), max(expected_net_spend), count(*)"
        " from customer_value group by value_decile order by value_decile",
    )
    assert [decile for decile, *_ in rows] == list(range(1, 11))
    for (_, _, upper, n), (_, lower, _, m) in itertools.pairwise(rows):
        assert upper <= lower and abs(n - m) <= 1


def test_value_score_is_the_ahp_weighted_mean_of_percentiles(demo_warehouse):
    """value_score recomputed in Python: percentile = rank among customers who ordered
    (ties share the lowest rank, as percent_rank), recency counted fewer days best."""
    import pandas as pd

    weights = dict(query(demo_warehouse, "select criterion, weight from value_criteria_weights"))
    frame = pd.DataFrame(
        query(
            demo_warehouse,
            "select user_id, recency_days, order_count, monetary_value, expected_net_spend,"
            " value_score from customer_value",
        ),
        columns=["user_id", "recency", "frequency", "monetary", "predicted_value", "score"],
    )
    frame["recency"] = -frame["recency"]
    n = len(frame)
    expected = sum(
        weight * (frame[criterion].rank(method="min") - 1) / (n - 1)
        for criterion, weight in weights.items()
    )
    np.testing.assert_allclose(frame["score"], expected, atol=1e-8)
