-- Built by macro weigh_events (macros/pipeline/weigh_events.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period. A view: its age and decay move
-- with the as-of time, so storing them would rewrite every row on each refresh.
{{ config(materialized='view') }}

select * from {{ weigh_staged_events(ref('stg_events')) }} as weighted_events
