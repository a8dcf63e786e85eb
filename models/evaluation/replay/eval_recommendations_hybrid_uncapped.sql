-- Evaluation replay of the final blend without the category cap, so recommendation_strategy
-- can tell whether the cap costs this shop accuracy (macro replay_blend).
{{ replay_blend('', caps_categories='false') }}
