-- recommendation_metrics split by the evaluated customer's RFM segment ('No purchase yet'
-- for customers without a customer_rfm row): the same averages over the segment's customers,
-- and catalogue coverage of the segment's lists. Formulas: _evaluation__models.yml.
with user_metrics as (
    select * from {{ ref('int_eval_user_metrics') }}
),

final as (
    select
        algorithm,
        protocol,
        k,
        rfm_segment,
        {{ aggregate_ranking_metrics('first_listed_segment_item_count') }}
    from user_metrics
    group by algorithm, protocol, k, rfm_segment
)

select * from final
