{#- Settings that become SQL literals. A var is never pasted into SQL as it is: numbers and
    dates are checked against their form, and text is quoted with the adapter's own escaping,
    so a quote in a setting is a clear error or a literal quote, never SQL. -#}

{#- A numeric var, rendered as a number; anything else stops the build naming the var. -#}
{% macro number_var(name) %}
    {%- set value = var(name) -%}
    {%- if value is not number or value is boolean -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be a number, got " ~ value
        ) }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}

{#- A date or timestamp var ('YYYY-MM-DD' or 'YYYY-MM-DD HH:MM[:SS]') as a timestamp literal. -#}
{% macro date_var_timestamp(name) %}
    {{ return(timestamp_literal(var(name), name)) }}
{% endmacro %}

{% macro timestamp_literal(value, var_name) %}
    {%- set text = value | string -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?', text) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ var_name ~ " must be a date 'YYYY-MM-DD' or a time 'YYYY-MM-DD HH:MM:SS', got "
            ~ text
        ) }}
    {%- endif -%}
    {{ return("cast('" ~ text ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{% endmacro %}

{#- A text var as a quoted string literal, escaped the adapter's way. -#}
{% macro string_var_literal(name) %}
    {%- set value = var(name) -%}
    {%- if value is not string -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be text, got " ~ value) }}
    {%- endif -%}
    {{ return("'" ~ dbt.escape_single_quotes(value) ~ "'") }}
{% endmacro %}

{#- A var listing column names: each must be a plain lower-case identifier. -#}
{% macro column_list_var(name) %}
    {%- set value = var(name) -%}
    {%- if value is string or value is not iterable -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a list of column names, got " ~ value) }}
    {%- endif -%}
    {%- for column in value -%}
        {%- if column is not string or not modules.re.fullmatch('[a-z_][a-z0-9_]*', column) -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ name ~ " must list plain column names, got " ~ column) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(value) }}
{% endmacro %}

{#- var retail_recs__blend_weights: {algorithm: number}, algorithms named like the lists. -#}
{% macro blend_weights_var() %}
    {%- set weights = var('retail_recs__blend_weights') -%}
    {%- if weights is not mapping -%}
        {{ exceptions.raise_compiler_error(
            "var retail_recs__blend_weights must map algorithms to weights, got " ~ weights) }}
    {%- endif -%}
    {%- for algorithm, weight in weights.items() -%}
        {%- if not modules.re.fullmatch('[a-z_]+', algorithm | string)
            or weight is not number or weight is boolean -%}
            {{ exceptions.raise_compiler_error(
                "var retail_recs__blend_weights must map algorithm names to numbers, got "
                ~ algorithm ~ ": " ~ weight) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(weights) }}
{% endmacro %}

{#- var retail_recs__blend_weights as a relation of (algorithm, weight), weights as doubles. -#}
{% macro blend_weights_relation() %}
    (
        {%- for algorithm, weight in blend_weights_var().items() %}
        select '{{ algorithm }}' as algorithm, cast({{ weight }} as {{ type_double() }}) as weight
        {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{#- True for a finite number, false for NaN and ±infinity, NULL for NULL: x − x is 0 only for
    finite x, on every engine (NaN and ∞ − ∞ are NaN, which equals no number). -#}
{% macro is_finite(expression) %}
    ({{ expression }} - {{ expression }} = 0)
{% endmacro %}

{#- A relation of one integer column, one row per whole number of `values` (a var's list,
    already checked): a select to put in a CTE or a subquery. -#}
{% macro integer_rows(values, column) %}
    {%- for value in values %}
    select cast({{ value | int }} as {{ dbt.type_int() }}) as {{ column }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{% endmacro %}
