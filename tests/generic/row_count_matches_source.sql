{#- A pass-through model must hold exactly as many rows as its source, however the source is
    read (file or table): no row may be lost or multiplied on the way in. With
    user_id_column, rows of erased customers (erasure_requests) are the one allowed loss. -#}
{% test row_count_matches_source(model, source_name, user_id_column=none) %}

with counts as (
    select
        (select count(*) from {{ model }}) as model_rows,
        (
            select count(*)
            from {{ source_relation(source_name) }} as source_rows
            {%- if user_id_column is not none %}
            where not {{ is_erased('source_rows.' ~ user_id_column) }}
            {%- endif %}
        ) as source_rows
),

validation_errors as (
    select *
    from counts
    where model_rows <> source_rows
)

select * from validation_errors

{% endtest %}
