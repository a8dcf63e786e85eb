-- Rejected rows per source and rule, every documented rule listed even when it caught none.
with reasons as (
    select * from {{ ref('rejection_reasons') }}
),

source_rows as (
    select * from {{ ref('int_source_row_counts') }}
),

rejected as (
    select 'events' as source_name, rejection_reason, count(*) as rejected_rows
    from {{ ref('stg_events_quarantine') }}
    group by rejection_reason
    union all
    select 'items', rejection_reason, count(*)
    from {{ ref('stg_items_quarantine') }}
    group by rejection_reason
    union all
    select 'customers', rejection_reason, count(*)
    from {{ ref('stg_customers_quarantine') }}
    group by rejection_reason
    union all
    select 'campaign_events', rejection_reason, count(*)
    from {{ ref('stg_campaign_events_quarantine') }}
    group by rejection_reason
),

final as (
    select
        reasons.source_name,
        reasons.rejection_reason,
        reasons.precedence,
        reasons.description,
        coalesce(rejected.rejected_rows, 0) as rejected_rows,
        coalesce(rejected.rejected_rows, 0) / cast(nullif(source_rows.raw_rows, 0) as {{ type_double() }})
            as share_of_raw_rows
    from reasons
    inner join source_rows
        on reasons.source_name = source_rows.source_name
    left join rejected
        on reasons.source_name = rejected.source_name
        and reasons.rejection_reason = rejected.rejection_reason
)

select * from final
