"""The purchase-propensity model: a logistic regression fitted on the 'training' snapshot.

Features (var retail_recs__propensity_features) are as of two horizons before the as-of
time; the outcome is an order in the horizon after that cutoff. Math in
retail_recs.propensity; one row per model term, so analysts can read what drives buying.
"""

import pyarrow as pa

from retail_recs import propensity, segments


def model(dbt, session):
    dbt.config(materialized="table")
    features = segments.config_value(dbt.config.get("features"))
    l2 = float(dbt.config.get("l2"))
    training = (
        dbt.ref("int_customer_snapshots").filter("snapshot = 'training'").order("user_id")
    ).to_arrow_table()
    names = segments.with_missing_indicators(features, training)
    outcomes = segments.outcome_vector(training, "ordered_in_horizon")
    if len(set(outcomes.tolist())) < 2:  # nothing to learn (build_warnings: propensity_not_fitted)
        return pa.table(
            {
                "term": pa.array([], pa.string()),
                "coefficient": pa.array([], pa.float64()),
                "standardized_mean": pa.array([], pa.float64()),
                "standardized_scale": pa.array([], pa.float64()),
                "training_customers": pa.array([], pa.int64()),
                "l2_penalty": pa.array([], pa.float64()),
                "converged": pa.array([], pa.bool_()),
            }
        )
    fitted = propensity.fit_logistic(
        segments.design_matrix(training, names),
        outcomes,
        l2=l2,
        feature_names=names,
    )
    terms = segments.logistic_terms(fitted)
    n_terms = len(terms["term"])
    return pa.table(
        {
            "term": pa.array(terms["term"]),
            "coefficient": pa.array(terms["coefficient"], pa.float64()),
            "standardized_mean": pa.array(terms["standardized_mean"], pa.float64()),
            "standardized_scale": pa.array(terms["standardized_scale"], pa.float64()),
            "training_customers": pa.array([training.num_rows] * n_terms, pa.int64()),
            "l2_penalty": pa.array([l2] * n_terms, pa.float64()),
            "converged": pa.array([bool(fitted.converged)] * n_terms),
        }
    )
