-- Built by macro rank_item_similarity (macros/pipeline/rank_item_similarity.sql, which documents the logic);
-- the evaluation replay calls it too, on the training period.
{{ rank_item_similarity(
    pairs=ref('item_pairs')
) }}
