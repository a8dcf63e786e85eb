-- The terms of each item's name and description, without its category: the evidence the
-- category classifier (item_category_predictions) learns categories from.
{{ extract_item_terms(ref('stg_items'), ['name', 'description']) }}
