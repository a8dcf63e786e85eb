{#- Fails on every row where the SQL expression is not true (NULL counts as a failure). -#}
{% test expression_is_true(model, expression, column_name=none) %}

with validation_errors as (
    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)
)

select * from validation_errors

{% endtest %}
