{#- Helpers of the campaign models: targeting lists, the experiment split, coupon codes. -#}

{#- True when value is one of the '|'-separated entries of list_expression (or the list is
    NULL, which targets everyone). -#}
{% macro in_target_list(list_expression, value_expression) %}
    (
        {{ list_expression }} is null
        or {{ dbt.position(
            dbt.concat(["'|'", value_expression, "'|'"]),
            dbt.concat(["'|'", list_expression, "'|'"])
        ) }} > 0
    )
{% endmacro %}

{#- A number in [0, 1) from a lower-case hex digest (such as dbt.hash, i.e. md5): its first 8
    digits read as an integer over 16^8. md5 is the same on every warehouse and version
    (unlike hash()), so a rebuild, or a move to Spark, keeps everyone in the same group.
    The sum is bigint (up to 16^8 - 1 overflows a 32-bit int, which Spark wraps silently)
    and the division is in double (a literal '.0' is a decimal on Spark). -#}
{% macro hex_fraction(hex_column) %}
    cast(
        {%- for digit in range(8) %}
        cast({{ dbt.position('substr(' ~ hex_column ~ ', ' ~ (digit + 1) ~ ', 1)', "'0123456789abcdef'") }} - 1 as {{ dbt.type_bigint() }})
            * {{ 16 ** (7 - digit) }}{% if not loop.last %} +{% endif %}
        {%- endfor %}
    as {{ type_double() }}) / {{ 16 ** 8 }}
{% endmacro %}

{#- A coupon code: the campaign's prefix and 16 hex digits (64 bits) of a keyed sha256 of
    campaign and customer. Without the secret RETAIL_RECS_COUPON_SALT a code can be neither
    derived from a customer id nor matched back to one. -#}
{% macro coupon_code(prefix_expression, campaign_expression, user_expression) %}
    {%- set salt = salt_sql('coupon') -%}
    {{ dbt.concat([
        'upper(' ~ prefix_expression ~ ')',
        "'-'",
        'upper(substr(' ~ sha256_hex(dbt.concat([salt, "'|'", campaign_expression, "'|'", user_expression])) ~ ', 1, 16))'
    ]) }}
{% endmacro %}

{#- True when a campaign event counts for its campaign: from the start of starts_on to the end
    of var retail_recs__campaign_attribution_days days after ends_on. -#}
{% macro in_attribution_window(event_at, starts_on, ends_on) %}
    (
        {{ event_at }} >= cast({{ starts_on }} as {{ dbt.type_timestamp() }})
        and {{ event_at }} < cast({{ dbt.dateadd(
            'day', number_var('retail_recs__campaign_attribution_days') | int + 1, ends_on
        ) }} as {{ dbt.type_timestamp() }})
    )
{% endmacro %}
