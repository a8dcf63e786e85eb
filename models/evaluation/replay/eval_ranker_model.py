"""The evaluation's replay of int_ranker_model: the same code trained one window earlier
(eval_train_ranker_features, labelled with eval_train_truth), so the ranker it scores at the
evaluation cutoff never saw the test window."""

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
    return ranker.model_table(dbt.ref("eval_train_ranker_features"), settings)
