{#- on-run-start: DuckDB's memory limit from var retail_recs__memory_limit, either a share of
    this machine's memory (0 < share <= 0.9) or a size DuckDB reads ('8GB', '1500MiB').
    DuckDB's own default is 80% of the memory it detects (cgroup limits included), and RESET
    brings it back, so the machine's memory is that default / 0.8: no OS-specific probing.
    The limit is global to the database, so it bounds every model dbt runs side by side; the
    Python layer's arrays live outside it, which is why the default share leaves most free.
    A memory_limit in the profile's settings is re-applied to each new cursor and wins. -#}
{% macro configure_memory_limit() %}
    {{ return(adapter.dispatch('configure_memory_limit', 'retail_recs')()) }}
{% endmacro %}

{#- A warehouse with a server manages its own memory. -#}
{% macro default__configure_memory_limit() %}{% endmacro %}

{% macro duckdb__configure_memory_limit() %}
    {%- if execute and flags.WHICH in ('run', 'build', 'test', 'seed', 'snapshot', 'retry') %}
        {%- set setting = var('retail_recs__memory_limit') %}
        {%- if setting is number and setting is not boolean %}
            {%- if not (0 < setting <= 0.9) %}
                {{ exceptions.raise_compiler_error(
                    "var retail_recs__memory_limit must be a share of the machine's memory in "
                    ~ "(0, 0.9] or a size such as '8GB', got " ~ setting
                ) }}
            {%- endif %}
            {%- do run_query("reset memory_limit") %}
            {%- set default_bytes = duckdb_setting_bytes('memory_limit') %}
            {%- set machine_gib = default_bytes / 0.8 / 1073741824 %}
            {%- set limit_mib = (machine_gib * 1024 * setting) | int %}
            {{ log("DuckDB memory limit " ~ limit_mib ~ " MiB: var retail_recs__memory_limit = "
                ~ setting ~ " of this machine's " ~ '%.1f' | format(machine_gib) ~ " GiB", info=true) }}
            {{ return("set memory_limit = '" ~ limit_mib ~ "MiB'") }}
        {%- elif setting is string and modules.re.fullmatch('[0-9]+([.][0-9]+)? ?[KMGT]i?B', setting.strip()) %}
            {{ log("DuckDB memory limit " ~ setting.strip() ~ ": var retail_recs__memory_limit", info=true) }}
            {{ return("set memory_limit = '" ~ setting.strip() ~ "'") }}
        {%- else %}
            {{ exceptions.raise_compiler_error(
                "var retail_recs__memory_limit must be a share of the machine's memory in "
                ~ "(0, 0.9] or a size such as '8GB', got " ~ setting
            ) }}
        {%- endif %}
    {%- endif %}
{% endmacro %}

{#- A DuckDB size setting ('18.8 GiB', '953.6 MiB') in bytes. -#}
{% macro duckdb_setting_bytes(name) %}
    {%- set shown = run_query("select current_setting('" ~ name ~ "')").columns[0].values()[0] %}
    {%- set number, unit = shown.split(' ') %}
    {%- set units = {'bytes': 1, 'KiB': 1024, 'MiB': 1048576, 'GiB': 1073741824, 'TiB': 1099511627776} %}
    {{ return(number | float * units[unit]) }}
{% endmacro %}

{#- on-run-end: when DuckDB ran out of memory, say which var raises the limit, after dbt's
    own error lines (which show only DuckDB's message). -#}
{% macro report_out_of_memory(results) %}
    {%- if execute %}
        {%- set starved = [] %}
        {%- for result in results %}
            {%- if result.status == 'error' and 'Out of Memory' in (result.message or '') %}
                {%- do starved.append(result.node.name) %}
            {%- endif %}
        {%- endfor %}
        {%- if starved %}
            {%- set limit = run_query("select current_setting('memory_limit')").columns[0].values()[0] %}
            {{ log(
                "ERROR: DuckDB ran out of memory in " ~ starved | join(', ') ~ " (memory limit "
                ~ limit ~ "). Raise var retail_recs__memory_limit (now "
                ~ var('retail_recs__memory_limit') ~ ": a share of this machine's memory, or a "
                ~ "size such as '12GB'), e.g. dbt build --vars '{retail_recs__memory_limit: 0.7}',"
                ~ " or run fewer models at once (--threads 1).",
                info=true
            ) }}
        {%- endif %}
    {%- endif %}
{% endmacro %}
