{#- round(Σ a·b, decimals) as a double, summed exactly: a and b are already rounded to
    a_decimals and b_decimals, so in decimal arithmetic every product and their sum are exact
    whatever order the parallel sum takes. A float sum of the same products lands either side
    of a rounding tie (an exact sum whose digit after `decimals` is a 5 then zeros, common
    when a factor is a multiple of 0.5) depending on that order, and the tie moved a candidate
    across its neighbour's rank: two builds of Online Retail differed in 479 user-CF scores,
    which changed the rows the ranker learned from. Each factor fits decimal(18, its decimals):
    |a| and |b| below 10^(18 - decimals). -#}
{% macro exact_sum_of_products(a, a_decimals, b, b_decimals, decimals) %}
    cast(round(sum(
        cast({{ a }} as decimal(18, {{ a_decimals }}))
        * cast({{ b }} as decimal(18, {{ b_decimals }}))
    ), {{ decimals }}) as {{ type_double() }})
{%- endmacro %}
