-- Row accounting per source: raw = accepted + duplicates + rejected, checked by a test.
-- Raw counts come from the base views, which read the source directly.
with raw_counts as (
    select 'events' as source_name, count(*) as raw_rows from {{ ref('base_events') }}
    union all
    select 'items', count(*) from {{ ref('base_items') }}
    union all
    select 'customers', count(*) from {{ ref('base_customers') }}
),

accepted_counts as (
    select 'events' as source_name, count(*) as accepted_rows from {{ ref('stg_events') }}
    union all
    select 'items', count(*) from {{ ref('stg_items') }}
    union all
    select 'customers', count(*) from {{ ref('stg_customers') }}
),

quarantine_counts as (
    select
        source_name,
        sum(case when rejection_reason = 'exact_duplicate' then rejected_rows else 0 end)
            as duplicate_rows,
        sum(case when rejection_reason <> 'exact_duplicate' then rejected_rows else 0 end)
            as rejected_rows
    from {{ ref('data_quality_rejections') }}
    group by source_name
),

final as (
    select
        raw_counts.source_name,
        raw_counts.raw_rows,
        accepted_counts.accepted_rows,
        quarantine_counts.duplicate_rows,
        quarantine_counts.rejected_rows,
        raw_counts.raw_rows = accepted_counts.accepted_rows
            + quarantine_counts.duplicate_rows
            + quarantine_counts.rejected_rows as is_reconciled
    from raw_counts
    inner join accepted_counts
        on raw_counts.source_name = accepted_counts.source_name
    inner join quarantine_counts
        on raw_counts.source_name = quarantine_counts.source_name
)

select * from final
