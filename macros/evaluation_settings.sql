{#- The evaluation's cut-offs, var retail_recs__eval_k_values, checked: a bad value would
    silently change the grain of the metrics. At parse time the var may be unset (dbt then
    stops at run time with "Required var"), so it is checked only when executing. -#}
{% macro eval_k_values() %}
    {%- set k_values = var('retail_recs__eval_k_values') if execute else [1] %}
    {%- if k_values is string or k_values is not iterable or k_values | length == 0 %}
        {{ exceptions.raise_compiler_error(
            "var retail_recs__eval_k_values must be a non-empty list of positive integers, got "
            ~ k_values
        ) }}
    {%- endif %}
    {%- for k in k_values %}
        {%- if k is not integer or k is boolean or k < 1 %}
            {{ exceptions.raise_compiler_error(
                "var retail_recs__eval_k_values must hold positive integers, got " ~ k_values
            ) }}
        {%- endif %}
    {%- endfor %}
    {%- if k_values | unique | list | length != k_values | length %}
        {{ exceptions.raise_compiler_error(
            "var retail_recs__eval_k_values must not repeat a value, got " ~ k_values
        ) }}
    {%- endif %}
    {{ return(k_values) }}
{% endmacro %}

{#- Items per replayed list, var retail_recs__eval_list_length: the metrics read the top k
    only, so a longer list is replay cost for nothing, and a shorter one than the largest k
    would score k places on fewer items. -#}
{% macro eval_list_length() %}
    {%- set list_length = number_var('retail_recs__eval_list_length') %}
    {%- set largest_k = eval_k_values() | max %}
    {%- if list_length is not integer or list_length < largest_k %}
        {{ exceptions.raise_compiler_error(
            "var retail_recs__eval_list_length must be a whole number of at least the largest"
            ~ " of retail_recs__eval_k_values (" ~ largest_k ~ "), got " ~ list_length
        ) }}
    {%- endif %}
    {{ return(list_length) }}
{% endmacro %}

{#- The k at which strategies and candidate budgets are compared: the production list's length
    (var retail_recs__recommendations_per_user), else the largest evaluated k below it, else
    the smallest evaluated k. -#}
{% macro strategy_k() %}
    {%- set list_length = number_var('retail_recs__recommendations_per_user') %}
    {%- set below = eval_k_values() | select('le', list_length) | list %}
    {{ return(below | max if below else eval_k_values() | min) }}
{% endmacro %}
