"""The weight of each customer-value criterion from the marketer's pairwise judgments in seed
value_criteria_comparisons (Analytic Hierarchy Process): the principal eigenvector of the
comparison matrix. Inconsistent judgments (consistency ratio above var
retail_recs__value_max_consistency_ratio) fail the build, naming the judgment to revisit.

Thin on purpose: the math is retail_recs.ahp.
"""

import pyarrow as pa

from retail_recs import ahp

# The criteria customer_value scores, each a percentile among customers who ordered.
CRITERIA = ("recency", "frequency", "monetary", "predicted_value")
SOURCE = "seed value_criteria_comparisons"


def model(dbt, session):
    dbt.config(materialized="table")
    rows = (
        dbt.ref("value_criteria_comparisons")
        .select("criterion, compared_to, importance")
        .order("criterion, compared_to")
        .fetchall()
    )
    A = ahp.comparison_matrix(rows, CRITERIA, SOURCE)
    result = ahp.checked_priorities(
        A, CRITERIA, float(dbt.config.get("max_consistency_ratio")), SOURCE
    )
    n = len(CRITERIA)
    return pa.table(
        {
            "criterion": pa.array(CRITERIA, pa.string()),
            "weight": pa.array([round(float(w), 12) for w in result.weights], pa.float64()),
            "lambda_max": pa.array([round(result.lambda_max, 12)] * n, pa.float64()),
            "consistency_ratio": pa.array([round(result.consistency_ratio, 12)] * n, pa.float64()),
        }
    )
