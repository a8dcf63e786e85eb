-- Evaluation replay of recommendations (the final blended list) on the events up to the evaluation cutoff (same macro, training inputs).
{%- set lists = {} %}
{%- for algorithm in var('retail_recs__blend_weights') %}
{%- do lists.update({algorithm: ref('eval_recommendations_' ~ algorithm)}) %}
{%- endfor %}
{{ blend_recommendations(
    lists=lists,
    items=ref('eval_dim_items'),
    interactions=ref('eval_fct_interactions'),
    similarity=ref('eval_item_similarity'),
    intervals=ref('eval_purchase_intervals'),
    customers=ref('eval_dim_customers'),
    popular_items=ref('eval_popular_items'),
    n=var('retail_recs__eval_list_length'),
    explain=false
) }}
