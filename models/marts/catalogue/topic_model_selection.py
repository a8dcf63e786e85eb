"""How many topics the catalogue's text holds: LDA (scikit-learn) fitted at each candidate
count (var retail_recs__topic_count, or with 'auto' each of var
retail_recs__topic_count_candidates) on int_item_terms, scored by the coherence of its topics'
top terms; the most coherent is chosen. Empty when the catalogue is too small for topics.

Thin on purpose: the math is retail_recs.topics.
"""

import pyarrow as pa

from retail_recs import segments, topics


def model(dbt, session):
    dbt.config(materialized="table")
    corpus = topics.corpus(
        dbt.ref("int_item_terms").select("item_id, term, term_count").fetchnumpy()
    )
    counts = topics.topic_counts(
        dbt.config.get("topic_count"),
        segments.config_value(dbt.config.get("candidates")),
        corpus,
    )
    candidates = topics.select(corpus, counts, seed=int(dbt.config.get("seed")))
    sample = len(topics.selection_rows(corpus.items))
    return pa.table(
        {
            "topic_count": pa.array([c.topic_count for c in candidates], pa.int64()),
            "coherence": pa.array([c.coherence for c in candidates], pa.float64()),
            "is_chosen": pa.array([c.is_chosen for c in candidates], pa.bool_()),
            "items_scored": pa.array([sample] * len(candidates), pa.int64()),
            "vocabulary_size": pa.array([len(corpus.vocabulary)] * len(candidates), pa.int64()),
        }
    )
