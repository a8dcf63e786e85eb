{#- A model derived row for row from another (optionally a filtered part of it) must hold
    exactly as many rows: nothing dropped by a join, nothing multiplied. -#}
{% test row_count_matches_model(model, compare_model, compare_where=none) %}

with counts as (
    select
        (select count(*) from {{ model }}) as model_rows,
        (
            select count(*) from {{ compare_model }}
            {%- if compare_where %} where {{ compare_where }}{% endif %}
        ) as compare_rows
),

validation_errors as (
    select *
    from counts
    where model_rows <> compare_rows
)

select * from validation_errors

{% endtest %}
