{#- The one place raw input is read. A source is either a file location (var
    retail_recs__<name>_location) or, when that var is empty, the declared table
    source('retail', <name>). An optional source whose var is null has no rows yet.
    Calling source() in every case keeps the source in lineage. The relation comes back with
    exactly the input contract's columns, extra_fields and swallowed_lines (macro
    with_contract_columns). -#}
{% macro source_relation(source_name) %}
    {%- set optional_columns = optional_source_columns() -%}
    {%- set raw = raw_source(source_name) -%}
    {%- if raw is none and source_name == 'items' -%}
        {{ return(catalogue_from_events()) }}
    {%- elif raw is none -%}
        {{ return(empty_relation(optional_columns[source_name])) }}
    {%- endif -%}
    {{ return(with_contract_columns(source_name, raw.relation, raw.described_as)) }}
{% endmacro %}

{#- The input as received: {relation, described_as} of the file location or the declared
    table, or none for an optional source whose var is null (the catalogue among them). -#}
{% macro raw_source(source_name) %}
    {%- set declared = source('retail', source_name) -%}
    {%- set location = var('retail_recs__' ~ source_name ~ '_location') -%}
    {%- if location is none and (source_name in optional_source_columns() or source_name == 'items') -%}
        {{ return(none) }}
    {%- elif location -%}
        {{ return({
            'relation': adapter.dispatch('read_location', 'retail_recs')(location, source_name),
            'described_as': "file '" ~ location ~ "'",
        }) }}
    {%- endif -%}
    {{ return({'relation': declared, 'described_as': "table " ~ declared}) }}
{% endmacro %}

{#- The columns of each source (README, "The input contract"): required ones first. An
    optional column the input lacks altogether reads as NULL, or as its text in `absent`:
    an export without quantities (order lines, ratings) has one unit per row, whereas a NULL
    quantity in a column the export has is damage and goes to quarantine. A required column
    in `absent_from_var` reads as its var's value where the var is set (macro
    source_defaults). The `numbered` column, when absent, is each row's content id (macro
    row_content_hash): order lines and transaction exports carry no event id. -#}
{% macro input_contract() %}
    {{ return({
        'events': {
            'required': ['item_id', 'event_type', 'event_at'],
            'optional': ['event_id', 'user_id', 'session_id', 'order_id', 'quantity', 'unit_price',
                         'channel'],
            'absent': {'quantity': '1'},
            'absent_from_var': {'event_type': {
                'var': 'retail_recs__default_event_type',
                'values': ['view', 'add_to_cart', 'purchase', 'return'],
            }},
            'numbered': 'event_id',
        },
        'items': {
            'required': ['item_id'],
            'optional': ['name', 'category', 'brand', 'price', 'description', 'is_active'],
        },
        'customers': {
            'required': ['user_id'],
            'optional': ['email', 'phone', 'country', 'city', 'signup_at', 'birth_year', 'gender',
                         'email_opt_in', 'sms_opt_in'],
        },
        'erasure_requests': {'required': ['user_id'], 'optional': ['requested_at']},
        'campaign_events': {
            'required': ['event_id', 'campaign_id', 'user_id', 'event_type', 'event_at'],
            'optional': ['order_id', 'order_value'],
        },
    }) }}
{% endmacro %}

