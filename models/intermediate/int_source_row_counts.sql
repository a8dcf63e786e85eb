-- Rows read from each source, rows of erased customers dropped on reading, and rows accepted
-- by staging: the totals every data-quality figure is measured against.
{% set sources = {
    'events': 'user_id', 'items': none, 'customers': 'user_id', 'campaign_events': 'user_id'
} %}

with counts as (
    {% for source_name, user_id_column in sources.items() %}
    select
        '{{ source_name }}' as source_name,
        (select count(*) from {{ source_relation(source_name) }} as source_rows) as raw_rows,
        {% if user_id_column -%}
        (
            select count(*)
            from {{ source_relation(source_name) }} as source_rows
            where {{ is_erased('source_rows.' ~ user_id_column) }}
        )
        {%- else -%}
        0
        {%- endif %} as erased_rows,
        (select count(*) from {{ ref('stg_' ~ source_name) }}) as accepted_rows
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from counts
