-- Built by macro summarize_purchase_intervals (macros/pipeline/summarize_purchase_intervals.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period. A view: a filter and projection
-- of int_interaction_totals, which an incremental run keeps current.
{{ config(materialized='view') }}

{{ summarize_purchase_intervals(
    totals=ref('int_interaction_totals')
) }}
