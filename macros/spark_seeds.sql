{#- Seeds on Spark. dbt-spark's loader binds values by pasting them into the SQL unescaped,
    so a quote ("Can't lose") breaks the statement and an empty cell becomes the text 'None'
    (dbt-spark#901). This renders each value as an escaped literal and an empty cell as NULL,
    so a seed loads the same rows as on DuckDB. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {%- for row in chunk %}
            ({%- for col_name in agate_table.column_names -%}
                {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                {{ spark_seed_literal(row[loop.index0], type) }}{{ ', ' if not loop.last }}
            {%- endfor -%}){{ ',' if not loop.last }}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{#- One seed cell as a Spark literal of its column's type: NULL when empty; text with its
    backslashes and quotes escaped (Spark reads backslash escapes in literals). -#}
{% macro spark_seed_literal(value, type) %}
    {%- if value is none -%}
        cast(null as {{ type }})
    {%- else -%}
        {%- set text = (value | string) if value is not boolean else ('true' if value else 'false') -%}
        cast('{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type }})
    {%- endif -%}
{% endmacro %}
