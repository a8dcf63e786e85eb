{#- A CSV file as a relation of text columns, one per header name, and one more,
    extra_fields_column(): the fields a line has beyond the header, joined by the delimiter
    (NULL when it has none, or only empty ones). DuckDB's reader drops a longer line's extra
    fields without a word when strict_mode is off, as the damaged lines exports write need:
    a price split by an unquoted decimal comma ('12,50') read as 12. So the file's dialect
    is sniffed first, and the file is read with one more column than the sniffer saw. A
    column the sniffer named 'column<N>' after the header's is one it saw only in longer
    lines: extra fields too.
    A ragged line (fewer fields than the header) is padded with NULLs and reaches quarantine
    too: without null_padding, three such lines among 54,951 made the sniffer read the whole
    header as one column, and in a small file the sniffer gave up unless strict_mode was off.
    DuckDB pads only in its serial reader when a quoted field holds a newline (a product
    description), hence parallel = false (3M rows: 0.53 s against 0.3 s). -#}
{% macro duckdb_csv_relation(path) %}
    {%- set options = "header = true, null_padding = true, strict_mode = false, encoding = '"
        ~ csv_encoding() ~ "'" -%}
    {%- if not probes_sources() -%}
        {{ return("read_csv(" ~ path ~ ", all_varchar = true, parallel = false, " ~ options ~ ")") }}
    {%- endif -%}
    {%- set sniffed = run_query(
        "select to_json([Delimiter, Quote, Escape, NewLineDelimiter, Comment]) as characters,"
        ~ " SkipRows as skip_rows, to_json(list_transform(Columns, lambda c: c.name)) as names"
        ~ " from sniff_csv(" ~ path ~ ", " ~ options ~ ")"
    ).rows[0] -%}
    {%- set names = fromjson(sniffed['names']) -%}
    {%- set header = namespace(length=names | length) -%}
    {%- for name in names | reverse -%}
        {%- set position = names | length - loop.index -%}
        {%- if header.length == position + 1 and position > 0
            and modules.re.fullmatch('column0*' ~ position, name) -%}
            {%- set header.length = position -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set dialect = [] -%}
    {%- set characters = fromjson(sniffed['characters']) -%}
    {%- for option in ['delim', 'quote', 'escape', 'new_line', 'comment'] -%}
        {%- set character = '' if characters[loop.index0] == '(empty)' else characters[loop.index0] -%}
        {%- if option != 'new_line' or character -%}
            {%- do dialect.append(option ~ " = '" ~ dbt.escape_single_quotes(character) ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set columns, selected, extra = [], [], [] -%}
    {%- for name in names[:header.length] -%}
        {%- do columns.append("'" ~ dbt.escape_single_quotes(name) ~ "': 'VARCHAR'") -%}
        {%- do selected.append('"' ~ name | replace('"', '""') ~ '"') -%}
    {%- endfor -%}
    {%- for number in range(names | length - header.length + 1) -%}
        {%- do columns.append("'retail_recs_extra_field_" ~ loop.index ~ "': 'VARCHAR'") -%}
        {%- do extra.append("retail_recs_extra_field_" ~ loop.index) -%}
    {%- endfor -%}
    {%- do selected.append("nullif(concat_ws('" ~ dbt.escape_single_quotes(characters[0])
        ~ "', " ~ extra | join(', ') ~ "), '') as " ~ extra_fields_column()) -%}
    {{ return(
        "(select " ~ selected | join(', ') ~ " from read_csv(" ~ path ~ ", auto_detect = false, "
        ~ dialect | join(', ') ~ ", skip = " ~ sniffed['skip_rows'] ~ ", columns = {"
        ~ columns | join(', ') ~ "}, parallel = false, " ~ options ~ "))"
    ) }}
{% endmacro %}

{#- The column of a source relation that holds a line's fields beyond its header. -#}
{% macro extra_fields_column() %}{{ return('retail_recs_extra_fields') }}{% endmacro %}