{#- relation with the contract's columns of source_name: each read from the input column that
    holds it (macro contract_column_sources), a missing optional column read as NULL text (or
    its `absent` text), a missing required one stopping the build with one line naming the
    source, the column and the README section; extra columns are left out. Column
    extra_fields holds a CSV line's fields beyond its header (macro duckdb_csv_relation),
    and is NULL for every other line and input; swallowed_lines counts the lines an unclosed
    quote read into the row (macro swallowed_lines), NULL likewise. -#}
{% macro with_contract_columns(source_name, relation, described_as) %}
    {%- set contract = input_contract()[source_name] -%}
    {#- Only commands that read data probe the source: compile and docs work without it. -#}
    {%- if not probes_sources() -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set read = column_names(relation) -%}
    {%- set present = read | reject('in', [extra_fields_column(), swallowed_lines_column()]) | list -%}
    {%- set sources = contract_column_sources(source_name, present, described_as) -%}
    {%- set absent = source_defaults(source_name) -%}
    {%- for name, title in column_names_var(source_name).items() if name not in sources -%}
        {{ exceptions.raise_compiler_error(
            "var retail_recs__column_names reads " ~ source_name ~ "." ~ name ~ " from column "
            ~ (title if title is integer else "'" ~ title ~ "'") ~ ", which source " ~ source_name
            ~ " (" ~ described_as ~ ") lacks; it has " ~ present | join(', ') ~ "."
        ) }}
    {%- endfor -%}
    {%- set missing = contract.required | reject('in', sources) | reject('in', absent) | list -%}
    {%- if missing -%}
        {%- set by_var = [] -%}
        {%- for name in missing if name in contract.get('absent_from_var', {}) -%}
            {%- do by_var.append(" If every row is one kind (order lines are purchases), set var "
                ~ contract.absent_from_var[name].var ~ " to it (" ~ contract.absent_from_var[name]['values']
                | join(', ') ~ ").") -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "Source " ~ source_name ~ " (" ~ described_as ~ ") lacks required column(s) "
            ~ missing | join(', ') ~ "; it has " ~ present | join(', ') ~ "." ~ by_var | join('')
            ~ " If one of these holds it under another title, name it in var"
            ~ " retail_recs__column_names ({\"" ~ source_name ~ "\": {\"" ~ missing[0]
            ~ "\": \"<your column>\"}})." ~ headerless_hint(source_name, present)
            ~ " See README.md, section 'The input contract'."
        ) }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- set selected = namespace(relation=relation) -%}
    {#- A blank line (every column the input has empty) gets no default and no id, as it has
        none in an input with those columns: staging names it blank_row. -#}
    {%- set quoted = [] -%}
    {%- for column in sources.values() -%}
        {%- do quoted.append(adapter.quote(column)) -%}
    {%- endfor -%}
    {%- set blank = is_blank_row(quoted) -%}
    {%- for name in contract.required + contract.optional -%}
        {%- if name in sources and sources[name] | lower == name -%}
            {%- do columns.append(name) -%}
        {%- elif name in sources -%}
            {%- do columns.append(adapter.quote(sources[name]) ~ " as " ~ name) -%}
        {%- elif name == contract.get('numbered') -%}
            {%- set hash = 'retail_recs_row_hash' -%}
            {%- do columns.append("case when " ~ blank ~ " then null else "
                ~ dbt.concat([hash, "'-'", "cast(row_number() over (partition by " ~ hash
                ~ " order by " ~ hash ~ ") as " ~ dbt.type_string() ~ ")"]) ~ " end as " ~ name) -%}
            {%- set selected.relation = "(select *, " ~ row_content_hash(sources.values() | list)
                ~ " as " ~ hash ~ " from " ~ relation ~ " as hashed_rows)" -%}
        {%- elif name in absent -%}
            {%- do columns.append("case when " ~ blank ~ " then null else cast('" ~ absent[name]
                ~ "' as " ~ dbt.type_string() ~ ") end as " ~ name) -%}
        {%- else -%}
            {%- do columns.append("cast(null as " ~ dbt.type_string() ~ ") as " ~ name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if extra_fields_column() in read -%}
        {%- do columns.append(extra_fields_column() ~ " as extra_fields") -%}
        {%- do columns.append(swallowed_lines_column() ~ " as swallowed_lines") -%}
    {%- else -%}
        {%- do columns.append("cast(null as " ~ dbt.type_string() ~ ") as extra_fields") -%}
        {%- do columns.append("cast(null as " ~ dbt.type_bigint() ~ ") as swallowed_lines") -%}
    {%- endif -%}
    {{ return("(select " ~ columns | join(", ") ~ " from " ~ selected.relation ~ " as contract_rows)") }}
{% endmacro %}

{#- For a source none of whose columns has a title this project knows: its first line may be a
    record read as the header (a CSV file without a header line, whose first record would then
    be lost), and the way to read it. Else nothing. -#}
{% macro headerless_hint(source_name, names) %}
    {%- if names_columns_by_position(source_name) or contract_column_count(source_name, names) > 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set contract = input_contract()[source_name] -%}
    {%- set example = [] -%}
    {%- for column in contract.required -%}
        {%- do example.append('\"' ~ column ~ '\": ' ~ loop.index) -%}
    {%- endfor -%}
    {{ return(" None of its columns has a title this project knows: if its first line is a record,"
        ~ " not a header (a CSV file without a header line), name each column by its position"
        ~ " from 1 instead, e.g. {\"" ~ source_name ~ "\": {" ~ example | join(', ') ~ "}}.") }}
{% endmacro %}

{#- Stop the build when a row of source_name holds lines an unclosed quote read into its values
    (a CSV file's swallowed_lines), naming the file, the rows, the lines they took and what
    that would cost (consequence). For a source whose rows quarantine must not drop: the
    customers (consents, raw contacts) and the erasure requests. -#}
{% macro stop_on_unclosed_quotes(source_name, consequence) %}
    {%- set location = var('retail_recs__' ~ source_name ~ '_location') -%}
    {#- Only a CSV file has the count: Parquet, JSON and tables have no quotes to leave open. -#}
    {%- if not (location and probes_sources() and location_format(location) == 'csv') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set raw = raw_source(source_name) -%}
    {%- set found = run_query(
        "select count(*) as affected_rows, coalesce(sum(swallowed_lines), 0) as swallowed from "
        ~ source_relation(source_name) ~ " as source_rows where swallowed_lines is not null"
    ).rows[0] -%}
    {%- if found['affected_rows'] > 0 -%}
        {{ exceptions.raise_compiler_error(
            "Source " ~ source_name ~ " (" ~ raw.described_as ~ "): " ~ found['affected_rows']
            ~ " row(s) have a value that opens with a quote its line does not close, so the CSV"
            ~ " reader took " ~ found['swallowed'] ~ " following line(s) of the file into it, and "
            ~ consequence ~ ". Double or remove the quote, and build again."
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{#- Whether this command reads data (compile and docs work without the sources). -#}
{% macro probes_sources() %}
    {{ return(execute and flags.WHICH in ('run', 'build', 'test', 'retry')) }}
{% endmacro %}

{#- The column names of a relation as it spells them, from a query that reads no row. -#}
{% macro column_names(relation) %}
    {{ return(run_query("select * from " ~ relation ~ " as probe where 1 = 0").column_names | list) }}
{% endmacro %}

{#- The columns source_name's input lacks that read as a default text (macro source_defaults)
    or as the row's content id (the contract's `numbered` column); model build_warnings says
    so. Empty when the command reads no data. -#}
{% macro defaulted_source_columns(source_name) %}
    {%- set raw = raw_source(source_name) -%}
    {%- if raw is none or not probes_sources() -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set present = contract_column_sources(source_name, column_names(raw.relation), raw.described_as) -%}
    {%- set defaulted = source_defaults(source_name).keys() | list -%}
    {%- if input_contract()[source_name].get('numbered') -%}
        {%- do defaulted.append(input_contract()[source_name].numbered) -%}
    {%- endif -%}
    {{ return(defaulted | reject('in', present) | list) }}
{% endmacro %}

{#- {column: text} an input of source_name that lacks the column reads it as: the contract's
    `absent` texts, and the required columns of `absent_from_var` whose var is set to one of
    its values (any other stops the build naming the var). -#}
{% macro source_defaults(source_name) %}
    {%- set contract = input_contract()[source_name] -%}
    {%- set defaults = dict(contract.get('absent', {})) -%}
    {%- for name, setting in contract.get('absent_from_var', {}).items() if var(setting.var) is not none -%}
        {%- if var(setting.var) not in setting['values'] -%}
            {{ exceptions.raise_compiler_error(
                "var " ~ setting.var ~ " must be null or one of " ~ setting['values'] | join(', ')
                ~ ", got " ~ var(setting.var)) }}
        {%- endif -%}
        {%- do defaults.update({name: var(setting.var)}) -%}
    {%- endfor -%}
    {{ return(defaults) }}
{% endmacro %}

{#- The md5 of a row's columns' text (the input's column names; NULL as '<null>'): with the
    row's number among rows of that hash, the id of a row of an input without one (the
    contract's `numbered` column). So two identical order lines (two units bought on two
    lines) stay two events, and a file that grows by appended rows keeps the ids it gave (an
    incremental build re-reads them). A row sent twice is no longer told from a repeat:
    build_warnings says so. Numbering by the hash, computed once below the window, took
    1.5 s for 3M events, against 3.2 s by the columns and 4.3 s with the hash inline. -#}
{% macro row_content_hash(columns) %}
    {%- set texts = [] -%}
    {%- for column in columns -%}
        {%- do texts.append("coalesce(cast(" ~ adapter.quote(column) ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
    {%- endfor -%}
    {{ return(dbt.hash("concat(" ~ texts | join(", '|', ") ~ ")")) }}
{% endmacro %}

{#- Read a Parquet, CSV or JSON location as a relation. CSV and JSON columns are all read as
    text: staging parses them, so a malformed value is quarantined instead of failing the
    load. -#}
{% macro duckdb__read_location(location, source_name) %}
    {%- set path = "'" ~ dbt.escape_single_quotes(location) ~ "'" -%}
    {%- set file_format = location_format(location) -%}
    {%- if file_format == 'csv' -%}
        {{ duckdb_csv_relation(path, source_name) }}
    {%- elif file_format == 'json' -%}
        {{ json_as_text(path, source_name) }}
    {%- else -%}
        read_parquet({{ path }}, union_by_name = true)
    {%- endif -%}
{% endmacro %}

{#- JSON records (one object per line, as shop platforms and event pipelines export them, or
    an array of objects) with every field read as text, as CSV is: a number keeps its token
    ('3.5'), a nested object its JSON text, and a malformed line stops the build with DuckDB's
    message naming the file and line. The field names come from a query that reads no row:
    DuckDB takes them from the first 20,480 records, and a key first seen later was dropped
    unseen (a price, where an export leaves out empty keys and its first records are views).
    When that sample lacks a contract column of source_name, the whole file is read for its
    names (4-5 s for 3M events). -#}
{% macro json_as_text(path, source_name) %}
    {%- if not probes_sources() -%}
        {{ return("read_json(" ~ path ~ ")") }}
    {%- endif -%}
    {%- set names = json_field_names(path, '') -%}
    {%- set contract = input_contract()[source_name] -%}
    {%- set found = contract_column_sources(source_name, names, "file " ~ path) -%}
    {%- if (contract.required + contract.optional) | reject('in', found) | list -%}
        {%- set names = json_field_names(path, ', sample_size = -1') -%}
    {%- endif -%}
    {%- set fields = [] -%}
    {%- for name in names -%}
        {%- do fields.append("'" ~ dbt.escape_single_quotes(name) ~ "': 'VARCHAR'") -%}
    {%- endfor -%}
    {{ return("read_json(" ~ path ~ ", columns = {" ~ fields | join(", ") ~ "})") }}
{% endmacro %}

{#- The field names DuckDB finds in a JSON file, reading the records that options say. -#}
{% macro json_field_names(path, options) %}
    {{ return(run_query("select * from read_json(" ~ path ~ options ~ ") as probe where 1 = 0").column_names | list) }}
{% endmacro %}

{#- 'csv', 'json' or 'parquet': var retail_recs__source_format, or with 'auto' the file's
    extension. A spreadsheet workbook gets its own line: naming a text format would not read
    it. -#}
{% macro location_format(location) %}
    {%- set chosen = var('retail_recs__source_format') -%}
    {%- set lowered = location | lower -%}
    {%- if chosen in ('csv', 'json', 'parquet') -%}
        {{ return(chosen) }}
    {%- elif chosen != 'auto' -%}
        {{ exceptions.raise_compiler_error(
            "var retail_recs__source_format must be auto, csv, json or parquet, got " ~ chosen) }}
    {%- elif lowered.endswith('.parquet') or lowered.endswith('.pq') -%}
        {{ return('parquet') }}
    {%- elif modules.re.search('[.](csv|tsv|txt)([.]gz)?$', lowered) -%}
        {{ return('csv') }}
    {%- elif modules.re.search('[.](json|jsonl|ndjson)([.]gz)?$', lowered) -%}
        {{ return('json') }}
    {%- elif modules.re.search('[.](xlsx|xlsm|xls|ods|numbers)$', lowered) -%}
        {{ exceptions.raise_compiler_error(
            "'" ~ location ~ "' is a spreadsheet workbook, which is not read: save the sheet "
            ~ "as CSV (UTF-8) or Parquet under the same name.") }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "Cannot tell the format of '" ~ location ~ "' from its name: set var "
            ~ "retail_recs__source_format to csv, json or parquet.") }}
    {%- endif -%}
{% endmacro %}

{#- var retail_recs__csv_encoding as DuckDB's CSV reader names it: utf-8, utf-16 or latin-1,
    the only ones it reads without its encodings extension, which needs a download. The
    spellings people write (UTF8, latin1, ISO-8859-1, utf-16le) are those; any other stops the
    build saying what to do, where DuckDB would suggest installing the extension. -#}
{% macro csv_encoding() %}
    {%- set given = var('retail_recs__csv_encoding') | string -%}
    {%- set spelled = modules.re.sub('[^a-z0-9]', '', given | lower) -%}
    {%- set readable = {
        'utf8': 'utf-8', 'utf16': 'utf-16', 'utf16le': 'utf-16',
        'latin1': 'latin-1', 'iso88591': 'latin-1', 'l1': 'latin-1'
    } -%}
    {%- if spelled in readable -%}
        {{ return(readable[spelled]) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "var retail_recs__csv_encoding must be utf-8, utf-16 (little-endian) or latin-1, the "
        ~ "encodings DuckDB's CSV reader reads, got '" ~ given ~ "'. " ~ (
            "Windows-1252 is latin-1 but for bytes 0x80-0x9F (the euro sign, curly quotes): use "
            ~ "latin-1 if the files hold none, else save them as UTF-8 (iconv -f cp1252 -t utf-8)."
            if spelled in ('cp1252', 'windows1252', 'win1252', 'ansi') else
            "Save the files as UTF-8 (e.g. iconv -f <their encoding> -t utf-8).")) }}
{% endmacro %}

{#- var retail_recs__csv_delimiter: none for auto (DuckDB's sniffer decides), else the field
    separator of 1 to 4 bytes in UTF-8 ('tab' is a tab), as DuckDB's reader takes it; anything
    else stops the build naming the var. -#}
{% macro csv_delimiter() %}
    {%- set given = var('retail_recs__csv_delimiter') -%}
    {%- if given == 'auto' -%}
        {{ return(none) }}
    {%- elif given == 'tab' -%}
        {{ return('\t') }}
    {%- elif given is string and 1 <= given.encode('utf-8') | length <= 4
        and '\n' not in given and '\r' not in given -%}
        {{ return(given) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "var retail_recs__csv_delimiter must be auto (DuckDB finds , ; tab and |), tab, or the"
        ~ " field separator of 1 to 4 bytes (MovieLens's ::), got '" ~ given ~ "'") }}
{% endmacro %}

{#- Spark: a Parquet file or folder by absolute path or URI. A view keeps the path as written,
    and a relative one would resolve against whichever working directory a later session has.
    Spark SQL cannot pass a CSV file's header and encoding options in a query, so a CSV
    source is loaded into a table first. -#}
{% macro spark__read_location(location, source_name) %}
    {%- if not (location.startswith('/') or '://' in location) -%}
        {{ exceptions.raise_compiler_error(
            "On Spark a source location must be an absolute path or a URI such as "
            ~ "s3a://bucket/events.parquet, got '" ~ location ~ "' (python -m retail_recs.build "
            ~ "--engine spark passes absolute paths)."
        ) }}
    {%- elif location_format(location) in ('csv', 'json') -%}
        {{ exceptions.raise_compiler_error(
            "On Spark, CSV and JSON sources are read from tables: load '" ~ location ~ "' into a "
            ~ "table of schema var('retail_recs__source_schema') and set its location var to '', "
            ~ "or convert it to Parquet."
        ) }}
    {%- endif -%}
    parquet.`{{ location }}`
{% endmacro %}

{% macro default__read_location(location, source_name) %}
    {{ exceptions.raise_compiler_error(
        "retail_recs: reading files directly (location '" ~ location ~ "') works on DuckDB and "
        ~ "Spark only. Load the file into a table in schema var('retail_recs__source_schema') and "
        ~ "set the location var to ''."
    ) }}
{% endmacro %}

{#- Columns of the optional sources, for the empty relation read when their var is null. -#}
{% macro optional_source_columns() %}
    {%- set text = dbt.type_string() -%}
    {{ return({
        'customers': {
            'user_id': text, 'email': text, 'phone': text, 'country': text, 'city': text,
            'signup_at': text, 'birth_year': text, 'gender': text, 'email_opt_in': text,
            'sms_opt_in': text, 'extra_fields': text, 'swallowed_lines': dbt.type_bigint()
        },
        'erasure_requests': {
            'user_id': text, 'requested_at': dbt.type_timestamp(), 'extra_fields': text,
            'swallowed_lines': dbt.type_bigint()
        },
        'campaign_events': {
            'event_id': text, 'campaign_id': text, 'user_id': text, 'event_type': text,
            'event_at': dbt.type_timestamp(), 'order_id': text, 'order_value': type_double(),
            'extra_fields': text, 'swallowed_lines': dbt.type_bigint()
        },
    }) }}
{% endmacro %}

{#- The catalogue of a shop that has none (var retail_recs__items_location null): each item
    the events name, once by its cleaned id (macro clean_id, as staging reads ids), with no
    name, category, price or description; build_warnings says no_catalogue. Only ids, so an
    item bought only by an erased customer may stay: it names no one. Lists, similarity,
    segments and campaigns work from the events; the content recommender, the category
    classifier and the topics have no text to learn from. -#}
{% macro catalogue_from_events() %}
    {%- set item_id = clean_id('cast(event_rows.item_id as ' ~ dbt.type_string() ~ ')') -%}
    {%- set text = dbt.type_string() -%}
    {{ return("(select distinct " ~ item_id ~ " as item_id, cast(null as " ~ text ~ ") as name, "
        ~ "cast(null as " ~ text ~ ") as category, cast(null as " ~ text ~ ") as brand, "
        ~ "cast(null as " ~ text ~ ") as price, cast(null as " ~ text ~ ") as description, "
        ~ "cast(null as " ~ text ~ ") as is_active, cast(null as " ~ text ~ ") as extra_fields, "
        ~ "cast(null as " ~ dbt.type_bigint() ~ ") as swallowed_lines from "
        ~ source_relation('events') ~ " as event_rows where " ~ item_id ~ " is not null)") }}
{% endmacro %}

{#- A relation with these typed columns and no rows (callers alias it, like any source). -#}
{% macro empty_relation(columns) %}
    (select
        {%- for name, data_type in columns.items() %}
        cast(null as {{ data_type }}) as {{ name }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    where 1 = 0)
{% endmacro %}
