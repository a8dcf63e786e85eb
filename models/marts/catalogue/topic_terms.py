"""The topics of the chosen LDA model (topic_model_selection), each with its top terms, a
readable label made of the first three ("bag · jumbo · lunch") and how many items it
dominates (item_topics, whose topic numbers it shares). Reading item_topics also keeps the
two fits of the model apart: side by side, in one process, their Python loops shared one
core (17 s each at 10M events, against 6 s each one after the other).

Thin on purpose: the math is retail_recs.topics.
"""

import numpy as np
import pyarrow as pa

from retail_recs import topics


def model(dbt, session):
    dbt.config(materialized="table")
    chosen = dbt.ref("topic_model_selection").filter("is_chosen").select("topic_count").fetchall()
    dominated = dict(
        dbt.ref("item_topics")
        .filter("is_dominant")
        .aggregate("topic_id, count(*) as dominant_items")
        .fetchall()
    )
    rows = {"topic_id": [], "topic_label": [], "term_rank": [], "term": [], "term_weight": []}
    if chosen:
        corpus = topics.corpus(
            dbt.ref("int_item_terms").select("item_id, term, term_count").fetchnumpy()
        )
        fitted = topics.topics(corpus, chosen[0][0], seed=int(dbt.config.get("seed")))
        for topic, weights in enumerate(fitted.term_weights):
            top = np.argsort(-weights, kind="stable")[: topics.TERMS_PER_TOPIC]
            rows["topic_id"] += [topic + 1] * len(top)
            rows["topic_label"] += [fitted.labels[topic]] * len(top)
            rows["term_rank"] += list(range(1, len(top) + 1))
            rows["term"] += corpus.vocabulary[top].tolist()
            rows["term_weight"] += np.round(weights[top], topics.DECIMALS).tolist()
    return pa.table(
        {
            "topic_id": pa.array(rows["topic_id"], pa.int64()),
            "topic_label": pa.array(rows["topic_label"], pa.string()),
            "term_rank": pa.array(rows["term_rank"], pa.int64()),
            "term": pa.array(rows["term"], pa.string()),
            "term_weight": pa.array(rows["term_weight"], pa.float64()),
            "dominant_items": pa.array(
                [dominated.get(topic, 0) for topic in rows["topic_id"]], pa.int64()
            ),
        }
    )
