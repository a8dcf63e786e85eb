-- Built by macro weigh_events (macros/pipeline/weigh_events.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period. A view: its age and decay move
-- with the as-of time, so storing them would rewrite every row on each refresh; the
-- incremental aggregates read it for the keys they recompute only.
{{ config(materialized='view') }}

{{ weigh_events(
    events=ref('stg_events'),
    event_type_weights=ref('event_type_weights'),
    items=ref('stg_items'),
    as_of=as_of_timestamp()
) }}
