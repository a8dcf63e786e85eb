{#- One recommender's list, the top n of its rows in `sources` (macro gather_ranker_sources,
    which ranks every source under the shared rules at a depth of at least n: macro
    ranker_source_depth). A source ranks by score with ties by item_id, so its top n is exactly
    the list the recommender would give alone with n; deriving it saves running every
    recommender twice (at 10M events, about 120 s of node time in production).
    Called by models recommendations_<algorithm> and their evaluation replays. -#}
{% macro take_source_list(sources, source, n) %}
{%- if source not in ranker_sources() %}
    {{ exceptions.raise_compiler_error("take_source_list: unknown source '" ~ source ~ "'; the sources are " ~ ranker_sources() | join(', ')) }}
{%- endif %}
    select
        user_id,
        item_id,
        score,
        rank,
        '{{ source }}' as algorithm
    from {{ sources }}
    where source = '{{ source }}'
        and rank <= {{ n }}
{% endmacro %}
