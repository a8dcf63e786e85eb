"""Ranking metrics: known answers for the Python reference, and the SQL models against it."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from retail_recs import ranking_metrics as rm
from retail_recs.build import run_dbt

LOG2_3 = math.log(3) / math.log(2)
Z_95 = 1.959963984540054  # the standard normal's 97.5% quantile
TOLERANCE = 1e-9
SQL_MODELS = (
    "int_eval_user_metrics",
    "recommendation_strategy",
    "recommendation_metrics",
    "recommendation_metrics_by_segment",
)
SQL_INPUTS = (
    "eval_recommendations",
    "eval_truth",
    "eval_fct_interactions",
    "eval_dim_items",
    "eval_item_pairs",
    "customer_rfm",
)


# --- Known answers -------------------------------------------------------------------------
# The fixture of the dbt unit test eval_user_metrics_by_hand: u1 gets A B C D E and bought A;
# u2 gets D B A E F and bought A, D and G, D also in training (a training purchase of u2's).

LISTS = {"pop": {"u1": list("ABCDE"), "u2": list("DBAEF")}}
TRUTH = {"u1": {"A"}, "u2": {"A", "D", "G"}}
BOUGHT_IN_TRAINING = {"u2": {"D"}}
PURCHASED = {"u2": {"D"}, "u3": {"A"}, "u4": {"B"}}
CATALOGUE = rm.Catalogue(
    active_item_count=7,
    training_purchaser_count=3,
    purchaser_counts={"A": 3, "B": 1, "C": 0, "D": 1, "E": 0, "F": 1, "G": 0},
    basket_jaccard={("A", "B"): 0.5},
)


def test_accuracy_metrics_by_hand():
    ranked, truth = list("DBAEF"), {"A", "D", "G"}  # hits at ranks 1 and 3, |T| = 3
    assert rm.hits_at_k(ranked, truth, 2) == 1
    assert rm.precision_at_k(ranked, truth, 2) == pytest.approx(1 / 2)
    assert rm.precision_at_k(ranked, truth, 5) == pytest.approx(2 / 5)
    assert rm.recall_at_k(ranked, truth, 5) == pytest.approx(2 / 3)
    # DCG = 1/log2 2 + 1/log2 4 = 1.5; ideal = 1 + 1/log2 3 + 1/log2 4 (min(|T|, k) = 3).
    assert rm.ndcg_at_k(ranked, truth, 5) == pytest.approx(1.5 / (1 + 1 / LOG2_3 + 0.5))
    assert rm.ndcg_at_k(ranked, truth, 2) == pytest.approx(1 / (1 + 1 / LOG2_3))
    # AP = (1/1 + 2/3) / min(3, 5); at k = 2 only the first hit, / min(3, 2).
    assert rm.average_precision_at_k(ranked, truth, 5) == pytest.approx(5 / 9)
    assert rm.average_precision_at_k(ranked, truth, 2) == pytest.approx(1 / 2)
    assert rm.hit_at_k(ranked, truth, 1) == 1.0
    assert rm.reciprocal_rank_at_k(list("BAEF"), truth, 5) == pytest.approx(1 / 2)
    assert rm.reciprocal_rank_at_k(list("BAEF"), truth, 1) == 0.0
    assert rm.hit_at_k(list("BAEF"), truth, 1) == 0.0


def test_short_list_keeps_k_as_denominator():
    # One item listed, a hit: precision@5 = 1/5, not 1/1; NDCG and AP are still perfect.
    assert rm.precision_at_k(["A"], {"A"}, 5) == pytest.approx(0.2)
    assert rm.ndcg_at_k(["A"], {"A"}, 5) == pytest.approx(1.0)
    assert rm.average_precision_at_k(["A"], {"A"}, 5) == pytest.approx(1.0)
    assert rm.user_metrics([], {"A"}, 5) == {
        "precision": 0.0,
        "recall": 0.0,
        "ndcg": 0.0,
        "average_precision": 0.0,
        "hit": 0.0,
        "reciprocal_rank": 0.0,
    }


def test_novelty_and_diversity_by_hand():
    # p = (purchasers + 1) / (3 + 1): 3 purchasers → 0 bits, 1 → 1 bit, 0 → 2 bits.
    assert rm.self_information(3, 3) == pytest.approx(0.0)
    assert rm.self_information(1, 3) == pytest.approx(1.0)
    assert rm.self_information(0, 3) == pytest.approx(2.0)
    jaccard = {("A", "B"): 0.5, ("A", "C"): 0.9}
    assert rm.list_diversity(["B", "A"], jaccard) == pytest.approx(0.5)
    # 10 pairs, A-B 0.5 and A-C 0.9 known: 1 - 1.4 / 10.
    assert rm.list_diversity(list("ABCDE"), jaccard) == pytest.approx(0.86)
    assert np.isnan(rm.list_diversity(["A"], jaccard))
    assert rm.pair_key("B", "A") == ("A", "B")


def test_protocols_filter_and_rerank():
    assert rm.protocol_list(list("DBAEF"), {"D"}, "new_items") == list("BAEF")
    assert rm.protocol_list(list("DBAEF"), {"D"}, "repeats_allowed") == list("DBAEF")
    truth = {"u1": {"X"}, "u2": {"A", "D"}}
    bought = {"u1": {"X"}, "u2": {"D"}}
    assert rm.protocol_truth(truth, bought, "new_items") == {"u2": {"A"}}
    assert rm.protocol_truth(truth, bought, "repeats_allowed") == truth
    with pytest.raises(ValueError, match="valid protocols"):
        rm.protocol_list(["A"], set(), "new")
    with pytest.raises(ValueError, match="positive integer"):
        rm.precision_at_k(["A"], {"A"}, 0)


def both(lists: dict) -> dict:
    """The same lists for both protocols (new_items filters them itself)."""
    return {protocol: lists for protocol in rm.PROTOCOLS}


def two_customer_interval(a: float, b: float) -> tuple[float, float]:
    """The 95% interval of the mean of two customers' values: the sample standard deviation
    is |a - b| / √2, its standard error |a - b| / 2; clipped to [0, 1]."""
    mean, margin = (a + b) / 2, Z_95 * abs(a - b) / 2
    return max(0.0, mean - margin), min(1.0, mean + margin)


def test_evaluate_matches_unit_test_fixture():
    """The numbers the dbt unit tests expect, from the reference (see their descriptions)."""
    results = rm.evaluate(both(LISTS), TRUTH, BOUGHT_IN_TRAINING, PURCHASED, CATALOGUE, [2, 5])
    expected = {
        ("pop", "repeats_allowed", 2): {
            "users_evaluated": 2,
            "users_with_list": 2,
            "precision": 0.5,
            "recall": (1 + 1 / 3) / 2,
            "ndcg": (1 + 1 / (1 + 1 / LOG2_3)) / 2,
            "map": (1 + 0.5) / 2,
            "hit_rate": 1.0,
            "mrr": 1.0,
            "catalogue_coverage": 3 / 7,
            "novelty": (1 + 2) / 4,
            "intra_list_diversity": (0.5 + 1) / 2,
        },
        ("pop", "new_items", 5): {
            "users_evaluated": 2,
            "users_with_list": 2,
            "precision": 0.2,
            "recall": (1 + 1 / 2) / 2,
            "ndcg": (1 + (1 / LOG2_3) / (1 + 1 / LOG2_3)) / 2,
            "map": (1 + 1 / 4) / 2,
            "hit_rate": 1.0,
            "mrr": (1 + 1 / 2) / 2,
            "catalogue_coverage": 6 / 7,
            "novelty": (6 + 4) / 9,
            "intra_list_diversity": ((1 - 0.5 / 10) + (1 - 0.5 / 6)) / 2,
        },
    }
    # Each customer's value of the mean metrics (u1, u2), whose means are written above.
    per_customer = {
        ("pop", "repeats_allowed", 2): {
            "precision": (0.5, 0.5),
            "recall": (1, 1 / 3),
            "ndcg": (1, 1 / (1 + 1 / LOG2_3)),
            "map": (1, 0.5),
            "hit_rate": (1, 1),
            "mrr": (1, 1),
        },
        ("pop", "new_items", 5): {
            "precision": (0.2, 0.2),
            "recall": (1, 1 / 2),
            "ndcg": (1, (1 / LOG2_3) / (1 + 1 / LOG2_3)),
            "map": (1, 1 / 4),
            "hit_rate": (1, 1),
            "mrr": (1, 1 / 2),
        },
    }
    for key, values in per_customer.items():
        for metric, (u1, u2) in values.items():
            assert expected[key][metric] == pytest.approx((u1 + u2) / 2), (key, metric)
            interval = two_customer_interval(u1, u2)
            expected[key][f"{metric}_ci_low"], expected[key][f"{metric}_ci_high"] = interval
    # Recall with repeats: 2/3 ± 0.653, clipped at 1 above.
    assert expected[("pop", "repeats_allowed", 2)]["recall_ci_high"] == 1.0
    for key, metrics in expected.items():
        assert results[key] == pytest.approx(metrics), key
    assert len(results) == 4


def test_evaluate_counts_users_without_a_list_as_zero():
    lists = {"a": {"u1": ["X", "Y"]}, "b": {"u2": ["Y"]}}
    truth = {"u1": {"X"}, "u2": {"Y"}}
    catalogue = rm.Catalogue(active_item_count=2, training_purchaser_count=1)
    results = rm.evaluate(both(lists), truth, {"u1": {"X"}}, {"u1": {"X"}}, catalogue, [3])
    a_repeats = results[("a", "repeats_allowed", 3)]
    assert a_repeats["users_evaluated"] == 2
    assert a_repeats["users_with_list"] == 1
    assert a_repeats["precision"] == pytest.approx((1 / 3) / 2)
    assert a_repeats["recall"] == pytest.approx(0.5)
    assert a_repeats["novelty"] == pytest.approx(1.0)  # 0 purchasers of 1: log2(2 / 1)
    a_new = results[("a", "new_items", 3)]  # only u2, whom a does not list
    assert a_new["users_evaluated"] == 1
    assert a_new["users_with_list"] == 0
    assert a_new["ndcg"] == 0.0
    assert a_new["catalogue_coverage"] == 0.0
    assert np.isnan(a_new["novelty"])
    assert np.isnan(a_new["intra_list_diversity"])


def test_evaluate_by_segment_counts_coverage_within_the_segment():
    results = rm.evaluate(
        both(LISTS),
        TRUTH,
        BOUGHT_IN_TRAINING,
        PURCHASED,
        CATALOGUE,
        [2],
        segments={"u1": "Champions"},
    )
    assert set(results) == {
        ("pop", protocol, 2, segment)
        for protocol in rm.PROTOCOLS
        for segment in ("Champions", rm.NO_SEGMENT)
    }
    # u2's D B: both items count for its segment, though u1 lists B too.
    assert results[("pop", "repeats_allowed", 2, rm.NO_SEGMENT)]["catalogue_coverage"] == (
        pytest.approx(2 / 7)
    )


# --- SQL against the reference on random data -------------------------------------------------

ALGORITHMS = ("item_cf", "popularity", "sparse", "svd")
SEGMENTS = ("Champions", "Loyal", "At risk", "Lost")
K_VALUES = [1, 3, 10, 20, 25]  # 25 > the list length: precision still divides by k


def random_inputs(seed: int = 20240607) -> dict[str, pd.DataFrame]:
    """Stand-ins for the eval_* inputs and customer_rfm: ~200 customers, 100 items."""
    rng = np.random.default_rng(seed)
    users = [f"u{i:03d}" for i in range(220)]
    items = [f"i{i:03d}" for i in range(100)]
    is_active = rng.random(len(items)) > 0.1
    active = [item for item, flag in zip(items, is_active, strict=True) if flag]

    rows = []
    for protocol in rm.PROTOCOLS:  # each protocol has its own lists
        for algorithm in ALGORITHMS:
            reach = 0.3 if algorithm == "sparse" else 0.85  # "sparse" lists few customers
            for user in users:
                if rng.random() > reach:
                    continue
                length = 20 if rng.random() < 0.8 else int(rng.integers(1, 20))
                chosen = rng.choice(active, size=length, replace=False)
                rows += [
                    (protocol, algorithm, user, item, rank, float(length - rank))
                    for rank, item in enumerate(chosen, start=1)
                ]
    recommendations = pd.DataFrame(
        rows, columns=["protocol", "algorithm", "user_id", "item_id", "rank", "score"]
    ).astype({"rank": "int32"})

    interactions = []
    for user in users:
        for item in rng.choice(items, size=int(rng.integers(0, 12)), replace=False):
            interactions.append((user, item, bool(rng.random() < 0.5)))
    fct_interactions = pd.DataFrame(interactions, columns=["user_id", "item_id", "has_purchased"])
    purchases = fct_interactions[fct_interactions.has_purchased]

    truth = []
    for user in users[:200]:  # the last 20 are listed but never evaluated
        if rng.random() < 0.15:
            continue
        for item in rng.choice(items, size=int(rng.integers(1, 8)), replace=False):
            truth.append((user, item, bool(rng.random() < 0.3)))
    eval_truth = pd.DataFrame(truth, columns=["user_id", "item_id", "bought_in_training"])

    purchaser_counts = purchases.groupby("item_id").user_id.nunique()
    dim_items = pd.DataFrame(
        {
            "item_id": items,
            "is_active": is_active,
            "purchaser_count": [int(purchaser_counts.get(item, 0)) for item in items],
        }
    )

    pairs = []
    all_pairs = [(a, b) for i, a in enumerate(items) for b in items[i + 1 :]]
    for context, share in (("basket", 0.3), ("history", 0.1)):
        for index in np.flatnonzero(rng.random(len(all_pairs)) < share):
            item_a, item_b = all_pairs[index]
            pairs.append((context, item_a, item_b, float(rng.random()), int(rng.integers(2, 9))))
    item_pairs = pd.DataFrame(
        pairs, columns=["context", "item_a", "item_b", "jaccard", "pair_count"]
    )

    rfm = [(user, str(rng.choice(SEGMENTS))) for user in users if rng.random() < 0.75]
    customer_rfm = pd.DataFrame(rfm, columns=["user_id", "rfm_segment"])

    return {
        "eval_recommendations": recommendations,
        "eval_truth": eval_truth,
        "eval_fct_interactions": fct_interactions,
        "eval_dim_items": dim_items,
        "eval_item_pairs": item_pairs,
        "customer_rfm": customer_rfm,
    }


def input_relations(db_path: Path, dbt_dirs: list[str]) -> dict[str, tuple[str, str]]:
    """(schema, table) that ref() resolves to for each input, from a parse of the project
    (the upstream models may be configured into another schema)."""
    result = run_dbt(
        "parse",
        None,
        db_path,
        extra_vars={"retail_recs__eval_k_values": K_VALUES},
        extra_args=dbt_dirs,
    )
    assert result.success, f"dbt parse failed: {result.exception}"
    nodes = {node.name: node for node in result.result.nodes.values()}
    return {name: (nodes[name].schema, nodes[name].alias) for name in SQL_INPUTS}


def assert_close(actual, expected, label: str) -> None:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        assert actual is None or math.isnan(actual), f"{label}: {actual} is not NULL"
    else:
        assert actual is not None, f"{label}: NULL, expected {expected}"
        assert abs(actual - expected) <= TOLERANCE, f"{label}: SQL {actual} vs Python {expected}"


def fetch(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.mark.slow
def test_sql_metrics_match_the_reference(tmp_path: Path):
    db_path = tmp_path / "evaluation.duckdb"
    dbt_dirs = ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    tables = random_inputs()
    relations = input_relations(db_path, dbt_dirs)
    con = duckdb.connect(str(db_path))
    try:
        for name, frame in tables.items():
            schema, table = relations[name]
            con.execute(f'create schema if not exists "{schema}"')
            con.register("frame", frame)
            con.execute(f'create or replace table "{schema}"."{table}" as select * from frame')
            con.unregister("frame")
    finally:
        con.close()

    result = run_dbt(
        "run",
        None,
        db_path,
        extra_vars={"retail_recs__eval_k_values": K_VALUES},
        extra_args=["--select", *SQL_MODELS, *dbt_dirs],
    )
    assert result.success, f"dbt run failed: {result.exception}"

    reference = rm.inputs_from_tables(tables)
    segments = reference.pop("segments")
    overall = rm.evaluate(**reference, k_values=K_VALUES)
    by_segment = rm.evaluate(**reference, k_values=K_VALUES, segments=segments)

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        all_metric_rows = fetch(con, "select * from recommendation_metrics")
        strategies = dict(
            con.execute("select protocol, strategy from recommendation_strategy").fetchall()
        )
        segment_rows = fetch(con, "select * from recommendation_metrics_by_segment")
        user_rows = fetch(con, "select * from int_eval_user_metrics")
    finally:
        con.close()

    # 'final' repeats the rows of the strategy chosen for each protocol (svd or item_cf here:
    # the other random algorithms are not in the blend).
    metric_rows = [row for row in all_metric_rows if row["algorithm"] != "final"]
    by_key = {(row["algorithm"], row["protocol"], row["k"]): row for row in metric_rows}
    finals = [row for row in all_metric_rows if row["algorithm"] == "final"]
    assert set(strategies.values()) <= {"svd", "item_cf", "popularity", "hybrid"}
    assert finals and all(
        {**row, "algorithm": strategies[row["protocol"]]}
        == by_key[(strategies[row["protocol"]], row["protocol"], row["k"])]
        for row in finals
    )

    for rows, expected, key_columns in (
        (metric_rows, overall, ("algorithm", "protocol", "k")),
        (segment_rows, by_segment, ("algorithm", "protocol", "k", "rfm_segment")),
    ):
        actual = {tuple(row[column] for column in key_columns): row for row in rows}
        assert set(actual) == set(expected)
        for key, metrics in expected.items():
            for name in rm.METRICS:
                assert_close(actual[key][name], metrics[name], f"{key} {name}")

    # The per-customer rows too, so a mismatch points at one customer.
    assert len(user_rows) == sum(row["users_evaluated"] for row in metric_rows)
    for protocol in rm.PROTOCOLS:
        truth = rm.protocol_truth(reference["truth"], reference["bought_in_training"], protocol)
        for row in (row for row in user_rows if row["protocol"] == protocol):
            ranked = reference["lists"][protocol][row["algorithm"]].get(row["user_id"], [])
            filtered = rm.protocol_list(
                ranked, reference["purchased"].get(row["user_id"], ()), protocol
            )
            expected = rm.user_metrics(filtered, truth[row["user_id"]], row["k"])
            label = f"{row['algorithm']} {protocol} k={row['k']} {row['user_id']}"
            for name in ("precision", "recall", "ndcg", "average_precision", "reciprocal_rank"):
                assert_close(row[name], expected[name], f"{label} {name}")
            assert row["has_hit"] == (expected["hit"] == 1.0), label
            assert row["list_count"] == min(len(filtered), row["k"]), label

    # The random data exercises what it should: short lists, customers without lists, empty
    # diversity, both protocols.
    assert any(row["list_count"] == 0 for row in user_rows)
    assert any(0 < row["list_count"] < min(row["k"], 20) for row in user_rows)
    assert {row["protocol"] for row in metric_rows} == set(rm.PROTOCOLS)
