"""Each item's topic weights in the chosen LDA model (topic_model_selection), the dominant
topic flagged. Items without any term have no topics.

Thin on purpose: the math is retail_recs.topics.
"""

import numpy as np
import pyarrow as pa

from retail_recs import topics


def model(dbt, session):
    dbt.config(materialized="table")
    chosen = dbt.ref("topic_model_selection").filter("is_chosen").select("topic_count").fetchall()
    items, topic_ids, weights, dominant = [], np.array([], np.int64), np.array([]), []
    if chosen:
        corpus = topics.corpus(
            dbt.ref("int_item_terms").select("item_id, term, term_count").fetchnumpy()
        )
        fitted = topics.topics(corpus, chosen[0][0], seed=int(dbt.config.get("seed")))
        heaviest = fitted.dominant
        kept = fitted.item_weights >= topics.MIN_ITEM_WEIGHT
        kept[np.arange(len(heaviest)), heaviest] = True
        rows, columns = np.nonzero(kept)
        items = [corpus.items[row] for row in rows]
        topic_ids = columns + 1
        weights = fitted.item_weights[rows, columns]
        dominant = (heaviest[rows] == columns).tolist()
    return pa.table(
        {
            "item_id": pa.array(items, pa.string()),
            "topic_id": pa.array(topic_ids, pa.int64()),
            "topic_weight": pa.array(weights, pa.float64()),
            "is_dominant": pa.array(dominant, pa.bool_()),
        }
    )
