-- Row accounting per source: raw = accepted + duplicates + rejected + erased, checked by a test.
-- For events, also the ids that join nothing, and how many of them would join if case, spaces
-- and leading zeros were ignored: ids stay matched exactly, but an export that writes 'c001'
-- where the customer file has 'C001', or a spreadsheet that saved SKU '00123' as 123, shows
-- here instead of doubling the customers or dropping the sales silently.
with source_rows as (
    select * from {{ ref('int_source_row_counts') }}
),

customer_ids as (
    select user_id, {{ loose_id('user_id') }} as loose_user_id from {{ ref('stg_customers') }}
),

event_user_ids as (
    select distinct user_id from {{ ref('stg_events') }} where user_id is not null
),

unknown_item_ids as (
    select distinct item_id from {{ ref('stg_events_quarantine') }}
    where rejection_reason = 'unknown_item'
),

id_mismatches as (
    select
        'events' as source_name,
        (
            select count(*)
            from event_user_ids
            where user_id not in (select user_id from customer_ids)
        ) as user_ids_without_customer_row,
        (
            select count(*)
            from event_user_ids
            where user_id not in (select user_id from customer_ids)
                and {{ loose_id('user_id') }} in (select loose_user_id from customer_ids)
        ) as user_ids_matching_ignoring_case,
        (
            select count(*)
            from unknown_item_ids
            where {{ loose_id('item_id') }} in (
                select {{ loose_id('item_id') }} from {{ ref('stg_items') }}
            )
        ) as item_ids_matching_ignoring_case
),

quarantine_counts as (
    select
        source_name,
        cast(sum(case when rejection_reason = 'exact_duplicate' then rejected_rows else 0 end)
            as {{ dbt.type_bigint() }}) as duplicate_rows,
        cast(sum(case when rejection_reason <> 'exact_duplicate' then rejected_rows else 0 end)
            as {{ dbt.type_bigint() }}) as rejected_rows
    from {{ ref('data_quality_rejections') }}
    group by source_name
),

final as (
    select
        source_rows.source_name,
        source_rows.raw_rows,
        source_rows.accepted_rows,
        quarantine_counts.duplicate_rows,
        quarantine_counts.rejected_rows,
        source_rows.erased_rows,
        cast(id_mismatches.user_ids_without_customer_row as {{ dbt.type_bigint() }})
            as user_ids_without_customer_row,
        cast(id_mismatches.user_ids_matching_ignoring_case as {{ dbt.type_bigint() }})
            as user_ids_matching_ignoring_case,
        cast(id_mismatches.item_ids_matching_ignoring_case as {{ dbt.type_bigint() }})
            as item_ids_matching_ignoring_case,
        source_rows.raw_rows = source_rows.accepted_rows
            + quarantine_counts.duplicate_rows
            + quarantine_counts.rejected_rows
            + source_rows.erased_rows as is_reconciled
    from source_rows
    inner join quarantine_counts
        on source_rows.source_name = quarantine_counts.source_name
    left join id_mismatches
        on source_rows.source_name = id_mismatches.source_name
)

select * from final
