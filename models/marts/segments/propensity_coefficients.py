"""The logistic regression candidate of the propensity model, fitted on the 'training'
snapshot, one row per term, so analysts can read what drives buying whichever candidate
propensity_model_selection chose to score.

Features (var retail_recs__propensity_features) are as of two horizons before the as-of
time; the outcome is an order in the horizon after that cutoff. Math in
retail_recs.propensity.
"""

import pyarrow as pa

from retail_recs import propensity, segments


def model(dbt, session):
    dbt.config(materialized="table")
    features = segments.config_value(dbt.config.get("features"))
    l2 = float(dbt.config.get("l2"))
    data = segments.propensity_data(dbt.ref("int_customer_snapshots").to_arrow_table(), features)
    if not data.learnable:  # nothing to learn (build_warnings: propensity_not_fitted)
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
    fitted = propensity.fit_candidate(
        propensity.LOGISTIC_REGRESSION, data.X_train, data.y_train, l2=l2
    )
    terms = segments.logistic_terms(fitted, data.names)
    n_terms = len(terms["term"])
    return pa.table(
        {
            "term": pa.array(terms["term"]),
            "coefficient": pa.array(terms["coefficient"], pa.float64()),
            "standardized_mean": pa.array(terms["standardized_mean"], pa.float64()),
            "standardized_scale": pa.array(terms["standardized_scale"], pa.float64()),
            "training_customers": pa.array([len(data.y_train)] * n_terms, pa.int64()),
            "l2_penalty": pa.array([l2] * n_terms, pa.float64()),
            "converged": pa.array([propensity.logistic_converged(fitted)] * n_terms),
        }
    )
