-- Ranker-training replay of int_events_weighted on the events up to the ranker's training cutoff (same macro, training inputs).
{{ weigh_events(
    events=ref('stg_events'),
    event_type_weights=ref('event_type_weights'),
    items=ref('stg_items'),
    as_of=eval_training_cutoff_timestamp()
) }}
