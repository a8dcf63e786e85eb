"""Purchase probabilities from the model in propensity_coefficients for every snapshot of
int_customer_snapshots: training and validation (to measure the model) and scoring (the
customers' probabilities as of now). Math in retail_recs.propensity.
"""

import numpy as np
import pyarrow as pa

from retail_recs import segments


def model(dbt, session):
    dbt.config(materialized="table")
    terms = dbt.ref("propensity_coefficients").to_arrow_table().to_pylist()
    snapshots = dbt.ref("int_customer_snapshots").to_arrow_table()
    if not terms:  # no model was fitted (build_warnings: propensity_not_fitted)
        snapshots = snapshots.slice(0, 0)
        probability = np.zeros(0)
    else:
        fitted = segments.logistic_from_terms(terms)
        probability = fitted.predict_proba(segments.design_matrix(snapshots, fitted.feature_names))
    return pa.table(
        {
            "snapshot": snapshots.column("snapshot"),
            "user_id": snapshots.column("user_id"),
            "cutoff_at": snapshots.column("cutoff_at"),
            "purchase_probability": pa.array(np.round(probability, 12), pa.float64()),
            "ordered_in_horizon": snapshots.column("ordered_in_horizon"),
        }
    )
