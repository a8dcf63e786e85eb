{#- Weight of an event age_days old when weights halve every half_life_days:
    decay = 0.5 ^ (age_days / half_life_days), 1 at age 0. -#}
{% macro time_decay(age_days, half_life_days) %}
    power(0.5, ({{ age_days }}) / cast({{ half_life_days }} as {{ type_double() }}))
{% endmacro %}

{#- Fractional days from an earlier to a later timestamp. -#}
{% macro days_between(earlier, later) %}
    (cast({{ dbt.datediff(earlier, later, 'second') }} as {{ type_double() }}) / 86400)
{% endmacro %}
