"""Purchase probabilities for every snapshot of int_customer_snapshots from the model chosen
in propensity_model_selection: training and validation (to measure it) and scoring (the
customers' probabilities as of now). The chosen candidate is refitted on every training
customer and calibrated on validation.
Math in retail_recs.propensity.
"""

import numpy as np
import pyarrow as pa

from retail_recs import propensity, segments


def model(dbt, session):
    dbt.config(materialized="table")
    features = segments.config_value(dbt.config.get("features"))
    selection = dbt.ref("propensity_model_selection")
    chosen = selection.filter("is_chosen").select("model_name").fetchall()
    snapshots = dbt.ref("int_customer_snapshots").to_arrow_table()
    if not chosen:  # no model was fitted (build_warnings: propensity_not_fitted)
        snapshots = snapshots.slice(0, 0)
        calibrated = uncalibrated = np.zeros(0)
    else:
        ((name,),) = chosen
        data = segments.propensity_data(snapshots, features)
        model = propensity.fit_candidate(
            name,
            data.X_train,
            data.y_train,
            l2=float(dbt.config.get("l2")),
            seed=int(dbt.config.get("seed")),
        )
        # One pass of the model over every row; the validation rows' scores (in user_id
        # order, as data.y_valid) calibrate it.
        score, uncalibrated = propensity.scores(
            model, segments.design_matrix(snapshots, data.names)
        )
        production = propensity.calibrate(
            name,
            model,
            score[segments.snapshot_rows(snapshots, "validation")],
            data.y_valid,
            isotonic_min_customers=int(dbt.config.get("isotonic_min_customers")),
        )
        calibrated = production.served(score, uncalibrated)
    return pa.table(
        {
            "snapshot": snapshots.column("snapshot"),
            "user_id": snapshots.column("user_id"),
            "cutoff_at": snapshots.column("cutoff_at"),
            "purchase_probability": pa.array(np.round(calibrated, 12), pa.float64()),
            "uncalibrated_probability": pa.array(np.round(uncalibrated, 12), pa.float64()),
            "ordered_in_horizon": snapshots.column("ordered_in_horizon"),
        }
    )
