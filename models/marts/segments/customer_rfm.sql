-- Recency, frequency and monetary scores (1-5, 5 best) of every customer who has ordered,
-- the named segment of their (R, FM) cell from seed rfm_segments, and their lifecycle stage.
with features as (
    select * from {{ ref('customer_features') }}
    where order_count > 0
),

segments as (
    select * from {{ ref('rfm_segments') }}
),

scored as (
    select
        user_id,
        recency_days,
        order_count,
        monetary_value,
        first_order_at,
        last_order_at,
        as_of_at,
        {{ score_band('recency_days desc', 5) }} as r_score,
        {{ score_band('order_count', 5) }} as f_score,
        {{ score_band('monetary_value', 5) }} as m_score
    from features
),

combined as (
    select
        *,
        -- Frequency and money move together; their rounded mean is the grid's second axis.
        cast(floor((f_score + m_score) / 2.0 + 0.5) as {{ dbt.type_int() }}) as fm_score,
        {{ days_between('first_order_at', 'as_of_at') }} as days_since_first_order
    from scored
),

final as (
    select
        combined.user_id,
        combined.recency_days,
        combined.order_count,
        combined.monetary_value,
        combined.r_score,
        combined.f_score,
        combined.m_score,
        combined.fm_score,
        {{ dbt.concat(["cast(combined.r_score as " ~ dbt.type_string() ~ ")",
                       "cast(combined.f_score as " ~ dbt.type_string() ~ ")",
                       "cast(combined.m_score as " ~ dbt.type_string() ~ ")"]) }} as rfm_cell,
        segments.segment_name as rfm_segment,
        segments.segment_order as rfm_segment_order,
        case
            when combined.days_since_first_order <= {{ number_var('retail_recs__lifecycle_new_days') }}
                then 'new'
            when combined.recency_days <= {{ number_var('retail_recs__lifecycle_active_days') }}
                then 'active'
            when combined.recency_days <= {{ number_var('retail_recs__lifecycle_lapsing_days') }}
                then 'lapsing'
            else 'churned'
        end as lifecycle_stage
    from combined
    left join segments
        on combined.r_score between segments.r_score_min and segments.r_score_max
        and combined.fm_score between segments.fm_score_min and segments.fm_score_max
)

select * from final
