{#- Fails on values outside [min_value, max_value] (either bound optional; NULLs pass). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}

with validation_errors as (
    select *
    from {{ model }}
    where {{ column_name }} is not null
        and (
            1 = 0
            {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
            {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
        )
)

select * from validation_errors

{% endtest %}
