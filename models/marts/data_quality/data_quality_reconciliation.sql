-- Row accounting per source: raw = accepted + duplicates + rejected + erased, checked by a test.
with source_rows as (
    select * from {{ ref('int_source_row_counts') }}
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
        source_rows.raw_rows = source_rows.accepted_rows
            + quarantine_counts.duplicate_rows
            + quarantine_counts.rejected_rows
            + source_rows.erased_rows as is_reconciled
    from source_rows
    inner join quarantine_counts
        on source_rows.source_name = quarantine_counts.source_name
)

select * from final
