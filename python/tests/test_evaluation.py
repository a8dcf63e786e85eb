"""The offline evaluation end to end on the small demo warehouse: the replay is the
production logic, the protocols hold, and the SQL metrics equal an independent Python
computation on the same lists."""

from __future__ import annotations

import math

import duckdb
import pytest

from retail_recs import metrics_report
from retail_recs import ranking_metrics as rm
from retail_recs.build import run_dbt

from .conftest import query
from .test_var_injection import compile_model

ALGORITHMS = ("item_cf", "user_cf", "content", "popularity", "buy_again", "svd", "ease")
K_VALUES = (5, 10, 20)
INPUT_TABLES = (
    "eval_recommendations",
    "eval_truth",
    "eval_fct_interactions",
    "eval_dim_items",
    "eval_item_pairs",
    "customer_rfm",
)


def test_metrics_cover_every_algorithm_protocol_and_k(demo_warehouse):
    rows = query(demo_warehouse, "select algorithm, protocol, k from recommendation_metrics")
    expected = {
        (algorithm, protocol, k)
        for algorithm in (*ALGORITHMS, "ranker", "hybrid", "hybrid_uncapped", "final")
        for protocol in rm.PROTOCOLS
        for k in K_VALUES
    }
    assert sorted(rows) == sorted(expected)


def test_sql_metrics_equal_the_python_reference(demo_warehouse):
    con = duckdb.connect(str(demo_warehouse), read_only=True)
    try:
        tables = {name: con.execute(f"select * from {name}").df() for name in INPUT_TABLES}
        sql_rows = con.execute("select * from recommendation_metrics").df()
        strategies = dict(
            con.execute("select protocol, strategy from recommendation_strategy").fetchall()
        )
    finally:
        con.close()
    reference = rm.inputs_from_tables(tables)
    expected = rm.evaluate(
        reference["lists"],
        reference["truth"],
        reference["bought_in_training"],
        reference["purchased"],
        reference["catalogue"],
        K_VALUES,
    )
    # 'final' is the list recommendation_strategy chose for each protocol.
    expected.update(
        {
            ("final", protocol, k): expected[(strategy, protocol, k)]
            for protocol, strategy in strategies.items()
            for k in K_VALUES
        }
    )
    assert len(sql_rows) == len(expected)
    for row in sql_rows.to_dict("records"):
        metrics = expected[(row["algorithm"], row["protocol"], row["k"])]
        for name, value in metrics.items():
            actual = row[name]
            if isinstance(value, float) and math.isnan(value):
                assert actual is None or math.isnan(actual), (row["algorithm"], name)
            else:
                assert actual == pytest.approx(value, abs=1e-9), (row["algorithm"], name)


def test_the_final_list_scores_at_least_every_other_list(demo_warehouse):
    """recommendation_strategy serves the best-scoring list at the list length, on both
    protocols (the demo evaluates well over retail_recs__strategy_min_customers)."""
    rows = query(
        demo_warehouse,
        "select protocol, algorithm, ndcg from recommendation_metrics where k = 10",
    )
    for protocol in rm.PROTOCOLS:
        scores = {
            algorithm: ndcg for row_protocol, algorithm, ndcg in rows if row_protocol == protocol
        }
        assert scores["final"] == max(scores.values()), protocol
        assert scores["final"] >= scores["hybrid"], protocol


def test_production_scores_exactly_the_candidates_of_the_chosen_budget(demo_warehouse):
    """int_ranker_scores scores every candidate within the budget that ranker_candidate_budget
    chose (the same for both protocols), and no other; a budget never cuts below the lists."""
    ((budget, chosen_rows),) = query(
        demo_warehouse,
        "select max(candidates_per_kind), count(*) from ranker_candidate_budget where is_chosen",
    )
    assert chosen_rows == len(rm.PROTOCOLS)
    assert budget is None or budget >= max(K_VALUES)
    within = f"candidate_rank <= {budget}" if budget is not None else "true"
    for first, second in (("candidates", "scores"), ("scores", "candidates")):
        tables = {
            "candidates": f"select user_id, item_id from int_ranker_candidates where {within}",
            "scores": "select user_id, item_id from int_ranker_scores"
            " where protocol = 'repeats_allowed'",
        }
        ((missing,),) = query(
            demo_warehouse,
            f"select count(*) from ({tables[first]} except all {tables[second]})",
        )
        assert missing == 0, f"{first} not in {second}"


def test_new_items_lists_hold_no_training_purchase(demo_warehouse):
    ((count,),) = query(
        demo_warehouse,
        """
        select count(*) from eval_recommendations r
        join eval_fct_interactions f using (user_id, item_id)
        where r.protocol = 'new_items' and f.has_purchased
        """,
    )
    assert count == 0


def test_truth_lies_in_the_test_window_and_lists_in_training(demo_warehouse):
    ((first_test, last_training, test_days),) = query(
        demo_warehouse,
        "select (select min(first_bought_at) from eval_truth),"
        " (select max(event_at) from eval_events_weighted),"
        " (select date_diff('day', min(first_bought_at), max(first_bought_at)) from eval_truth)",
    )
    assert last_training < first_test
    assert test_days <= 30


