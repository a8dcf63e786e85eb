{#- The final blend replayed on the training period, over the evaluation lists whose names end
    in list_suffix ('' for repeats allowed, '_new_items' for the new-items protocol); ranks
    only (explain=false), var retail_recs__eval_list_length long. -#}
{% macro replay_blend(list_suffix) %}
    {%- set lists = {} %}
    {%- for algorithm in var('retail_recs__blend_weights') %}
        {%- do lists.update({algorithm: ref('eval_recommendations_' ~ algorithm ~ list_suffix)}) %}
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
{% endmacro %}
