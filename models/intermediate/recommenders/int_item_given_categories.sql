-- Each item's top-level category as the source gave it, NULL when it gave none: the labels
-- the category classifier learns from, the items it predicts, and item_categories.category_top.
--
-- Catalogues write paths in many ways ('Home > Kitchen', 'Home/Kitchen', 'Home|Kitchen'), so by
-- default (var retail_recs__category_separator: auto) the separator is read from the data: of
-- the candidates below, the one in the most paths among those that split paths into shared
-- first levels. A name that only contains one ('Bags/Purses' beside 'Tops/Tees') shares no
-- first level, so a flat catalogue stays flat. Levels are trimmed, and a root every path
-- shares ('Default Category/Men/Tops', as e-commerce platforms export) is skipped: a top
-- level that every item has separates nothing.
{%- set configured = var('retail_recs__category_separator') -%}
{%- if configured is not string or configured == '' -%}
    {{ exceptions.raise_compiler_error(
        "var retail_recs__category_separator must be text (auto, or the separator of category levels), got " ~ configured) }}
{%- endif -%}
{#- No backslash or repeated character: dbt-spark's split_part reads the separator as a
    regular expression and escapes only its first character. -#}
{%- set is_auto = configured == 'auto' -%}
{%- set separators = ['>', '/', '|', '»', '::'] if is_auto else [configured] %}

with items as (
    select item_id, nullif(trim(category), '') as category
    from {{ ref('stg_items') }}
),

paths as (
    select distinct category
    from items
    where category is not null
),

separator_use as (
    {%- for separator in separators %}
    select
        {{ loop.index }} as preference,
        count(*) as paths_split,
        count(distinct first_level) as first_levels
    from (
        select trim({{ dbt.split_part('category', "'" ~ dbt.escape_single_quotes(separator) ~ "'", 1) }}) as first_level
        from paths
        where {{ dbt.position("'" ~ dbt.escape_single_quotes(separator) ~ "'", 'category') }} > 0
    ) as split_paths
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

chosen_separator as (
    select min(preference) as preference
    from (
        select
            preference,
            rank() over (order by paths_split desc) as use_rank
        from separator_use
        {%- if is_auto %}
        where paths_split > first_levels
        {%- endif %}
    ) as ranked
    where use_rank = 1
),

parts as (
    select
        items.item_id,
        items.category,
        chosen_separator.preference
        {%- for part in [1, 2, 3] %},
        case chosen_separator.preference
            {%- for separator in separators %}
            {%- set literal = "'" ~ dbt.escape_single_quotes(separator) ~ "'" %}
            when {{ loop.index }} then nullif(trim({{ dbt.split_part('items.category', literal, part) }}), '')
            {%- endfor %}
        end as part_{{ part }}
        {%- endfor %}
    from items
    left join chosen_separator
        on 1 = 1
),

-- A path that starts with its separator ('/Men/Tops') starts at its second part.
levels as (
    select
        item_id,
        case when preference is null then category else coalesce(part_1, part_2) end as first_level,
        case when part_1 is null then part_3 else part_2 end as second_level
    from parts
),

shared_root as (
    select count(distinct first_level) = 1 and count(second_level) > 0 as is_skipped
    from levels
    where first_level is not null
)

select
    levels.item_id,
    case
        when shared_root.is_skipped then coalesce(levels.second_level, levels.first_level)
        else coalesce(levels.first_level, levels.second_level)
    end as given_category
from levels
cross join shared_root
