"""The top-level category naive Bayes predicts for each uncategorised item, from its name
and description (int_item_description_terms), learned from every categorised item. A
prediction is used only at a probability of at least var
retail_recs__category_min_probability. Empty when fewer than two categories are known.

Thin on purpose: the math is retail_recs.category_classifier.
"""

import numpy as np
import pyarrow as pa

from retail_recs import category_classifier


def model(dbt, session):
    dbt.config(materialized="table")
    data = category_classifier.classifier_data(
        dbt.ref("int_item_given_categories").fetchall(),
        dbt.ref("int_item_description_terms").fetchnumpy(),
    )
    labelled = data.labelled
    unknown = np.flatnonzero(~labelled)
    if not category_classifier.learnable(data.X[labelled], data.labels[labelled]):
        unknown = unknown[:0]
    predicted, probability = np.array([], dtype=object), np.array([])
    if len(unknown):
        fitted = category_classifier.fit(data.X[labelled], data.labels[labelled])
        predicted, probability = category_classifier.predict(fitted, data.X[unknown])
    threshold = float(dbt.config.get("min_probability"))
    return pa.table(
        {
            "item_id": pa.array([data.items[i] for i in unknown], pa.string()),
            "predicted_category": pa.array(predicted.tolist(), pa.string()),
            "probability": pa.array(probability, pa.float64()),
            "is_used": pa.array(probability >= threshold, pa.bool_()),
        }
    )
