{#- The rules that decided the rows an incremental warehouse keeps. An incremental build
    re-checks only recent events, so under another rule the rows checked before keep their old
    class (or weight) while new rows get the new one, and the tables mix two rule sets with no
    sign of it. So each incremental model's rules are recorded when a run writes it (table
    retail_recs_build_rules, one row per model and setting), and a build under other rules
    stops and names them, unless it is a --full-refresh, which writes every row again. A model
    records only when it was written: a first build that fails (say, on a file's encoding) can
    be run again with another setting, and a full refresh that stops half-way is asked for
    again. Not here: what an incremental build re-checks by itself (a user whose bot status
    changes under retail_recs__bot_min_views, an item joining or leaving the catalogue, rows
    within the lookback or after the as-of time, so retail_recs__future_tolerance_hours), and
    what only decides how far back it re-checks (retail_recs__incremental_lookback_days). -#}

{#- on-run-start: stop a build whose rules differ from those the stored rows were written
    under. -#}
{% macro guard_incremental_rules() %}
    {%- if not incremental_rules_apply() or flags.FULL_REFRESH -%}
        {{ return('') }}
    {%- endif -%}
    {%- set current = incremental_rules() -%}
    {%- set changed = [] -%}
    {%- for model, setting, value in read_build_record('retail_recs_build_rules', ['model_name', 'setting', 'value']) or [] -%}
        {%- set now = current.get(setting) -%}
        {%- if now is not none and now != value -%}
            {%- set change = setting ~ (' changed' if setting.startswith('seed ')
                else ' was ' ~ (value or 'unset') ~ ' and this build sets ' ~ (now or 'unset')) -%}
            {%- if change not in changed -%}
                {%- do changed.append(change) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if changed -%}
        {{ exceptions.raise_compiler_error(
            "This warehouse's incremental tables were built with other rules: "
            ~ changed | sort | join('; ') ~ ". An incremental build re-checks only recent "
            ~ "events, so the rows stored before would keep the old rules beside new rows "
            ~ "under the new ones. Rebuild the warehouse with the new rules (dbt build "
            ~ "--full-refresh, or python -m retail_recs.build --data DIR -- --full-refresh), "
            ~ "or set " ~ ('it' if changed | length == 1 else 'them') ~ " back."
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{#- on-run-end: the rules of each incremental model this run wrote; the others keep theirs. -#}
{% macro record_incremental_rules(results) %}
    {%- if not incremental_rules_apply() -%}
        {{ return('') }}
    {%- endif -%}
    {%- set written = [] -%}
    {%- for result in results
        if result.node.resource_type == 'model' and result.status == 'success'
            and result.node.config.materialized == 'incremental' -%}
        {%- do written.append(result.node.name) -%}
    {%- endfor -%}
    {%- if not written -%}
        {{ return('') }}
    {%- endif -%}
    {%- set columns = ['model_name', 'setting', 'value'] -%}
    {%- set rows = [] -%}
    {%- for row in read_build_record('retail_recs_build_rules', columns) or []
        if row[0] not in written -%}
        {%- do rows.append([row[0], row[1], row[2]]) -%}
    {%- endfor -%}
    {%- for model in written -%}
        {%- for setting, value in incremental_rules().items() -%}
            {%- do rows.append([model, setting, value]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(replace_build_record('retail_recs_build_rules', columns, rows)) }}
{% endmacro %}

{#- Only commands that write models: a dbt test or seed changes no stored row. -#}
{% macro incremental_rules_apply() %}
    {{ return(build_record_applies() and flags.WHICH in ('run', 'build', 'retry')) }}
{% endmacro %}

{#- This build's rules, setting → text: the vars that decide how staging reads, classifies and
    weighs an event row or which events the interaction totals keep, and the seeds those rows
    are checked and weighed with (by checksum). -#}
{% macro incremental_rules() %}
    {%- set rules = {} -%}
    {%- for name in [
        'retail_recs__csv_encoding',
        'retail_recs__csv_delimiter',
        'retail_recs__column_names',
        'retail_recs__date_order',
        'retail_recs__decimal_separator',
        'retail_recs__min_event_date',
        'retail_recs__max_quantity',
        'retail_recs__max_unit_price',
        'retail_recs__fractional_quantities',
        'retail_recs__default_event_type',
        'retail_recs__as_of',
        'retail_recs__affinity_half_life_days',
    ] -%}
        {%- do rules.update({'var ' ~ name: rule_setting_text(var(name))}) -%}
    {%- endfor -%}
    {%- for seed in graph.nodes.values() | selectattr('resource_type', 'equalto', 'seed')
        | selectattr('name', 'in', ['event_type_synonyms', 'non_product_items', 'event_type_weights']) -%}
        {%- do rules.update({'seed ' ~ seed.original_file_path: seed.checksum.checksum}) -%}
    {%- endfor -%}
    {{ return(rules) }}
{% endmacro %}

{#- One text per setting, so that 1000000 and 1000000.0 are the same rule; '' when unset. -#}
{% macro rule_setting_text(value) %}
    {%- if value is none -%}
        {{ return('') }}
    {%- elif value is number and value is not boolean -%}
        {{ return(value | float | string) }}
    {%- elif value is string -%}
        {{ return(value) }}
    {%- endif -%}
    {{ return(tojson(value)) }}
{% endmacro %}
