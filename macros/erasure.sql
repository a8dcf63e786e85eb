{#- True when a raw user id (any type, untrimmed) has an erasure request: such rows are dropped
    as sources are read, so erased customers reach no model. Pass the column qualified
    (source_rows.user_id): unqualified, it would resolve to the requests' own user_id. -#}
{% macro is_erased(user_id) %}
    exists (
        select 1
        from {{ ref('base_erasure_requests') }} as erasure_requests
        where erasure_requests.user_id
            = {{ clean_text('cast(' ~ user_id ~ ' as ' ~ dbt.type_string() ~ ')') }}
    )
{% endmacro %}
