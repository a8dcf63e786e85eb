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
{% macro duckdb_csv_relation(path, source_name) %}
    {%- set options = "header = true, null_padding = true, strict_mode = false, encoding = '"
        ~ csv_encoding() ~ "'" -%}
    {%- if not probes_sources() -%}
        {{ return("read_csv(" ~ path ~ ", all_varchar = true, parallel = false, " ~ options ~ ")") }}
    {%- endif -%}
    {%- set sniffed = csv_dialect(first_csv_file(path), options) -%}
    {#- Lines above the header (a report's title and date range) made the padded sniff read the
        first of them as a header with names missing. Without padding, the sniffer skips
        them, but it also takes a long line late in the file for the header: its header is
        taken only when it names more of source_name's contract columns. -#}
    {%- if sniffed.header_length < sniffed.names | length -%}
        {%- set unpadded = csv_dialect(first_csv_file(path), options | replace(
            "null_padding = true", "null_padding = false")) -%}
        {%- if unpadded.skip_rows > sniffed.skip_rows
            and contract_column_count(source_name, unpadded.names[:unpadded.header_length])
                > contract_column_count(source_name, sniffed.names[:sniffed.header_length]) -%}
            {%- set sniffed = unpadded -%}
        {%- endif -%}
    {%- endif -%}
    {%- set names, characters = sniffed.names, sniffed.characters -%}
    {%- set dialect = [] -%}
    {%- for option in ['delim', 'quote', 'escape', 'new_line', 'comment'] -%}
        {%- set character = '' if characters[loop.index0] == '(empty)' else characters[loop.index0] -%}
        {%- if option != 'new_line' or character -%}
            {%- do dialect.append(option ~ " = '" ~ dbt.escape_single_quotes(character) ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set columns, selected, extra = [], [], [] -%}
    {%- for name in names[:sniffed.header_length] -%}
        {%- do columns.append("'" ~ dbt.escape_single_quotes(name) ~ "': 'VARCHAR'") -%}
        {%- do selected.append('"' ~ name | replace('"', '""') ~ '"') -%}
    {%- endfor -%}
    {%- for number in range(names | length - sniffed.header_length + 1) -%}
        {%- do columns.append("'retail_recs_extra_field_" ~ loop.index ~ "': 'VARCHAR'") -%}
        {%- do extra.append("retail_recs_extra_field_" ~ loop.index) -%}
    {%- endfor -%}
    {%- do selected.append("nullif(concat_ws('" ~ dbt.escape_single_quotes(characters[0])
        ~ "', " ~ extra | join(', ') ~ "), '') as " ~ extra_fields_column()) -%}
    {{ return(
        "(select " ~ selected | join(', ') ~ " from read_csv(" ~ path ~ ", auto_detect = false, "
        ~ dialect | join(', ') ~ ", skip = " ~ sniffed.skip_rows ~ ", columns = {"
        ~ columns | join(', ') ~ "}, parallel = false, " ~ options ~ "))"
    ) }}
{% endmacro %}

{#- The first file of path (a literal, a file or a glob) that holds a byte, quoted: DuckDB's
    sniffer reads one file, and an empty one (a day without orders) has no header to find.
    Files with no byte at all stop the build naming them. -#}
{% macro first_csv_file(path) %}
    {%- set files = run_query(
        "select count(*) as files, min(filename) filter (where size > 0) as first"
        ~ " from read_blob(" ~ path ~ ")"
    ).rows[0] -%}
    {%- if files['first'] is none -%}
        {{ exceptions.raise_compiler_error(
            "CSV file " ~ path ~ (" is empty (0 bytes)" if files['files'] == 1 else " matches "
            ~ files['files'] ~ " files, all empty (0 bytes)") ~ ": export it again with its"
            ~ " header line at least. See README.md, section 'The input contract'.") }}
    {%- endif -%}
    {{ return("'" ~ dbt.escape_single_quotes(files['first']) ~ "'") }}
{% endmacro %}

{#- DuckDB's sniff of one CSV file: its characters (delimiter, quote, escape, line end,
    comment), the lines above its header, its column names, and header_length, how many of
    them the header wrote. The names after those are the sniffer's 'column<N>' for fields it
    saw only in longer lines. -#}
{% macro csv_dialect(file, options) %}
    {%- set sniffed = run_query(
        "select to_json([Delimiter, Quote, Escape, NewLineDelimiter, Comment]) as characters,"
        ~ " SkipRows as skip_rows, to_json(list_transform(Columns, lambda c: c.name)) as names"
        ~ " from sniff_csv(" ~ file ~ ", " ~ options ~ ")"
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
    {{ return({
        'characters': fromjson(sniffed['characters']), 'skip_rows': sniffed['skip_rows'],
        'names': names, 'header_length': header.length
    }) }}
{% endmacro %}

{#- How many of names are a contract column of source_name, as headers match them (macro
    contract_column_sources). -#}
{% macro contract_column_count(source_name, names) %}
    {%- set contract = input_contract()[source_name] -%}
    {%- set wanted = [] -%}
    {%- for column in contract.required + contract.optional -%}
        {%- do wanted.append(loose_column_name(column)) -%}
    {%- endfor -%}
    {%- set found = [] -%}
    {%- for name in names if loose_column_name(name) in wanted -%}
        {%- do found.append(name) -%}
    {%- endfor -%}
    {{ return(found | length) }}
{% endmacro %}

{#- The column of a source relation that holds a line's fields beyond its header. -#}
{% macro extra_fields_column() %}{{ return('retail_recs_extra_fields') }}{% endmacro %}
