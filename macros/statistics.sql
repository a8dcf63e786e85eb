{#- Statistics for A/B measurement with only exp, sqrt and abs, so every warehouse can run
    them (there is no portable erf or normal CDF function). -#}

{#- z of a two-sided 95% confidence interval. -#}
{% macro z_95() %}1.959963984540054{% endmacro %}

{#- Two-sided p-value of a standard-normal z: 2 (1 - Φ(|z|)), by Abramowitz & Stegun 26.2.17
    (absolute error below 7.5e-8 on Φ). NULL when z is NULL. -#}
{% macro two_sided_p_value(z) %}
    (
        2 * exp(-0.5 * ({{ z }}) * ({{ z }})) / 2.5066282746310002
        * (
            {%- set t = '(1 / (1 + 0.2316419 * abs(' ~ z ~ ')))' %}
            0.319381530 * {{ t }}
            - 0.356563782 * power({{ t }}, 2)
            + 1.781477937 * power({{ t }}, 3)
            - 1.821255978 * power({{ t }}, 4)
            + 1.330274429 * power({{ t }}, 5)
        )
    )
{% endmacro %}
