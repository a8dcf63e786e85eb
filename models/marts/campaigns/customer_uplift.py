"""Each customer's expected uplift from each campaign of the seed: the learner chosen in
uplift_model_metrics (retail_recs.uplift), fitted on every member of past experiments
(int_uplift_training) and applied to the customer's features at the as-of time
(int_customer_snapshots 'scoring') with the campaign's offer. Only campaigns whose offer
type some past experiment had are scored; empty when no learner was chosen
(uplift_model_metrics.reason says why).

Thin on purpose: the math is retail_recs.uplift.
"""

import numpy as np
import pyarrow as pa

from retail_recs import segments, uplift

SCHEMA = pa.schema(
    [
        ("campaign_id", pa.string()),
        ("user_id", pa.string()),
        ("learner", pa.string()),
        ("treated_conversion_probability", pa.float64()),
        ("control_conversion_probability", pa.float64()),
        ("predicted_uplift", pa.float64()),
        ("uplift_decile", pa.int32()),
    ]
)


def model(dbt, session):
    dbt.config(materialized="table")
    chosen = dbt.ref("uplift_model_metrics").filter("is_chosen").aggregate("max(learner)")
    learner = chosen.fetchall()[0][0]
    if learner is None:
        return SCHEMA.empty_table()
    features = segments.config_value(dbt.config.get("features"))
    training = dbt.ref("int_uplift_training").to_arrow_table()
    data = uplift.uplift_data(training, features)
    fitted = uplift.fit_two_model(
        learner,
        data.X,
        data.treated,
        data.y,
        float(dbt.config.get("l2")),
        int(dbt.config.get("seed")),
    )
    learnt_offers = set(training.column("offer_type").to_pylist())
    customers = (
        dbt.ref("int_customer_snapshots")
        .filter("snapshot = 'scoring'")
        .to_arrow_table()
        .sort_by("user_id")
    )
    n = customers.num_rows
    customer_X = segments.design_matrix(customers, data.feature_names)
    parts = []
    for campaign in dbt.ref("campaigns").to_arrow_table().sort_by("campaign_id").to_pylist():
        if campaign["offer_type"] not in learnt_offers:
            continue
        offer = uplift.offer_matrix(
            pa.table(
                {
                    "offer_type": pa.array([campaign["offer_type"]] * n, pa.string()),
                    "offer_value": pa.array([campaign["offer_value"]] * n, pa.float64()),
                    "channel": pa.array([campaign["channel"]] * n, pa.string()),
                }
            )
        )
        p1, p0, lift = fitted.predict(np.column_stack([customer_X, offer]))
        parts.append(
            pa.table(
                [
                    pa.array([campaign["campaign_id"]] * n, pa.string()),
                    customers.column("user_id").cast(pa.string()),
                    pa.array([learner] * n, pa.string()),
                    pa.array(p1),
                    pa.array(p0),
                    pa.array(lift),
                    pa.array(uplift.deciles(lift), pa.int32()),
                ],
                schema=SCHEMA,
            )
        )
    return pa.concat_tables(parts) if parts else SCHEMA.empty_table()
