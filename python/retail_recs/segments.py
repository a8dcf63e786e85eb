"""Glue between the segment models in the warehouse and the math in kmeans / propensity.

The dbt Python models stay thin: they read columns of a relation into float matrices here
(NULL as NaN, checked or turned into missing indicators) and hand them to the math modules.
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.pipeline import Pipeline

logger = logging.getLogger(__name__)
MISSING_SUFFIX = "__missing"
# Propensity features are rounded to this many decimals, so that a last-bit difference
# between engines (ratios such as mean_days_between_orders) cannot move a customer across a
# tree's split (as the ranker's features).
DESIGN_DECIMALS = 9


def config_value(value: Any) -> Any:
    """A dbt config value rendered from ``{{ var(...) }}``: lists and None arrive as text."""
    if isinstance(value, str):
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
    return value


def float_columns(table: pa.Table, columns: Sequence[str]) -> np.ndarray:
    """``columns`` of ``table`` as an n-by-d float64 matrix, NULL as NaN.

    Raises
    ------
    KeyError
        When a column is not in the table (a misspelt feature var).
    """
    missing = [column for column in columns if column not in table.column_names]
    if missing:
        raise KeyError(f"feature columns not found: {missing}; available: {table.column_names}")
    if not columns:
        return np.empty((table.num_rows, 0))
    return np.column_stack(
        [
            pc.cast(table.column(column), pa.float64()).to_numpy(zero_copy_only=False)
            for column in columns
        ]
    ).astype(np.float64)


def complete_matrix(table: pa.Table, columns: Sequence[str]) -> np.ndarray:
    """``columns`` as a float matrix that must hold no NULL (k-means has no use for one)."""
    X = float_columns(table, columns)
    nulls = np.isnan(X).sum(axis=0)
    if nulls.any():
        bad = {column: int(n) for column, n in zip(columns, nulls, strict=True) if n}
        raise ValueError(f"clustering features must not be NULL; NULL counts: {bad}")
    return X


def with_missing_indicators(features: Sequence[str], table: pa.Table) -> list[str]:
    """Design-matrix column names: ``features``, then ``<f>__missing`` for each that has NULLs."""
    X = float_columns(table, features)
    has_nulls = np.isnan(X).any(axis=0)
    return list(features) + [
        f"{feature}{MISSING_SUFFIX}"
        for feature, flagged in zip(features, has_nulls, strict=True)
        if flagged
    ]


def design_matrix(table: pa.Table, names: Sequence[str]) -> np.ndarray:
    """The matrix for design columns ``names``: a NULL feature becomes 0, and a name
    ``<f>__missing`` is 1 where ``f`` is NULL (the missing-indicator method). Values are
    rounded to DESIGN_DECIMALS."""
    base = [name.removesuffix(MISSING_SUFFIX) for name in names]
    X = float_columns(table, list(dict.fromkeys(base)))
    position = {feature: i for i, feature in enumerate(dict.fromkeys(base))}
    columns = []
    for name, feature in zip(names, base, strict=True):
        values = X[:, position[feature]]
        if name.endswith(MISSING_SUFFIX):
            columns.append(np.isnan(values).astype(np.float64))
        else:
            columns.append(np.round(np.nan_to_num(values, nan=0.0), DESIGN_DECIMALS))
    return np.column_stack(columns) if columns else np.empty((table.num_rows, 0))


def max_customers_setting(value: Any, var_name: str) -> int | None:
    """A config value rendered from var ``var_name`` as a whole number >= 1, or None when the
    var is null (no limit); anything else is an error naming the var."""
    value = config_value(value)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"var {var_name} must be a whole number >= 1 or null, got {value!r}")
    return value


def sample_customers(rows: pa.Table, max_customers: int | None) -> pa.Table:
    """At most ``max_customers`` of ``rows`` (one row per customer), the first in a fixed
    pseudo-random order: sha256 of the user_id as text, then the user_id, the ranker's draw
    (``ranker._sample_customers``). The draw depends on the ids alone (not on the engine's
    row order, nor on which other customers are present), so a rebuild and Spark pick the
    same customers, and a shop at or below the limit keeps every row. Sorted by user_id."""
    if max_customers is None or rows.num_rows <= max_customers:
        return rows.sort_by("user_id")
    ids = pa.table(
        {
            "user_id": pc.cast(rows.column("user_id"), pa.string()),
            "position": pa.array(np.arange(rows.num_rows)),
        }
    )
    with duckdb.connect() as connection:
        drawn = (
            connection.from_arrow(ids)
            .query(
                "ids",
                f"select position from ids order by sha256(user_id), user_id"
                f" limit {max_customers:d}",
            )
            .to_arrow_table()
        )
    return rows.take(drawn.column("position")).sort_by("user_id")


def outcome_vector(table: pa.Table, column: str) -> np.ndarray:
    """A boolean outcome column as 0/1 int64; NULL is an error (the label must be known)."""
    values = table.column(column)
    if values.null_count:
        raise ValueError(f"{column} has {values.null_count} NULL outcomes")
    return pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False)


# The outcome column of int_customer_snapshots: an order in the horizon after the cutoff.
OUTCOME = "ordered_in_horizon"


@dataclass(frozen=True, eq=False)
class PropensityData:
    """The propensity model's design: column names (features, then missing indicators of
    those with NULLs in training) and the training and validation matrices and outcomes,
    rows by user_id."""

    names: list[str]
    X_train: np.ndarray
    y_train: np.ndarray
    X_valid: np.ndarray
    y_valid: np.ndarray

    @property
    def learnable(self) -> bool:
        """Whether training holds both outcomes (else build_warnings: propensity_not_fitted)."""
        return len(set(self.y_train.tolist())) == 2


def snapshot_rows(snapshots: pa.Table, snapshot: str) -> np.ndarray:
    """Positions of the rows of ``snapshot`` in ``snapshots``, in user_id order."""
    positions = pa.array(
        np.flatnonzero(
            pc.equal(snapshots.column("snapshot"), snapshot).to_numpy(zero_copy_only=False)
        )
    )
    order = pc.sort_indices(
        snapshots.select(["user_id"]).take(positions), [("user_id", "ascending")]
    )
    return positions.take(order).to_numpy()


def propensity_data(
    snapshots: pa.Table, features: Sequence[str], max_customers: int | None = None
) -> PropensityData:
    """The 'training' and 'validation' rows of int_customer_snapshots as matrices, each
    window cut to ``max_customers`` by ``sample_customers`` when given (the model selection's
    sample; the design columns still come from every training row, so the sample and the
    production fit see the same columns).

    Rows are sorted by user_id here, whatever order the engine returned them in: the forest
    draws its bootstrap by row position, so every model that fits must see one order.
    """

    training, validation = (
        snapshots.take(snapshot_rows(snapshots, name)) for name in ("training", "validation")
    )
    names = with_missing_indicators(features, training)
    training = sample_customers(training, max_customers)
    validation = sample_customers(validation, max_customers)
    return PropensityData(
        names=names,
        X_train=design_matrix(training, names),
        y_train=outcome_vector(training, OUTCOME),
        X_valid=design_matrix(validation, names),
        y_valid=outcome_vector(validation, OUTCOME),
    )


# The logistic regression candidate is stored one row per term (propensity_coefficients);
# its intercept row carries this name.
INTERCEPT_TERM = "(intercept)"


def logistic_terms(fitted: Pipeline, feature_names: Sequence[str]) -> dict[str, list]:
    """A fitted logistic regression candidate (``propensity.fit_candidate``) as columns of one
    row per term, the intercept first: term, coefficient (rounded to 10 decimals so rebuilds
    are identical), standardized_mean, standardized_scale (NULL for the intercept)."""
    standardizer, estimator = fitted.named_steps["standardize"], fitted.named_steps["model"]
    coefficients = estimator.coef_[0]
    if len(feature_names) != coefficients.size:
        raise ValueError(f"{coefficients.size} coefficients, {len(feature_names)} feature names")
    return {
        "term": [INTERCEPT_TERM, *feature_names],
        "coefficient": list(np.round(np.concatenate([estimator.intercept_, coefficients]), 10)),
        "standardized_mean": [None, *standardizer.mean_],
        "standardized_scale": [None, *standardizer.scale_],
    }


def feasible_cluster_counts(values: np.ndarray, k_values: Sequence[int]) -> list[int]:
    """The k of ``k_values`` that a silhouette can judge on ``values``: 2 <= k < the number of
    distinct rows. Dropped ones are logged, naming the vars that set them."""
    distinct = len(np.unique(values, axis=0)) if len(values) else 0
    feasible = [k for k in k_values if 2 <= k < distinct]
    if len(feasible) < len(k_values):
        logger.warning(
            "k-means: %d distinct customers allow k in [2, %d]; vars retail_recs__cluster_k*"
            " asked for %s",
            distinct,
            distinct - 1,
            list(k_values),
        )
    return feasible
