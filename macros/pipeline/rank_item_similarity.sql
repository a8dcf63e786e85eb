{#- Each item's nearest neighbours by co-occurrence: the context and measure are vars
    (retail_recs__similarity_context, retail_recs__similarity_measure), the count is
    retail_recs__similarity_neighbours. Confidence is read in the item → neighbour direction.
    A context without a single pair gives way to the other one (the context column says
    which was used): an export without order and session ids has no baskets, and would
    otherwise leave item-CF, its anchors and the ranker's similarity features empty.
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

with context_pairs as (
    select context, count(*) as pair_count
    from {{ pairs }}
    group by context
),

chosen_context as (
    select coalesce(
        max(case when context = '{{ context }}' then context end),
        max(context)
    ) as context
    from context_pairs
),

pairs as (
    select all_pairs.*
    from {{ pairs }} as all_pairs
    inner join chosen_context
        on all_pairs.context = chosen_context.context
),

directed as (
    select
        context,
        item_a as item_id,
        item_b as similar_item_id,
        co_count,
        {{ 'confidence_a_to_b' if measure == 'confidence' else measure }} as similarity
    from pairs
    union all
    select
        context,
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
        context,
        '{{ measure }}' as measure,
        co_count,
        similarity,
        rank
    from ranked
    where rank <= {{ number_var('retail_recs__similarity_neighbours') }}
)

select * from final
{% endmacro %}
