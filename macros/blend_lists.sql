{#- The final blend replayed on the training period, over the evaluation lists whose names end
    in list_suffix ('' for repeats allowed, '_new_items' for the new-items protocol); ranks
    only (explain=false), var retail_recs__eval_list_length long; with or without the
    category cap (caps_categories, a SQL boolean), which recommendation_strategy compares. -#}
{% macro replay_blend(list_suffix, caps_categories='true') %}
    {{ blend_recommendations(
        lists=blend_lists('eval_recommendations_', list_suffix),
        items=ref('eval_dim_items'),
        interactions=ref('eval_fct_interactions'),
        similarity=ref('eval_item_similarity'),
        intervals=ref('eval_purchase_intervals'),
        customers=ref('eval_dim_customers'),
        popular_items=ref('eval_popular_items'),
        n=number_var('retail_recs__eval_list_length'),
        explain=false,
        caps_categories=caps_categories
    ) }}
{% endmacro %}

{#- The lists the blend fuses: {algorithm: ref(prefix ~ algorithm ~ suffix)} for every
    algorithm of var retail_recs__blend_weights ('recommendations_' for production,
    'eval_recommendations_' and a protocol suffix for the replay). -#}
{% macro blend_lists(prefix, suffix='') %}
    {%- set lists = {} %}
    {%- for algorithm in blend_weights_var() %}
        {%- do lists.update({algorithm: ref(prefix ~ algorithm ~ suffix)}) %}
    {%- endfor %}
    {{ return(lists) }}
{% endmacro %}
