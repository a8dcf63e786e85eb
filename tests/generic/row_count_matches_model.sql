{#- A model derived row for row from another (optionally a filtered part of it) must hold
    exactly as many rows: nothing dropped by a join, nothing multiplied. unless_warned names a
    build_warnings row under which the model may be empty instead (data too small to fit it). -#}
{% test row_count_matches_model(model, compare_model, compare_where=none, unless_warned=none) %}

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
    {%- if unless_warned %}
        and not (
            model_rows = 0
            and exists (
                select 1 from {{ ref('build_warnings') }} where warning = '{{ unless_warned }}'
            )
        )
    {%- endif %}
)

select * from validation_errors

{% endtest %}
