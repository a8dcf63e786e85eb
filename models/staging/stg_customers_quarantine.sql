-- Rejected customer rows (contacts hashed) and the first rule they broke.
with checked as (
    select * from {{ ref('stg_customers_checked') }}
),

final as (
    select
        rejection_reason,
        user_id,
        email_sha256,
        phone_sha256,
        country,
        city,
        gender,
        raw_birth_year,
        raw_signup_at,
        email_opt_in,
        sms_opt_in
    from checked
    where rejection_reason is not null
)

select * from final
