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
        n=eval_list_length(),
        explain=false,
        caps_categories=caps_categories
    ) }}
{% endmacro %}

{#- The lists the replay's blend fuses: {algorithm: ref(prefix ~ algorithm ~ suffix)} for every
    algorithm of var retail_recs__blend_weights ('eval_recommendations_' and a protocol suffix). -#}
{% macro blend_lists(prefix, suffix='') %}
    {%- set lists = {} %}
    {%- for algorithm in blend_weights_var() %}
        {%- do lists.update({algorithm: ref(prefix ~ algorithm ~ suffix)}) %}
    {%- endfor %}
    {{ return(lists) }}
{% endmacro %}

{#- The lists the final blend fuses (model recommendations): each blended algorithm's top
    `depth` rows of `sources` (int_ranker_sources, through macro take_source_list), as deep as
    the lists the evaluation's replay of this blend fuses, which is what chose it. The
    published lists (recommendations_<algorithm>) are the top N of the same rows, so a depth
    of N would fuse those; fusing shallower lists than the replay served a different blend
    (on Online Retail 0.395 against the replay's 0.400). -#}
{% macro source_lists(sources, depth) %}
    {%- set lists = {} %}
    {%- for algorithm in blend_weights_var() %}
        {%- do lists.update({algorithm: '(' ~ take_source_list(sources, algorithm, depth) ~ ')'}) %}
    {%- endfor %}
    {{ return(lists) }}
{% endmacro %}

{#- The new-items lists the discovery blend fuses (model recommendations_new_items): each
    blended algorithm's list of never-bought items, re-ranked from its top
    var retail_recs__ranker_candidates_per_source in `candidates` (int_ranker_candidates),
    so a customer's past purchases leave no hole in the list. Each is cut to `depth` items,
    as deep as the lists the evaluation's replay of this blend fuses, which is what chose it. -#}
{% macro new_item_lists(candidates, depth) %}
    {%- set lists = {} %}
    {%- for algorithm in blend_weights_var() %}
        {%- set list_sql -%}
            (
                select user_id, item_id, rank
                from (
                    select
                        user_id,
                        item_id,
                        cast(row_number() over (
                            partition by user_id order by {{ algorithm }}_rank, item_id
                        ) as {{ dbt.type_bigint() }}) as rank
                    from {{ candidates }}
                    where {{ algorithm }}_rank is not null and not is_past_purchase
                ) as never_bought
                where rank <= {{ depth }}
            )
        {%- endset %}
        {%- do lists.update({algorithm: list_sql}) %}
    {%- endfor %}
    {{ return(lists) }}
{% endmacro %}
