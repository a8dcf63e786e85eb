-- Rows read from each source (through the base views, which read it directly) and rows
-- accepted by staging: the two totals every data-quality figure is measured against.
{% set sources = ['events', 'items', 'customers'] %}

with counts as (
    {% for source_name in sources %}
    select
        '{{ source_name }}' as source_name,
        (select count(*) from {{ ref('base_' ~ source_name) }}) as raw_rows,
        (select count(*) from {{ ref('stg_' ~ source_name) }}) as accepted_rows
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from counts
