"""Which model scores purchase propensity: each candidate of var
retail_recs__propensity_candidates fitted on the 'training' snapshot of
int_customer_snapshots and measured on 'validation' (the next horizon, unseen), each window
cut to var retail_recs__model_selection_max_customers customers; the lowest validation log
loss is chosen, and int_propensity_scores refits it on every customer and calibrates it.

Thin on purpose: the math is retail_recs.propensity (select_model, calibration_method).
"""

import pyarrow as pa

from retail_recs import propensity, segments


def model(dbt, session):
    dbt.config(materialized="table")
    features = segments.config_value(dbt.config.get("features"))
    candidates = segments.config_value(dbt.config.get("candidates"))
    max_customers = segments.max_customers_setting(
        dbt.config.get("max_customers"), "retail_recs__model_selection_max_customers"
    )
    data = segments.propensity_data(
        dbt.ref("int_customer_snapshots").to_arrow_table(), features, max_customers
    )
    results, method = [], None
    if data.learnable:  # else nothing to learn (build_warnings: propensity_not_fitted)
        results = propensity.select_model(
            data.X_train,
            data.y_train,
            data.X_valid,
            data.y_valid,
            candidates=candidates,
            l2=float(dbt.config.get("l2")),
            seed=int(dbt.config.get("seed")),
        )
        method = propensity.calibration_method(
            data.y_valid, int(dbt.config.get("isotonic_min_customers"))
        )
    n = len(results)
    return pa.table(
        {
            "model_name": pa.array([r.name for r in results], pa.string()),
            "training_customers": pa.array([len(data.y_train)] * n, pa.int64()),
            "validation_customers": pa.array([len(data.y_valid)] * n, pa.int64()),
            "validation_auc": pa.array([r.validation.auc for r in results], pa.float64()),
            "validation_log_loss": pa.array([r.validation.log_loss for r in results], pa.float64()),
            "validation_brier_score": pa.array(
                [r.validation.brier_score for r in results], pa.float64()
            ),
            "calibration_method": pa.array(
                [method if r.is_chosen else None for r in results], pa.string()
            ),
            "is_chosen": pa.array([r.is_chosen for r in results], pa.bool_()),
        }
    )
