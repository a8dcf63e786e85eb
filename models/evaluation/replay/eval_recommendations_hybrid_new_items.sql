-- Evaluation replay of recommendations (the final blend) for the new-items protocol: macro
-- blend_recommendations over the new-items lists (see macro replay_blend).
{{ replay_blend('_new_items') }}
