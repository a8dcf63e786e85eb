"""retail_recs.python_recommenders: scoring a subset of customers (the evaluation's sample)
gives each of them exactly the rows it gets when every customer is scored."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from retail_recs import python_recommenders

CUSTOMERS, ITEMS = 60, 40


@pytest.fixture()
def shop():
    """A random shop as DuckDB relations: customers, items (some inactive, some not
    repeatable) and positive affinities, with dense indexes."""
    rng = np.random.default_rng(11)
    con = duckdb.connect()
    customers = pa.table(
        {
            "user_id": [f"u{i:03d}" for i in range(CUSTOMERS)],
            "user_index": np.arange(CUSTOMERS),
        }
    )
    items = pa.table(
        {
            "item_index": np.arange(ITEMS),
            "is_active": rng.random(ITEMS) > 0.1,
            "is_repeatable": rng.random(ITEMS) > 0.5,
        }
    )
    cells = {(u, i) for u in range(CUSTOMERS) for i in rng.choice(ITEMS, 6, replace=False)}
    users, item_indexes = (np.array(column) for column in zip(*sorted(cells), strict=True))
    interactions = pa.table(
        {
            "user_index": users,
            "item_index": item_indexes,
            "affinity": rng.random(len(users)) + 0.1,
            "has_purchased": rng.random(len(users)) < 0.6,
        }
    )
    return con, con.from_arrow(customers), con.from_arrow(items), con.from_arrow(interactions)


def rows_of(table: pa.Table, users: np.ndarray) -> list[tuple]:
    frame = table.to_pandas()
    frame = frame[frame.user_index.isin(users)]
    return sorted(frame.itertuples(index=False, name=None))


def test_user_indexes_are_the_wanted_customers_dense_indexes(shop):
    con, customers, _, _ = shop
    wanted = con.from_arrow(pa.table({"user_id": ["u007", "u002", "u007", "nobody"]}))
    assert python_recommenders.user_indexes(customers, wanted).tolist() == [2, 7]


@pytest.mark.parametrize("repeat_purchases", [True, False])
def test_a_scored_subset_gets_the_rows_it_gets_among_everyone(shop, repeat_purchases):
    _, customers, items, interactions = shop
    subset = np.array([0, 5, 17, 42, 59])
    factors = shop[0].from_arrow(
        python_recommenders.factor_table(interactions, customers, items, 8, "log1p", 3)
    )
    svd_all = python_recommenders.candidate_table(factors, items, interactions, 7, repeat_purchases)
    svd_some = python_recommenders.candidate_table(
        factors, items, interactions, 7, repeat_purchases, scored_users=subset
    )
    protocol = "repeats_allowed" if repeat_purchases else "new_items"
    ease_all = python_recommenders.ease_candidate_table(
        interactions, customers, items, 10.0, 30, 7, (protocol,)
    ).drop_columns(["protocol"])
    ease_some = python_recommenders.ease_candidate_table(
        interactions, customers, items, 10.0, 30, 7, (protocol,), scored_users=subset
    ).drop_columns(["protocol"])
    for everyone, some in ((svd_all, svd_some), (ease_all, ease_some)):
        assert set(some.column("user_index").to_pylist()) == set(subset.tolist())
        assert rows_of(some, subset) == rows_of(everyone, subset)
        assert some.num_rows < everyone.num_rows


def test_ease_fitted_once_gives_each_protocol_its_own_rows(shop):
    """Both protocols from one fit are the rows each protocol gets alone, and an unknown
    protocol is refused by name."""
    _, customers, items, interactions = shop
    both = python_recommenders.ease_candidate_table(
        interactions, customers, items, 10.0, 30, 7, ("repeats_allowed", "new_items")
    )
    rows = {}
    for protocol in ("repeats_allowed", "new_items"):
        alone = python_recommenders.ease_candidate_table(
            interactions, customers, items, 10.0, 30, 7, (protocol,)
        )
        rows[protocol] = both.filter(pc.equal(both["protocol"], protocol)).to_pylist()
        assert rows[protocol] == alone.to_pylist()
    # Repeatable items the customers bought come back under repeats_allowed only.
    key = ("user_index", "item_index")
    assert {tuple(r[k] for k in key) for r in rows["new_items"]} != {
        tuple(r[k] for k in key) for r in rows["repeats_allowed"]
    }
    with pytest.raises(ValueError, match="unknown protocol"):
        python_recommenders.ease_candidate_table(
            interactions, customers, items, 10.0, 30, 7, ("repeats",)
        )


def test_svd_never_lists_an_item_nobody_interacted_with(shop):
    """Items without an interaction have zero factors: listing them would only fill short
    lists in catalogue order. 30 unsold active items join the 40; with 60 candidates asked,
    every customer's list stops at the items the SVD knows."""
    con, customers, _, interactions = shop
    wider = con.from_arrow(
        pa.table(
            {
                "item_index": np.arange(ITEMS + 30),
                "is_active": np.ones(ITEMS + 30, dtype=bool),
                "is_repeatable": np.ones(ITEMS + 30, dtype=bool),
            }
        )
    )
    factors = con.from_arrow(
        python_recommenders.factor_table(interactions, customers, wider, 8, "log1p", 3)
    )
    listed = python_recommenders.candidate_table(factors, wider, interactions, 60)
    sold = set(interactions.select("item_index").fetchnumpy()["item_index"].tolist())
    assert set(pc.unique(listed["item_index"]).to_pylist()) <= sold
    assert listed.num_rows == CUSTOMERS * len(sold)
