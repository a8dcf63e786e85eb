{#- Ranks within each group must run 1, 2, ..., n with no gap or repeat. Fails with one row
    per group that breaks this. -#}
{% test contiguous_ranks(model, column_name, group_by) %}

with groups as (
    select
        {{ group_by }},
        count(*) as row_count,
        count(distinct {{ column_name }}) as distinct_ranks,
        min({{ column_name }}) as min_rank,
        max({{ column_name }}) as max_rank
    from {{ model }}
    group by {{ group_by }}
),

validation_errors as (
    select *
    from groups
    where not (min_rank = 1 and max_rank = row_count and distinct_ranks = row_count)
)

select * from validation_errors

{% endtest %}
