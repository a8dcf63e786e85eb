"""How well each customer-value candidate (var retail_recs__clv_candidates; the naive
last_period baseline always competes) predicts the next horizon: fitted on the 'training'
snapshot of int_clv_snapshots, measured on 'validation', each window cut to var
retail_recs__model_selection_max_customers customers. The lowest spend MAE is chosen and
int_clv_predictions refits it on every customer and serves it.

Thin on purpose: the math is retail_recs.customer_value.
"""

import pyarrow as pa

from retail_recs import customer_value, segments

METRICS = (
    "spend_mae",
    "spend_spearman",
    "top_decile_spend_share",
    "predicted_to_actual_spend",
    "orders_mae",
    "active_brier_score",
)


def model(dbt, session):
    dbt.config(materialized="table")
    snapshots = dbt.ref("int_clv_snapshots")
    windows = snapshots.aggregate("snapshot, min(cutoff_at) as cutoff_at, min(horizon_days) as h")
    cutoffs = {snapshot: (cutoff, h) for snapshot, cutoff, h in windows.fetchall()}
    _, by_snapshot = customer_value.windows(
        snapshots.to_arrow_table(),
        segments.config_value(dbt.config.get("features")),
        segments.max_customers_setting(
            dbt.config.get("max_customers"), "retail_recs__model_selection_max_customers"
        ),
    )
    results = customer_value.select_model(
        by_snapshot["training"],
        by_snapshot["validation"],
        segments.config_value(dbt.config.get("candidates")),
        seed=int(dbt.config.get("seed")),
    )
    baseline = next((r for r in results if r.name == customer_value.BASELINE), None)
    training_cutoff, horizon = cutoffs.get("training", (None, None))
    validation_cutoff, _ = cutoffs.get("validation", (None, None))
    n = len(results)
    columns = {
        "model_name": pa.array([r.name for r in results], pa.string()),
        "fitted_horizon_days": pa.array([horizon] * n, pa.int32()),
        "training_cutoff_at": pa.array([training_cutoff] * n, pa.timestamp("us")),
        "validation_cutoff_at": pa.array([validation_cutoff] * n, pa.timestamp("us")),
        "customers": pa.array([r.validation.customers for r in results], pa.int64()),
    }
    for metric in METRICS:
        columns[metric] = pa.array([getattr(r.validation, metric) for r in results], pa.float64())
    columns["beats_baseline"] = pa.array(
        [
            None
            if r.name == customer_value.BASELINE
            else r.validation.spend_mae < baseline.validation.spend_mae
            for r in results
        ],
        pa.bool_(),
    )
    columns["is_chosen"] = pa.array([r.is_chosen for r in results], pa.bool_())
    return pa.table(columns)
