{#- The category of items whose source gives none (dim_items); recommendations do not cap it
    and cluster labels do not name it. -#}
{% macro uncategorized() %}'Uncategorized'{% endmacro %}
