{#- The basket of an event: its order when it has one, else its session (NULL without either). -#}
{% macro basket_id(order_id, session_id) %}
    case
        when {{ order_id }} is not null then 'order:' || {{ order_id }}
        else 'session:' || {{ session_id }}
    end
{%- endmacro %}
