-- The new-items protocol's version of eval_recommendations_hybrid_uncapped.
{{ replay_blend('_new_items', caps_categories='false') }}
