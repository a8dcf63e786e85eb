{#- CSV files as a relation of text columns, one per header name, and one more,
    extra_fields_column(): the fields a line has beyond the header, joined by the delimiter
    (NULL when it has none, or only empty ones). DuckDB's reader drops a longer line's extra
    fields without a word when strict_mode is off, as the damaged lines exports write need:
    a price split by an unquoted decimal comma ('12,50') read as 12. So each file's dialect
    is sniffed first, and the file is read with one more column than the sniffer saw. A
    column the sniffer named 'column<N>' after the header's is one it saw only in longer
    lines: extra fields too.
    A ragged line (fewer fields than the header) is padded with NULLs and reaches quarantine
    too: without null_padding, three such lines among 54,951 made the sniffer read the whole
    header as one column, and in a small file the sniffer gave up unless strict_mode was off.
    DuckDB pads only in its serial reader when a quoted field holds a newline (a product
    description), hence parallel = false (3M rows: 0.53 s against 0.3 s).
    A glob's files are read by column name: with the columns given, DuckDB binds a file's
    fields by position, so a column that a later export moved, added or dropped was read
    into its neighbour's place. Files whose headers and dialects agree are read together,
    and those reads are combined by name. Each file's sniff costs about 13 ms whatever its
    sample, on each of the few reads of a source in a build.
    A source whose columns var retail_recs__column_names names by position has files without a
    header line: each line is a record, and the first is not lost as a header. -#}
{% macro duckdb_csv_relation(path, source_name) %}
    {%- set header = 'false' if names_columns_by_position(source_name) else 'true' -%}
    {%- set options = "header = " ~ header ~ ", null_padding = true, strict_mode = false,"
        ~ " encoding = '" ~ csv_encoding() ~ "'" -%}
    {%- set delimiter = csv_delimiter() -%}
    {%- if not probes_sources() -%}
        {{ return("read_csv(" ~ path ~ ", all_varchar = true, parallel = false, " ~ options ~ ")") }}
    {%- endif -%}
    {%- set groups = {} -%}
    {%- for file in nonempty_csv_files(path) -%}
        {%- do groups.setdefault(tojson(header_dialect(file, source_name, options, delimiter)), []).append(file) -%}
    {%- endfor -%}
    {%- if groups | length == 1 -%}
        {{ return(csv_read(path, fromjson(groups.keys() | first), options)) }}
    {%- endif -%}
    {%- set reads = [] -%}
    {%- for dialect, members in groups.items() -%}
        {%- do reads.append(csv_read(file_list(members), fromjson(dialect), options)) -%}
    {%- endfor -%}
    {{ return("(" ~ reads | join(" union all by name ") ~ ")") }}
{% endmacro %}

{#- A DuckDB list literal of file names. -#}
{% macro file_list(files) %}
    {%- set quoted = [] -%}
    {%- for file in files -%}
        {%- do quoted.append("'" ~ dbt.escape_single_quotes(file) ~ "'") -%}
    {%- endfor -%}
    {{ return("[" ~ quoted | join(", ") ~ "]") }}
{% endmacro %}

{#- The relation of files (a quoted path or glob, or a list literal) read in dialect. -#}
{% macro csv_read(files, dialect, options) %}
    {%- set names, characters = dialect.names, dialect.characters -%}
    {%- set settings = [] -%}
    {%- for option in ['delim', 'quote', 'escape', 'new_line', 'comment'] -%}
        {%- set character = '' if characters[loop.index0] == '(empty)' else characters[loop.index0] -%}
        {%- if option != 'new_line' or character -%}
            {%- do settings.append(option ~ " = '" ~ dbt.escape_single_quotes(character) ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set columns, selected, extra = [], [], [] -%}
    {%- for name in names[:dialect.header_length] -%}
        {%- do columns.append("'" ~ dbt.escape_single_quotes(name) ~ "': 'VARCHAR'") -%}
        {%- do selected.append('"' ~ name | replace('"', '""') ~ '"') -%}
    {%- endfor -%}
    {%- for number in range(names | length - dialect.header_length + 1) -%}
        {%- do columns.append("'retail_recs_extra_field_" ~ loop.index ~ "': 'VARCHAR'") -%}
        {%- do extra.append("retail_recs_extra_field_" ~ loop.index) -%}
    {%- endfor -%}
    {%- do selected.append("nullif(concat_ws('" ~ dbt.escape_single_quotes(characters[0])
        ~ "', " ~ extra | join(', ') ~ "), '') as " ~ extra_fields_column()) -%}
    {%- do selected.append(swallowed_lines(selected[:-1] + extra, characters[0], dialect.header_length)
        ~ " as " ~ swallowed_lines_column()) -%}
    {{ return(
        "(select " ~ selected | join(', ') ~ " from read_csv(" ~ files ~ ", auto_detect = false, "
        ~ settings | join(', ') ~ ", skip = " ~ dialect.skip_rows ~ ", columns = {"
        ~ columns | join(', ') ~ "}, parallel = false, " ~ options ~ "))"
    ) }}
{% endmacro %}

{#- The lines of the file that a quote left open read into one row's values: NULL unless a
    value holds a line break followed by a line with as many fields as the header (a whole
    record), else every line after a break in the row's values. A value that opens with a
    quote ('"12 inch tray,...') is read, by CSV's rules, up to the next quote in the file,
    however many lines later: the records between become one field of one row. A quoted
    description may hold line breaks; a line of it with header_length - 1 delimiters is
    rare. In a file of one column every line is a record. -#}
{% macro swallowed_lines(columns, delimiter, header_length) %}
    {%- set record_line = "'\\n(?:[^\\n]*?" ~ dbt.escape_single_quotes(modules.re.escape(delimiter))
        ~ "){" ~ (header_length - 1) ~ "}'" -%}
    {%- set holds_record, breaks = [], [] -%}
    {%- for column in columns -%}
        {%- do holds_record.append("(contains(" ~ column ~ ", chr(10)) and regexp_matches("
            ~ column ~ ", " ~ record_line ~ "))") -%}
        {%- do breaks.append("coalesce(length(" ~ column ~ ") - length(replace(" ~ column
            ~ ", chr(10), '')), 0)") -%}
    {%- endfor -%}
    {{ return("case when " ~ holds_record | join(" or ") ~ " then " ~ breaks | join(" + ") ~ " end") }}
{% endmacro %}

{#- The files of path (a quoted file or glob) that hold a byte, in name order: DuckDB's sniffer
    finds no header in an empty one (a day without orders), which holds no row either. Files
    with no byte at all stop the build naming them. -#}
{% macro nonempty_csv_files(path) %}
    {%- set files = run_query(
        "select count(*) as files, to_json(coalesce(list(filename order by filename)"
        ~ " filter (where size > 0), [])) as nonempty from read_blob(" ~ path ~ ")"
    ).rows[0] -%}
    {%- set nonempty = fromjson(files['nonempty']) -%}
    {%- if not nonempty -%}
        {{ exceptions.raise_compiler_error(
            "CSV file " ~ path ~ (" is empty (0 bytes)" if files['files'] == 1 else " matches "
            ~ files['files'] ~ " files, all empty (0 bytes)") ~ ": export it again with its"
            ~ " header line at least. See README.md, section 'The input contract'.") }}
    {%- endif -%}
    {{ return(nonempty) }}
{% endmacro %}

{#- The dialect of one CSV file (macro csv_dialect) with its header found. DuckDB's sniffer,
    lenient as damaged files need (null_padding, strict_mode off), read the first of a
    report's title lines as a header with names missing, and took a file of quoted fields
    between pipes for one column split by commas; unpadded, it skipped the titles but failed
    on the pipes. So where the header it found has unnamed columns or names no contract
    column, the file's first lines are searched for the header (macro header_line), and
    the file is sniffed again from there with that delimiter. A file without a header line
    (options say header = false) is read from its first line. A delimiter that is not none
    (var retail_recs__csv_delimiter) is the only one sniffed and searched. -#}
{% macro header_dialect(file, source_name, options, delimiter) %}
    {%- set quoted = "'" ~ dbt.escape_single_quotes(file) ~ "'" -%}
    {%- set given = '' if delimiter is none else ", delim = '" ~ dbt.escape_single_quotes(delimiter) ~ "'" -%}
    {%- set sniffed = csv_dialect(quoted, options ~ given) -%}
    {%- if 'header = false' in options -%}
        {{ return(sniffed) }}
    {%- endif -%}
    {%- set named = contract_column_count(source_name, sniffed.names[:sniffed.header_length]) -%}
    {%- if sniffed.header_length < sniffed.names | length or named == 0 -%}
        {%- set candidates = [delimiter] if delimiter is not none
            else [sniffed.characters[0], ',', ';', '\t', '|'] -%}
        {%- set header = header_line(quoted, source_name, candidates, options) -%}
        {%- if header.named > named -%}
            {{ return(csv_dialect(quoted, options ~ ", skip = " ~ header.skip ~ ", delim = '"
                ~ dbt.escape_single_quotes(header.delimiter) ~ "'")) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(sniffed) }}
{% endmacro %}

{#- Among the first 30 lines of file, the one that names the most contract columns of
    source_name when split by one of the delimiters, the sniffed one first: {skip: the lines
    above it, delimiter, named: how many}. The lines are read as text, which no damage stops. -#}
{% macro header_line(file, source_name, delimiters, options) %}
    {%- set lines = run_query(
        "select line from read_csv(" ~ file ~ ", header = false, auto_detect = false,"
        ~ " columns = {'line': 'VARCHAR'}, delim = chr(31), quote = '', escape = '',"
        ~ " parallel = false, " ~ options | replace("header = true, ", "") ~ ") limit 30"
    ).columns[0].values() -%}
    {%- set best = namespace(skip=0, delimiter=delimiters[0], named=0) -%}
    {%- for line in lines -%}
        {%- set skip = loop.index0 -%}
        {%- for delimiter in delimiters -%}
            {%- set named = contract_column_count(source_name, (line or '').split(delimiter)) -%}
            {%- if named > best.named -%}
                {%- set best.skip, best.delimiter, best.named = skip, delimiter, named -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return({'skip': best.skip, 'delimiter': best.delimiter, 'named': best.named}) }}
{% endmacro %}

{#- DuckDB's sniff of one CSV file: its characters (delimiter, quote, escape, line end,
    comment), the lines above its header, its column names, and header_length, how many of
    them the header wrote. The names after those are the sniffer's 'column<N>' for fields it
    saw only in longer lines. Without a header line, every name is the sniffer's, and
    header_length is how many fields its sample's lines have. -#}
{% macro csv_dialect(file, options) %}
    {%- set sniffed = run_query(
        "select to_json([Delimiter, Quote, Escape, NewLineDelimiter, Comment]) as characters,"
        ~ " SkipRows as skip_rows, to_json(list_transform(Columns, lambda c: c.name)) as names"
        ~ " from sniff_csv(" ~ file ~ ", " ~ options ~ ")"
    ).rows[0] -%}
    {%- set names = fromjson(sniffed['names']) -%}
    {%- set header = namespace(length=names | length) -%}
    {%- for name in names | reverse if 'header = false' not in options -%}
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

{#- How many of names are titles of contract columns of source_name, as headers match them
    (macro contract_column_titles). -#}
{% macro contract_column_count(source_name, names) %}
    {%- set wanted = contract_column_titles(source_name) -%}
    {%- set found = [] -%}
    {%- for name in names if loose_column_name(name) in wanted -%}
        {%- do found.append(name) -%}
    {%- endfor -%}
    {{ return(found | length) }}
{% endmacro %}

{#- The column of a source relation that holds a line's fields beyond its header. -#}
{% macro extra_fields_column() %}{{ return('retail_recs_extra_fields') }}{% endmacro %}

{#- The column of a source relation that counts the lines an unclosed quote read into a row. -#}
{% macro swallowed_lines_column() %}{{ return('retail_recs_swallowed_lines') }}{% endmacro %}
