"""AHP weights, consistency ratio and the judgment to revisit, on known answers."""

import importlib.util
from pathlib import Path

import duckdb
import numpy as np
import pytest

from retail_recs import ahp

ABC = ("a", "b", "c")


def test_textbook_matrix_gives_its_published_weights_and_ratio():
    # The 1-3-5 matrix of the AHP textbooks: weights 0.637, 0.258, 0.105, λmax 3.039,
    # CI 0.019 and CR 0.033 with Saaty's RI(3) = 0.58.
    A = ahp.comparison_matrix([("a", "b", 3), ("a", "c", 5), ("b", "c", 3)], ABC, "fixture")
    result = ahp.priorities(A, ABC)
    np.testing.assert_allclose(result.weights, [0.637, 0.258, 0.105], atol=5e-4)
    assert result.lambda_max == pytest.approx(3.039, abs=5e-4)
    assert (result.lambda_max - 3) / 2 == pytest.approx(0.019, abs=5e-4)
    assert result.consistency_ratio == pytest.approx(0.033, abs=5e-4)


def test_consistent_judgments_recover_the_weights_exactly():
    w = np.array([0.4, 0.3, 0.2, 0.1])
    names = ("w", "x", "y", "z")
    rows = [
        (names[i], names[j], w[i] / w[j])
        for i in range(3)
        for j in range(i + 1, 4)
        if 1 / 9 <= w[i] / w[j] <= 9
    ]
    A = ahp.comparison_matrix(rows, names, "fixture")
    result = ahp.checked_priorities(A, names, 0.10, "fixture")
    np.testing.assert_allclose(result.weights, w, atol=1e-12)
    assert result.lambda_max == pytest.approx(4.0, abs=1e-9)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)


def test_judgments_in_either_order_give_the_same_matrix():
    forward = ahp.comparison_matrix([("a", "b", 3), ("a", "c", 5), ("b", "c", 3)], ABC, "f")
    reversed_rows = ahp.comparison_matrix(
        [("b", "a", 1 / 3), ("c", "a", 1 / 5), ("c", "b", 1 / 3)], ABC, "f"
    )
    np.testing.assert_allclose(forward, reversed_rows)
    np.testing.assert_allclose(forward * forward.T, np.ones((3, 3)))


def test_an_inconsistent_judgment_fails_naming_the_ratio_and_the_pair():
    # Consistent weights 0.4 : 0.3 : 0.2 : 0.1, except that x is said to be 9 times z
    # (3 is consistent): that judgment is the one to revisit.
    names = ("w", "x", "y", "z")
    w = dict(zip(names, [0.4, 0.3, 0.2, 0.1], strict=True))
    rows = [(a, b, w[a] / w[b]) for i, a in enumerate(names) for b in names[i + 1 :]]
    rows = [(a, b, 1 / 9 if (a, b) == ("x", "z") else v) for a, b, v in rows]
    A = ahp.comparison_matrix(rows, names, "seed s")
    ratio = ahp.priorities(A, names).consistency_ratio
    assert ratio > 0.10
    with pytest.raises(ValueError) as error:
        ahp.checked_priorities(A, names, 0.10, "seed s")
    message = str(error.value)
    assert f"consistency ratio {ratio:.3f}" in message
    assert "'x' vs 'z'" in message and "seed s" in message


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("a", "b", 3), ("a", "d", 5), ("b", "c", 3)], "unknown criterion 'd'"),
        ([("a", "a", 3), ("a", "c", 5), ("b", "c", 3)], "compared with itself"),
        ([("a", "b", 3), ("b", "a", 1 / 3), ("b", "c", 3)], "already compared in row 1"),
        ([("a", "b", 12), ("a", "c", 5), ("b", "c", 3)], "importance must be in [1/9, 9]"),
        ([("a", "b", None), ("a", "c", 5), ("b", "c", 3)], "importance must be in [1/9, 9]"),
        ([("a", "b", 3), ("a", "c", 5)], "pairs not compared: [('b', 'c')]"),
    ],
)
def test_bad_rows_are_named(rows, expected):
    with pytest.raises(ValueError, match="seed t") as error:
        ahp.comparison_matrix(rows, ABC, "seed t")
    assert expected in str(error.value)


def _weights_model():
    path = Path(__file__).parents[2] / "models/marts/segments/value_criteria_weights.py"
    spec = importlib.util.spec_from_file_location("value_criteria_weights", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_model_fails_the_build_on_an_inconsistent_seed():
    module = _weights_model()
    con = duckdb.connect()
    con.execute(
        "create table seed as select * from (values"
        " ('predicted_value', 'recency', 9.0), ('recency', 'frequency', 9.0),"
        " ('frequency', 'predicted_value', 9.0), ('monetary', 'recency', 1.0),"
        " ('monetary', 'frequency', 1.0), ('monetary', 'predicted_value', 1.0))"
        " as t(criterion, compared_to, importance)"
    )

    class Config:
        """dbt.config: called to set the materialization, read for the model's settings."""

        def __call__(self, **_settings):
            pass

        def get(self, key, default=None):
            return {"max_consistency_ratio": 0.10}.get(key, default)

    class Dbt:
        config = Config()

        def ref(self, _name):
            return con.table("seed")

    with pytest.raises(ValueError, match="seed value_criteria_comparisons: consistency ratio"):
        module.model(Dbt(), None)


def test_the_shipped_seed_is_consistent():
    seed = Path(__file__).parents[2] / "seeds/value_criteria_comparisons.csv"
    con = duckdb.connect()
    rows = con.sql(f"select criterion, compared_to, importance from read_csv('{seed}')").fetchall()
    module = _weights_model()
    A = ahp.comparison_matrix(rows, module.CRITERIA, "seed")
    result = ahp.checked_priorities(A, module.CRITERIA, 0.10, "seed")
    assert result.weights.sum() == pytest.approx(1.0)
    assert result.weights[module.CRITERIA.index("predicted_value")] == result.weights.max()