def test_replay_at_the_as_of_time_reproduces_production(demo_warehouse, small_demo_data, tmp_path):
    """With the cutoff at the as-of time and lists N long, the replay sees exactly the
    production inputs, so every evaluated customer's list must come out identical: the replay
    reuses the production macros and Python functions rather than a copy of them. The as-of
    time is set ten days before the last event, so that the window after it holds purchases
    and the replay has customers to evaluate (it computes only theirs)."""
    ((as_of, n),) = query(
        demo_warehouse,
        "select strftime(max(event_at) - interval 10 day, '%Y-%m-%d %H:%M:%S'),"
        " (select max(rank) from recommendations) from stg_events",
    )
    replayed = tmp_path / "replayed.duckdb"
    result = run_dbt(
        "build",
        small_demo_data,
        replayed,
        extra_vars={
            "retail_recs__as_of": as_of,
            "retail_recs__eval_cutoff": as_of,
            "retail_recs__eval_list_length": n,
            "retail_recs__eval_k_values": [n],
            # The blend is served, whatever the replay scores, so `recommendations` is it.
            "retail_recs__strategy_min_customers": 10**9,
        },
        extra_args=[
            "--select",
            "+recommendations",
            # The final blend reads int_ranker_sources, not the published lists compared here.
            *(f"+recommendations_{algorithm}" for algorithm in ALGORITHMS),
            "+models/evaluation/replay",
            "--resource-type",
            "model",
            "seed",
        ],
    )
    assert result.success
    ((evaluated, outside),) = query(
        replayed,
        "select (select count(distinct user_id) from eval_truth),"
        " (select count(*) from eval_recommendations"
        "  where user_id not in (select user_id from eval_truth))",
    )
    assert evaluated >= 50 and outside == 0
    evaluated_only = "where user_id in (select user_id from eval_truth)"
    for algorithm in ALGORITHMS:
        production = query(
            replayed,
            f"select user_id, item_id, rank, score from recommendations_{algorithm}"
            f" {evaluated_only} order by all",
        )
        replay = query(
            replayed,
            f"select user_id, item_id, rank, score from eval_recommendations_{algorithm}"
            " order by all",
        )
        assert production, algorithm
        assert_same_lists(production, replay, algorithm)
    final = query(
        replayed,
        f"select user_id, item_id, rank, score from recommendations {evaluated_only} order by all",
    )
    blend = query(
        replayed,
        "select user_id, item_id, rank, score from eval_recommendations_hybrid order by all",
    )
    assert_same_lists(final, blend, "final")


def assert_same_lists(expected: list[tuple], actual: list[tuple], algorithm: str) -> None:
    """The same customers, items and ranks, and the same scores up to the last bits that
    parallel float sums leave to chance (a user-CF correlation on a rounding boundary can
    come out 1e-9 apart from one build to the next: macro find_user_neighbours)."""
    assert [row[:3] for row in actual] == [row[:3] for row in expected], algorithm
    for (*key, want), (*_, got) in zip(expected, actual, strict=True):
        assert math.isclose(got, want, rel_tol=1e-7, abs_tol=1e-9), (algorithm, key, want, got)


@pytest.mark.slow
def test_lists_shorter_than_the_largest_k_are_refused_naming_both_vars(tmp_path):
    too_short = {"retail_recs__eval_list_length": 10, "retail_recs__eval_k_values": [5, 20]}
    code, output, _ = compile_model("eval_recommendations_item_cf", too_short, tmp_path)
    assert code != 0
    assert (
        "var retail_recs__eval_list_length must be a whole number of at least the largest of"
        " retail_recs__eval_k_values (20), got 10" in output
    )
    assert "Traceback" not in output
    enough = {**too_short, "retail_recs__eval_list_length": 20}
    code, output, sql = compile_model("eval_recommendations_item_cf", enough, tmp_path)
    assert code == 0, output
    assert "<= 20" in sql


def test_metrics_report_rewrites_only_its_readme_section(demo_warehouse, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{metrics_report.START}\nstale\n{metrics_report.END}\noutro\n")
    metrics_report.main(
        [
            "--readme",
            str(readme),
            "--warehouse",
            f"demo={demo_warehouse}",
            "--warehouse",
            f"missing={tmp_path / 'none.duckdb'}",
        ]
    )
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith("outro\n")
    assert "stale" not in text
    assert "no warehouse at" in text  # a missing warehouse is said, not skipped
    ((ndcg,),) = query(
        demo_warehouse,
        "select ndcg from recommendation_metrics"
        " where k = 10 and protocol = 'repeats_allowed' and algorithm = 'hybrid'",
    )
    assert f"| hybrid | {ndcg:.4f} |" in text
    with pytest.raises(ValueError, match="markers"):
        metrics_report.replace_section("no markers here", "x")
