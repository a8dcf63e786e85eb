-- raw = accepted + duplicates + rejected for every source, counted independently of the
-- reconciliation mart: raw rows straight from the source, the rest from staging.
{% set sources = ['events', 'items', 'customers'] %}

with counts as (
    {% for source_name in sources %}
    select
        '{{ source_name }}' as source_name,
        (select count(*) from {{ source_relation(source_name) }}) as raw_rows,
        (select count(*) from {{ ref('stg_' ~ source_name) }}) as accepted_rows,
        (select count(*) from {{ ref('stg_' ~ source_name ~ '_quarantine') }}) as quarantined_rows
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

validation_errors as (
    select *
    from counts
    where raw_rows <> accepted_rows + quarantined_rows
)

select * from validation_errors
