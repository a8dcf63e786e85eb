{#- Every known customer: CRM profiles and users seen only in events (has_profile = false),
    with hashed contacts, consent, activity up to the as-of time (summarize_customer_activity),
    and a dense 0-based user_index (ordered by user_id) that the Python layer uses as matrix row.
    Called by model dim_customers and by its evaluation replay. -#}
{% macro describe_customers(customers, activity) %}
with customers as (
    select * from {{ customers }}
),

activity as (
    select * from {{ activity }}
),

joined as (
    select
        coalesce(customers.user_id, activity.user_id) as user_id,
        customers.email_sha256,
        customers.phone_sha256,
        customers.country,
        customers.city,
        customers.gender,
        customers.birth_year,
        coalesce(activity.event_count, 0) as event_count,
        coalesce(activity.order_count, 0) as order_count,
        coalesce(activity.item_count, 0) as item_count,
        -- Rounded as in fct_interactions: parallel sums differ in the last bits between builds.
        round(coalesce(activity.net_revenue, 0), 2) as net_revenue,
        customers.user_id is not null as has_profile,
        coalesce(customers.has_valid_email, false) as has_valid_email,
        coalesce(customers.has_valid_phone, false) as has_valid_phone,
        coalesce(customers.email_opt_in, false) as email_opt_in,
        coalesce(customers.sms_opt_in, false) as sms_opt_in,
        customers.signup_at,
        activity.first_event_at,
        activity.last_event_at,
        activity.last_purchase_at
    from customers
    full outer join activity
        on customers.user_id = activity.user_id
),

final as (
    select
        user_id,
        cast(row_number() over (order by user_id) as {{ dbt.type_bigint() }}) - 1 as user_index,
        email_sha256,
        phone_sha256,
        country,
        city,
        gender,
        birth_year,
        event_count,
        order_count,
        item_count,
        net_revenue,
        has_profile,
        has_valid_email,
        has_valid_phone,
        email_opt_in,
        sms_opt_in,
        signup_at,
        first_event_at,
        last_event_at,
        last_purchase_at
    from joined
)

select * from final
{% endmacro %}
