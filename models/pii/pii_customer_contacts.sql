-- Raw contact details of accepted customers, normalized: the only model that holds them.
-- Campaign exports join here by user_id at export time; nothing else may.
with source as (
    select * from {{ source_relation('customers') }} as source_rows
),

customers as (
    select user_id, email_sha256, phone_sha256 from {{ ref('stg_customers') }}
),

normalized as (
    select
        {{ clean_id('cast(user_id as ' ~ dbt.type_string() ~ ')') }} as user_id,
        {{ normalize_email('cast(email as ' ~ dbt.type_string() ~ ')') }} as email,
        {{ normalize_phone('cast(phone as ' ~ dbt.type_string() ~ ')') }} as phone
    from source
),

validated as (
    select
        user_id,
        case when {{ is_valid_email('email') }} then email end as email,
        case when {{ is_valid_phone('phone') }} then phone end as phone
    from normalized
),

hashed as (
    select
        user_id,
        email,
        phone,
        {{ hash_contact('email', 'email is not null') }} as email_sha256,
        {{ hash_contact('phone', 'phone is not null') }} as phone_sha256
    from validated
),

-- Keep the contact version that staging accepted for each customer.
final as (
    select distinct
        hashed.user_id,
        hashed.email,
        hashed.phone,
        hashed.email_sha256,
        hashed.phone_sha256
    from hashed
    inner join customers
        on hashed.user_id = customers.user_id
        and coalesce(hashed.email_sha256, '') = coalesce(customers.email_sha256, '')
        and coalesce(hashed.phone_sha256, '') = coalesce(customers.phone_sha256, '')
)

select * from final
