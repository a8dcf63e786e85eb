"""What each ranker model learned from: total gain per feature, for production's models
(int_ranker_model) and the evaluation's (eval_ranker_model), from retail_recs.ranker."""

from retail_recs import ranker


def model(dbt, session):
    dbt.config(materialized="table")
    production = dbt.ref("int_ranker_model").select("'production' as model_name, *")
    evaluation = dbt.ref("eval_ranker_model").select("'evaluation' as model_name, *")
    return ranker.importance_table(production.union(evaluation))
