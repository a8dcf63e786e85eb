{#- A 1..bands score from a row's position among all rows (of the partition) ordered worst
    first: 1 + floor(bands × (rows strictly worse) / rows). Ties share the lower band, so equal
    inputs always score alike (unlike ntile), and each band holds about 1/bands of the rows.
    RFM uses 5 bands; propensity deciles use 10. -#}
{% macro score_band(order_by, bands, partition_by=none) %}
    cast(
        1 + floor(
            {{ bands }}.0
            * (cast(rank() over ({% if partition_by %}partition by {{ partition_by }} {% endif %}order by {{ order_by }}) as {{ dbt.type_bigint() }}) - 1)
            / count(*) over ({% if partition_by %}partition by {{ partition_by }}{% endif %})
        )
        as {{ dbt.type_int() }}
    )
{% endmacro %}
