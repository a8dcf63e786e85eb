-- Raw customers as text, one column per contract field. Email and phone leave the source only
-- as validity flags and salted hashes: the raw values are read again solely by the pii schema.
-- Rows of erased customers (erasure_requests) are dropped here, before anything reads them.
{{ config(materialized=salted_view_materialization()) }}
{#- A value that an unclosed quote filled with the lines after it would hold those customers'
    raw contacts in a column that is not hashed, and drop their consents: such a file stops
    the build (macro swallowed_lines). -#}
{{ stop_on_unclosed_quotes('customers', 'the customers on those lines would be lost with their consents, their raw contacts held in an unhashed value') }}
with source as (
    select * from {{ source_relation('customers') }} as source_rows
    where not {{ is_erased('source_rows.user_id') }}
),

contacts_normalized as (
    select
        *,
        {{ normalize_email('cast(email as ' ~ dbt.type_string() ~ ')') }} as email_normalized,
        {{ normalize_phone('cast(phone as ' ~ dbt.type_string() ~ ')') }} as phone_normalized
    from source
),

renamed as (
    select
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        {{ hash_contact('email_normalized', is_valid_email('email_normalized')) }} as email_sha256,
        {{ hash_contact('phone_normalized', is_valid_phone('phone_normalized')) }} as phone_sha256,
        cast(country as {{ dbt.type_string() }}) as country,
        cast(city as {{ dbt.type_string() }}) as city,
        {{ timestamp_text('signup_at') }} as signup_at,
        cast(birth_year as {{ dbt.type_string() }}) as birth_year,
        cast(gender as {{ dbt.type_string() }}) as gender,
        cast(email_opt_in as {{ dbt.type_string() }}) as email_opt_in,
        cast(sms_opt_in as {{ dbt.type_string() }}) as sms_opt_in,
        email_normalized is not null as has_email,
        phone_normalized is not null as has_phone,
        cast(extra_fields as {{ dbt.type_string() }}) as extra_fields
    from contacts_normalized
)

select * from renamed
