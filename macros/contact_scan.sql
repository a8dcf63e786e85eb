{#- on-run-end: no email- or phone-shaped value outside the pii schema. Every text column of
    every table this run built (ids included: a shop whose user ids are email addresses must
    hash them first) is scanned, and a hit fails the build naming the model and column, never
    the value. An on-run-end check rather than a singular test because a test depends only on
    the models it refs, and this one must run after all of them, whatever was selected. -#}
{% macro assert_no_contacts_outside_pii(results) %}
    {%- if not execute or flags.WHICH not in ('run', 'build', 'retry') %}{{ return('') }}{% endif -%}
    {%- set leaks = [] -%}
    {%- for result in results -%}
        {%- set node = result.node -%}
        {%- if node.resource_type == 'model' and result.status == 'success'
            and node.config.materialized in ('table', 'incremental')
            and node.config.schema != 'pii' -%}
            {%- set relation = api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- set probes = [] -%}
            {%- for column in adapter.get_columns_in_relation(relation) if column.is_string() -%}
                {%- do probes.append(
                    "(select '" ~ column.name ~ "' as column_name from " ~ relation
                    ~ " where " ~ is_contact_shaped(adapter.quote(column.name),
                        modules.re.search('(^|_)id$', column.name | lower) is not none)
                    ~ " limit 1)") -%}
            {%- endfor -%}
            {%- if probes -%}
                {%- for row in run_query(probes | join(' union all ')).rows -%}
                    {%- do leaks.append(node.name ~ '.' ~ row[0]) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if leaks -%}
        {{ exceptions.raise_compiler_error(
            "Email- or phone-shaped values outside the pii schema, in " ~ leaks | join(', ')
            ~ ". Contacts belong in customers.email / customers.phone only (hashed everywhere "
            ~ "else); an id that is an email or phone number must be replaced by a key before "
            ~ "loading. See README.md, section 'Privacy'."
        ) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}

{#- Email-shaped anywhere in the text; phone-shaped as a whole: '+' and a country code, or
    (outside id columns) a national number with a trunk 0, 7 to 15 digits in all. In an id
    column a digit string with a leading 0 is a zero-padded id more often than a phone, so
    there only the international form counts. Dates ('2024-03-01', '01/03/2024 10:00') never
    match. Each regex sits behind a LIKE on a character it cannot match without ('@', a
    leading '+', a leading '0' or '(0'): the engines skip most values on that cheap test, and
    the result is the regex's alone (at 10M events the scan took 38.5 s without them, 6.4 s
    with them). -#}
{% macro is_contact_shaped(expression, is_id=false) %}
    (
        (
            {{ expression }} like '%@%'
            and {{ regex_matches(expression, ".*[^@ ]+@[^@ ]+\\.[A-Za-z]{2,}.*") }}
        )
        or (
            (
                (
                    {{ expression }} like '+%'
                    and {{ regex_matches(expression, "\\+[1-9][0-9 ().-]{5,20}") }}
                )
                {%- if not is_id %}
                or (
                    ({{ expression }} like '0%' or {{ expression }} like '(0%')
                    and {{ regex_matches(expression, "\\(?0[1-9][0-9 ().-]{7,16}") }}
                )
                {%- endif %}
            )
            and length({{ regex_replace_all(expression, '[^0-9]', '') }}) between 7 and 15
            and not {{ regex_matches(expression, "[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}([ T].*)?") }}
        )
    )
{% endmacro %}
