"""Production's ranker: LightGBM lambdarank models (one per protocol) trained on the features
at the evaluation cutoff (eval_ranker_features) labelled with what customers bought after it
(eval_truth), the latest complete window. int_ranker_scores applies them to today's features.

Thin on purpose: the work is retail_recs.ranker.model_table (shared with the evaluation's
replay, eval_ranker_model).
"""

from retail_recs import ranker


def model(dbt, session):
    dbt.config(materialized="table")
    settings = ranker.Settings(
        trees=int(dbt.config.get("trees")),
        learning_rate=float(dbt.config.get("learning_rate")),
        leaves=int(dbt.config.get("leaves")),
        min_child_samples=int(dbt.config.get("min_child_samples")),
        seed=int(dbt.config.get("seed")),
        max_customers=int(dbt.config.get("max_customers")),
    )
    return ranker.model_table(dbt.ref("eval_ranker_features"), settings)
