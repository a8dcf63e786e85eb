-- Every raw customer row with its parsed fields and the first rule it breaks (seed
-- rejection_reasons, source 'customers'). Contacts arrive hashed from base_customers.
{{ config(materialized='table') }}

with customers as (
    select * from {{ ref('base_customers') }}
),

copies_numbered as (
    select
        *,
        cast(row_number() over (
            partition by
                user_id, email_sha256, phone_sha256, has_email, has_phone, country, city,
                signup_at, birth_year, gender, email_opt_in, sms_opt_in, extra_fields
            -- the copies are identical: any order numbers them (Spark requires one)
            order by user_id
        ) as {{ dbt.type_bigint() }}) as copy_number
    from customers
),

parsed as (
    select
        {{ clean_id('user_id') }} as user_id,
        email_sha256,
        phone_sha256,
        {{ clean_text('country') }} as country,
        {{ clean_text('city') }} as city,
        lower({{ clean_text('gender') }}) as gender,
        birth_year_parsed as birth_year,
        {{ parse_timestamp_utc(clean_text('signup_at'), 'date_order.day_first') }} as signup_at,
        has_email,
        has_phone,
        email_sha256 is not null as has_valid_email,
        phone_sha256 is not null as has_valid_phone,
        coalesce({{ parse_boolean('email_opt_in') }}, false) as email_opt_in,
        coalesce({{ parse_boolean('sms_opt_in') }}, false) as sms_opt_in,
        signup_at as raw_signup_at,
        birth_year as raw_birth_year,
        extra_fields,
        {{ is_blank_row([
            'user_id', 'email_sha256', 'phone_sha256', 'country', 'city', 'signup_at', 'birth_year',
            'gender', 'email_opt_in', 'sms_opt_in', 'extra_fields'
        ]) }} and not has_email and not has_phone as is_blank_row,
        copy_number
    from (
        select
            *,
            case
                when {{ dbt.safe_cast(clean_text('birth_year'), api.Column.translate_type('integer')) }}
                    between 1900 and extract(year from {{ dbt.current_timestamp() }})
                then {{ dbt.safe_cast(clean_text('birth_year'), api.Column.translate_type('integer')) }}
            end as birth_year_parsed
        from copies_numbered
    ) as with_birth_year
    cross join {{ date_order(ref('base_customers'), 'signup_at') }} as date_order
),

row_rules_checked as (
    select
        *,
        case
            when is_blank_row then 'blank_row'
            when {{ is_repeated_header('customers', ['user_id']) }} then 'repeated_header'
            when copy_number > 1 then 'exact_duplicate'
            when extra_fields is not null then 'extra_fields'
            when user_id is null then 'missing_user_id'
        end as row_rejection_reason
    from parsed
),

user_ids_numbered as (
    select
        *,
        case when row_rejection_reason is null then cast(row_number() over (
            partition by user_id, row_rejection_reason is null
            order by
                signup_at desc, country, city, email_sha256, phone_sha256, birth_year,
                gender, email_opt_in, sms_opt_in
        ) as {{ dbt.type_bigint() }}) end as user_id_rank
    from row_rules_checked
),

final as (
    select
        user_id,
        email_sha256,
        phone_sha256,
        country,
        city,
        gender,
        birth_year,
        raw_signup_at,
        raw_birth_year,
        coalesce(
            row_rejection_reason,
            case when user_id_rank > 1 then 'repeated_user_id' end
        ) as rejection_reason,
        has_email,
        has_phone,
        has_valid_email,
        has_valid_phone,
        email_opt_in,
        sms_opt_in,
        signup_at
    from user_ids_numbered
)

select * from final
