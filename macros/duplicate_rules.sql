{#- The two duplicate rules of an event source, from one ordering of each event_id's rows:
    valid rows first, then by content. Identical rows are ties, so row_number > rank marks
    the extra copies ('exact_duplicate'), and among valid rows dense_rank > 1 marks a
    different, later version of the same id ('repeated_event_id'). A blank row (rule
    'blank_row', macro is_blank_row) is named as such first: 500 empty spreadsheet rows are
    no 499 copies of an event; so is a header line repeated in the file ('repeated_header',
    macro is_repeated_header), as twelve concatenated monthly exports repeat it eleven
    times. Renders the CTEs versions_ranked and classified (which adds rejection_reason)
    over the CTE named checked_rows, which has event_id, row_rejection_reason and the
    content_columns. -#}
{% macro duplicate_rule_ctes(checked_rows, content_columns) %}
{%- set versions -%}
    partition by event_id
    order by
        case when row_rejection_reason is null then 0 else 1 end,
        {{ content_columns | join(', ') }}
{%- endset -%}
versions_ranked as (
    select
        *,
        cast(row_number() over ({{ versions }}) as {{ dbt.type_bigint() }}) as version_row_number,
        cast(rank() over ({{ versions }}) as {{ dbt.type_bigint() }}) as version_rank,
        cast(dense_rank() over ({{ versions }}) as {{ dbt.type_bigint() }}) as version_dense_rank
    from {{ checked_rows }}
),

classified as (
    select
        *,
        case
            when row_rejection_reason in ('blank_row', 'repeated_header') then row_rejection_reason
            when version_row_number > version_rank then 'exact_duplicate'
            when row_rejection_reason is not null then row_rejection_reason
            when version_dense_rank > 1 then 'repeated_event_id'
        end as rejection_reason
    from versions_ranked
)
{% endmacro %}
