{#- The model's required columns, in one test: fails once for each listed column that holds a
    NULL, naming it and counting its NULL rows. One scan of the model for all of them, where a
    not_null test per column scans it once each and adds a node to every build's graph. -#}
{% test columns_not_null(model, columns) %}
{%- if not columns %}
    {{ exceptions.raise_compiler_error("columns_not_null on " ~ model ~ " needs a non-empty list of columns") }}
{%- endif %}

with null_rows as (
    select
        {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as null_rows_{{ loop.index }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
)

{%- for column in columns %}
select '{{ column }}' as column_name, null_rows_{{ loop.index }} as null_rows
from null_rows
where null_rows_{{ loop.index }} > 0
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}

{% endtest %}
