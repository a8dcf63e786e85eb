-- Evaluation replay of recommendations (the final blend) on the events up to the evaluation
-- cutoff: macro blend_recommendations over the replayed lists (see macro replay_blend).
{{ replay_blend('') }}
