-- raw = accepted + quarantined + erased for every source, counted independently of the
-- reconciliation mart: raw and erased rows straight from the source, the rest from staging.
{% set sources = {
    'events': 'user_id', 'items': none, 'customers': 'user_id', 'campaign_events': 'user_id'
} %}

with counts as (
    {% for source_name, user_id_column in sources.items() %}
    select
        '{{ source_name }}' as source_name,
        (select count(*) from {{ source_relation(source_name) }} as source_rows) as raw_rows,
        (select count(*) from {{ ref('stg_' ~ source_name) }}) as accepted_rows,
        (select count(*) from {{ ref('stg_' ~ source_name ~ '_quarantine') }}) as quarantined_rows,
        (
            select count(*)
            from {{ source_relation(source_name) }} as source_rows
            where {{ is_erased('source_rows.' ~ user_id_column) if user_id_column else '1 = 0' }}
        ) as erased_rows
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

validation_errors as (
    select *
    from counts
    where raw_rows <> accepted_rows + quarantined_rows + erased_rows
)

select * from validation_errors
