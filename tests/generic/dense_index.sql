{#- An index or rank must be exactly start..start+n-1: unique, no gaps, no NULLs. Fails with
    one row describing the mismatch otherwise. -#}
{% test dense_index(model, column_name, start=0) %}

with summary as (
    select
        count(*) as row_count,
        count(distinct {{ column_name }}) as distinct_count,
        min({{ column_name }}) as min_value,
        max({{ column_name }}) as max_value
    from {{ model }}
),

validation_errors as (
    select *
    from summary
    where row_count > 0
        and not coalesce(
            distinct_count = row_count
            and min_value = {{ start }}
            and max_value = {{ start }} + row_count - 1,
            false
        )
)

select * from validation_errors

{% endtest %}
