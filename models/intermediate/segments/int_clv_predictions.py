"""Each customer's expected orders and net spend over var retail_recs__clv_horizon_days,
and the chance of at least one order, from the candidate chosen in clv_model_metrics (the
baseline when none was measured) refitted on the latest complete horizon ('validation') and
applied to the 'scoring' snapshot of int_clv_snapshots.

Thin on purpose: the math is retail_recs.customer_value.
"""

import pyarrow as pa

from retail_recs import customer_value, segments


def model(dbt, session):
    dbt.config(materialized="table")
    chosen = dbt.ref("clv_model_metrics").filter("is_chosen").select("model_name").fetchall()
    name = chosen[0][0] if chosen else customer_value.BASELINE
    snapshots = dbt.ref("int_clv_snapshots")
    (fitted_horizon,) = snapshots.aggregate("max(horizon_days)").fetchall()[0]
    _, by_snapshot = customer_value.windows(
        snapshots.to_arrow_table(), segments.config_value(dbt.config.get("features"))
    )
    horizon = int(dbt.config.get("horizon_days"))
    scoring = by_snapshot["scoring"]
    served, prediction = customer_value.predict_production(
        name,
        by_snapshot["validation"],
        scoring,
        scale=horizon / fitted_horizon if fitted_horizon else 1.0,
        seed=int(dbt.config.get("seed")),
    )
    n = len(scoring.user_id)
    return pa.table(
        {
            "user_id": scoring.user_id,
            "model_name": pa.array([served] * n, pa.string()),
            "fitted_horizon_days": pa.array([fitted_horizon] * n, pa.int32()),
            "horizon_days": pa.array([horizon] * n, pa.int32()),
            "probability_active": pa.array(prediction.probability_active, pa.float64()),
            "expected_orders": pa.array(prediction.orders, pa.float64()),
            "expected_net_spend": pa.array(prediction.spend, pa.float64()),
        }
    )
