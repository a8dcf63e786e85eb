-- Accepted customer profiles: the rows of stg_customers_checked that broke no rule.
with checked as (
    select * from {{ ref('stg_customers_checked') }}
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
        has_email,
        has_phone,
        has_valid_email,
        has_valid_phone,
        email_opt_in,
        sms_opt_in,
        signup_at
    from checked
    where rejection_reason is null
)

select * from final
