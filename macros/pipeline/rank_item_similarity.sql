{#- Each item's nearest neighbours by co-occurrence: the context and measure are vars
    (retail_recs__similarity_context, retail_recs__similarity_measure), the count is
    retail_recs__similarity_neighbours. Confidence is read in the item → neighbour direction.
    Called by model item_similarity and by its evaluation replay. -#}
{% macro rank_item_similarity(pairs) %}
{%- set measures = ['jaccard', 'lift', 'cosine', 'confidence'] -%}
{%- set measure = var('retail_recs__similarity_measure') -%}
{%- set context = var('retail_recs__similarity_context') -%}
{%- if measure not in measures -%}
    {{ exceptions.raise_compiler_error(
        "retail_recs__similarity_measure is '" ~ measure ~ "'; use one of " ~ measures | join(', ')
    ) }}
{%- endif -%}
{%- if context not in ['basket', 'history'] -%}
    {{ exceptions.raise_compiler_error(
        "retail_recs__similarity_context is '" ~ context ~ "'; use basket or history"
    ) }}
{%- endif %}

with pairs as (
    select * from {{ pairs }}
    where context = '{{ context }}'
),

directed as (
    select
        item_a as item_id,
        item_b as similar_item_id,
        co_count,
        {{ 'confidence_a_to_b' if measure == 'confidence' else measure }} as similarity
    from pairs
    union all
    select
        item_b as item_id,
        item_a as similar_item_id,
        co_count,
        {{ 'confidence_b_to_a' if measure == 'confidence' else measure }} as similarity
    from pairs
),

ranked as (
    select
        *,
        cast(row_number() over (
            partition by item_id order by similarity desc, co_count desc, similar_item_id
        ) as {{ dbt.type_bigint() }}) as rank
    from directed
),

final as (
    select
        item_id,
        similar_item_id,
        '{{ context }}' as context,
        '{{ measure }}' as measure,
        co_count,
        similarity,
        rank
    from ranked
    where rank <= {{ number_var('retail_recs__similarity_neighbours') }}
)

select * from final
{% endmacro %}
