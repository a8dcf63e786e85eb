"""How well naive Bayes on the item text (int_item_description_terms) predicts the
top-level category: trained on the categorised items outside a deterministic holdout (var
retail_recs__category_holdout_share of them, by hash of item_id), scored on the holdout
beside the majority class. Empty when fewer than two categories can be learned.

Thin on purpose: the math is retail_recs.category_classifier.
"""

import pyarrow as pa

from retail_recs import category_classifier


def model(dbt, session):
    dbt.config(materialized="table")
    data = category_classifier.classifier_data(
        dbt.ref("int_item_given_categories").fetchall(),
        dbt.ref("int_item_description_terms").fetchnumpy(),
    )
    labelled = data.labelled
    labels = data.labels[labelled]
    held_out = category_classifier.holdout(
        [item for item, known in zip(data.items, labelled, strict=True) if known],
        float(dbt.config.get("holdout_share")),
    )
    metrics = category_classifier.evaluate(data.X[labelled], labels, held_out)
    rows = [] if metrics is None else [metrics]
    return pa.table(
        {
            "training_items": pa.array([m.training_items for m in rows], pa.int64()),
            "holdout_items": pa.array([m.holdout_items for m in rows], pa.int64()),
            "accuracy": pa.array([m.accuracy for m in rows], pa.float64()),
            "macro_f1": pa.array([m.macro_f1 for m in rows], pa.float64()),
            "majority_category": pa.array([m.majority_category for m in rows], pa.string()),
            "majority_accuracy": pa.array([m.majority_accuracy for m in rows], pa.float64()),
        }
    )
