-- What this shop's data cannot support, said once per build instead of by a stack trace or an
-- empty table nobody explains: each row names the condition, the models it empties or caps,
-- and the figures behind it. No rows when the data supports everything.
{%- set defaulted_event_columns = defaulted_source_columns('events') %}
{%- set titled_columns = columns_read_by_title() %}
with customers as (
    -- coalesce: a sum over no customer at all is NULL, where too_few_customers needs 0
    select
        coalesce(sum(case when event_count > 0 then 1 else 0 end), 0) as customer_count,
        coalesce(sum(case when has_profile then 1 else 0 end), 0) as profile_count
    from {{ ref('dim_customers') }}
),

items as (
    select
        count(*) as item_count,
        sum(case when is_active then 1 else 0 end) as active_item_count
    from {{ ref('dim_items') }}
),

purchases as (
    select
        count(*) as purchase_pair_count,
        count(distinct user_id) as purchaser_count
    from {{ ref('fct_interactions') }}
    where has_purchased
),

propensity as (
    select count(*) as term_count from {{ ref('propensity_coefficients') }}
),

clustering as (
    select count(*) as candidate_k_count from {{ ref('cluster_selection') }}
),

-- Campaigns that target by uplift while past experiments cannot teach the model.
uplift_campaigns as (
    select count(*) as uplift_campaign_count
    from {{ ref('campaigns') }}
    where target_by = 'uplift'
),

uplift_model as (
    select
        max(case when is_chosen then 1 else 0 end) as has_uplift_model,
        max(reason) as uplift_reason
    from {{ ref('uplift_model_metrics') }}
),

-- Sent campaigns whose control group campaign_events does not record: no experiment for
-- customer_uplift, and nothing keeps their control members out of other campaigns.
campaign_event_kinds as (
    select
        campaign_id,
        max(case when event_type = 'sent' then 1 else 0 end) as has_sends,
        max(case when event_type = 'held_out' then 1 else 0 end) as has_holdout
    from {{ ref('stg_campaign_events') }}
    group by campaign_id
),

missing_holdouts as (
    select
        count(*) as missing_holdout_count,
        {{ dbt.listagg(
            'campaign_event_kinds.campaign_id', "', '", 'order by campaign_event_kinds.campaign_id'
        ) }} as missing_holdout_campaigns
    from campaign_event_kinds
    inner join {{ ref('campaigns') }} as campaigns
        on campaign_event_kinds.campaign_id = campaigns.campaign_id
    where campaign_event_kinds.has_sends = 1
        and campaign_event_kinds.has_holdout = 0
        and campaigns.control_share > 0
),

-- The protocols whose strategy could not be chosen: too few customers bought in the test
-- window after the evaluation cutoff (a shop younger than the window has none).
untested_strategies as (
    select
        count(*) as untested_protocol_count,
        min(evaluated_customers) as fewest_evaluated_customers
    from {{ ref('recommendation_strategy') }}
    where evaluated_customers < {{ number_var('retail_recs__strategy_min_customers') }}
),

-- Source columns whose numeric dates ('3/4/2024') hold no number above 12 to tell the day
-- from the month (var retail_recs__date_order = auto): macro date_order read them by the
-- separator's custom.
undecided_date_orders as (
    {%- for source_name, column in [('events', 'event_at'), ('customers', 'signup_at'),
                                    ('campaign_events', 'event_at')] %}
    select
        '{{ source_name }}' as source_name,
        '{{ column }}' as column_name,
        numeric_dates,
        day_first
    from {{ numeric_date_evidence(ref('base_' ~ source_name), column) }} as evidence
    where numeric_dates > 0
        and day_first_dates = 0
        and month_first_dates = 0
        and {{ 'true' if var('retail_recs__date_order') == 'auto' else 'false' }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}
),

-- Sources whose numbers macro decimal_separator read with a decimal comma (var
-- retail_recs__decimal_separator = auto), with the values that told it and those against.
decimal_comma_sources as (
    {%- for source_name, columns in [('events', ['quantity', 'unit_price']), ('items', ['price']),
                                     ('campaign_events', ['order_value'])] %}
    select
        '{{ source_name }}' as source_name,
        '{{ columns | join(", ") }}' as column_names,
        comma_values,
        point_values
    from {{ decimal_separator_evidence(ref('base_' ~ source_name), columns) }} as evidence
    where decimal_comma
        and {{ 'true' if var('retail_recs__decimal_separator') == 'auto' else 'false' }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}
),

-- Yes/no columns with values macro parse_boolean does not read ('Auslaufartikel'): each read
-- as the column's default, an item as active and a customer as not opted in.
unread_yes_no_sources as (
    {%- for source_name, columns, read_as in [('items', ['is_active'], 'active'),
                                              ('customers', ['email_opt_in', 'sms_opt_in'], 'not opted in')] %}
    select
        '{{ source_name }}' as source_name,
        '{{ columns | join(", ") }}' as column_names,
        '{{ read_as }}' as read_as,
        count(*) as unread_values,
        min(flag_text) as example_value
    from (
        {%- for column in columns %}
        select {{ clean_text('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') }} as flag_text
        from {{ ref('base_' ~ source_name) }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as flags
    where flag_text is not null and {{ parse_boolean('flag_text') }} is null
    having count(*) > 0
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}
),

-- Sources of which more than var retail_recs__quarantine_warning_share of the rows (empty
-- rows and erased customers' rows aside) are in quarantine, with the rule behind most of
-- them: a column mapped wrongly (an order number as event_id, a date format no rule reads)
-- passes the build with much of the shop's data left out, which only
-- data_quality_rejections would show.
quarantine_totals as (
    select
        rejections.source_name,
        sum(case when rejections.rejection_reason = 'blank_row' then 0 else rejections.rejected_rows end)
            as quarantined_rows,
        max(source_rows.raw_rows) - max(source_rows.erased_rows)
            - sum(case when rejections.rejection_reason = 'blank_row' then rejections.rejected_rows else 0 end)
            as counted_rows
    from {{ ref('data_quality_rejections') }} as rejections
    inner join {{ ref('int_source_row_counts') }} as source_rows
        on rejections.source_name = source_rows.source_name
    group by rejections.source_name
),

quarantined_sources as (
    select
        quarantine_totals.source_name,
        quarantine_totals.quarantined_rows,
        quarantine_totals.counted_rows,
        leading_reasons.rejection_reason as leading_reason,
        leading_reasons.rejected_rows as leading_rows,
        leading_reasons.description as leading_description
    from quarantine_totals
    inner join (
        select
            source_name,
            rejection_reason,
            rejected_rows,
            description,
            row_number() over (
                partition by source_name order by rejected_rows desc, precedence
            ) as reason_rank
        from {{ ref('data_quality_rejections') }}
        where rejection_reason <> 'blank_row'
    ) as leading_reasons
        on quarantine_totals.source_name = leading_reasons.source_name
        and leading_reasons.reason_rank = 1
    where quarantine_totals.quarantined_rows
        > {{ number_var('retail_recs__quarantine_warning_share') }} * quarantine_totals.counted_rows
),

-- Rejections named whatever their share of the source: a fractional quantity (0.75), a data
-- error in a shop that sells whole units and the measure of a line in one that sells by
-- weight or length, which var retail_recs__fractional_quantities = one_unit keeps; a row that
-- an unclosed quote in a CSV file made out of many lines, the records on those lines in
-- quarantine inside one value; and a file's header line inside the file (exports
-- concatenated with their headers), a sign that a later file ordering its columns otherwise
-- was read into the first file's columns, which only a glob of the separate files reads right.
named_rejections as (
    select source_name, rejection_reason, rejected_rows
    from {{ ref('data_quality_rejections') }}
    where rejection_reason in ('non_integer_quantity', 'unclosed_quote', 'repeated_header')
        and rejected_rows > 0
),

-- Event ids that join their customer or catalogue row only when case, spaces and leading
-- zeros are ignored: ids are matched exactly, so those customers have no profile, and those
-- sales are in quarantine as unknown_item, whatever their share.
loose_id_matches as (
    select user_ids_matching_ignoring_case, item_ids_matching_ignoring_case
    from {{ ref('data_quality_reconciliation') }}
    where source_name = 'events'
),

figures as (
    select *
    from customers
    cross join items
    cross join purchases
    cross join propensity
    cross join clustering
    cross join uplift_campaigns
    cross join uplift_model
    cross join missing_holdouts
    cross join untested_strategies
),

warnings as (
    select
        'no_purchases' as warning,
        'every recommender, segments, propensity, evaluation' as affected_models,
        'No accepted purchase events: lists, clusters and propensity are empty.' as detail
    from figures
    where purchase_pair_count = 0

    union all

    select
        'no_customer_rows' as warning,
        'dim_customers (has_profile), campaign audiences' as affected_models,
        'No customer row (no customer file, or an empty one): the '
            || cast(customer_count as {{ dbt.type_string() }}) || ' customers of the events get '
            || 'lists, segments and values, but no contact or consent, so every campaign audience '
            || 'member is excluded as no_consent. Add customers.csv or .parquet to reach them.'
            as detail
    from figures
    where profile_count = 0 and customer_count > 0

    union all

    select
        'no_catalogue' as warning,
        'dim_items, recommendations_content, item_category_predictions, item_topics' as affected_models,
        'No catalogue (no items file): the catalogue is the '
            || cast(item_count as {{ dbt.type_string() }}) || ' items the events name, without '
            || 'names, categories, prices or descriptions, so the content recommender, the '
            || 'category classifier and the topics have no text to learn from, and no event is '
            || 'unknown_item. Add items.csv or .parquet to check the events against it.' as detail
    from figures
    where {{ 'true' if var('retail_recs__items_location') is none else 'false' }}

    union all

    select
        'too_few_customers' as warning,
        'int_svd_factors, int_user_neighbours, customer_clusters, customer_propensity' as affected_models,
        'Only ' || cast(customer_count as {{ dbt.type_string() }})
            || ' customer(s) with events: models that compare customers have nothing to compare.'
            as detail
    from figures
    where customer_count < 2

    union all

    select
        'no_active_items' as warning,
        'every recommendation list' as affected_models,
        'Every one of ' || cast(item_count as {{ dbt.type_string() }})
            || ' catalogue items is inactive (items.is_active): nothing can be recommended.'
            as detail
    from figures
    where item_count > 0 and active_item_count = 0

    union all

    select
        'too_few_buyers_to_cluster' as warning,
        'cluster_selection, customer_clusters, cluster_profiles' as affected_models,
        'Fewer than 3 distinct buyers on the clustering features (or no k in vars '
            || 'retail_recs__cluster_k* below their number): no clusters.' as detail
    from figures
    where candidate_k_count = 0

    union all

    select
        'propensity_not_fitted' as warning,
        'propensity_coefficients, propensity_model_selection, customer_propensity' as affected_models,
        'The training snapshot has customers of one outcome only (all or none ordered in the '
            || 'horizon): no propensity model is fitted.' as detail
    from figures
    where term_count = 0

    union all

    select
        'uplift_not_fitted' as warning,
        'customer_uplift, campaigns with target_by = uplift' as affected_models,
        cast(uplift_campaign_count as {{ dbt.type_string() }})
            || ' campaign(s) target by uplift, but no uplift model is fitted ('
            || coalesce(uplift_reason, 'no past experiment') || '): they target nobody.'
            as detail
    from figures
    where uplift_campaign_count > 0 and coalesce(has_uplift_model, 0) = 0

    union all

    select
        'holdout_not_loaded' as warning,
        'customer_uplift, int_campaign_allocation' as affected_models,
        cast(missing_holdout_count as {{ dbt.type_string() }})
            || ' sent campaign(s) with a control group have no held_out events in campaign_events ('
            || missing_holdout_campaigns
            || '): they teach customer_uplift nothing, and other campaigns may take their control'
            || ' members. Load each <campaign_id>__holdout.csv of export_campaigns.' as detail
    from figures
    where missing_holdout_count > 0

    union all

    select
        'strategy_untested' as warning,
        'recommendations, recommendations_new_items, recommendation_strategy' as affected_models,
        'Only ' || cast(fewest_evaluated_customers as {{ dbt.type_string() }})
            || ' customer(s) bought in the ' || cast({{ eval_test_days() }} as {{ dbt.type_string() }})
            || ' days after the evaluation cutoff (model eval_window), '
            || 'fewer than var retail_recs__strategy_min_customers = '
            || '{{ number_var("retail_recs__strategy_min_customers") }}: the lists are the '
            || 'blend, untested (a shop younger than the window gets its evaluation later).'
            as detail
    from figures
    where untested_protocol_count > 0

    union all

    select
        'quantity_assumed' as warning,
        'stg_events, and every figure of units or revenue' as affected_models,
        'The events input has no quantity column: each purchase and return row counts as one '
            || 'unit.' as detail
    from figures
    where {{ 'true' if 'quantity' in defaulted_event_columns else 'false' }}

    union all

    select
        'event_type_assumed' as warning,
        'stg_events and every model built on it' as affected_models,
        'The events input has no event_type column: var retail_recs__default_event_type reads '
            || 'every row as {{ var("retail_recs__default_event_type") }}.' as detail
    from figures
    where {{ 'true' if 'event_type' in defaulted_event_columns else 'false' }}

    union all

    select
        'event_id_derived' as warning,
        'stg_events' as affected_models,
        'The events input has no event_id column: each row is identified by its content and '
            || 'its number among identical rows, so two identical lines are two events (two '
            || 'units on two lines), and a row the export sent twice is counted twice.' as detail
    from figures
    where {{ 'true' if 'event_id' in defaulted_event_columns else 'false' }}

    {%- for source_name, columns in titled_columns.items() %}

    union all

    select
        'columns_read_by_title' as warning,
        'stg_{{ source_name }}' as affected_models,
        {{ "'" ~ dbt.escape_single_quotes("The " ~ source_name ~ " input titles contract columns otherwise, so "
            ~ "they were read as: " ~ columns ~ ". Name another column in var "
            ~ "retail_recs__column_names if one is wrong.") ~ "'" }} as detail
    from figures
    {%- endfor %}

    union all

    select
        'date_order_assumed' as warning,
        'stg_' || source_name as affected_models,
        cast(numeric_dates as {{ dbt.type_string() }}) || ' numeric date(s) in '
            || source_name || '.' || column_name
            || ' have no number above 12 to tell the day from the month: they were read '
            || case when day_first then 'day first (dotted dates)' else 'month first' end
            || '. Set var retail_recs__date_order if that is wrong.' as detail
    from undecided_date_orders

    union all

    select
        'decimal_comma_read' as warning,
        'stg_' || source_name as affected_models,
        cast(comma_values as {{ dbt.type_string() }}) || ' value(s) of ' || source_name || '.'
            || column_names || ' end in a decimal comma (24,00) and '
            || cast(point_values as {{ dbt.type_string() }}) || ' in a decimal point: they were '
            || 'read with a decimal comma, and dots as thousands groups (1.234,50). Set var '
            || 'retail_recs__decimal_separator if that is wrong.' as detail
    from decimal_comma_sources

    union all

    select
        'unread_yes_no_values' as warning,
        'stg_' || source_name as affected_models,
        cast(unread_values as {{ dbt.type_string() }}) || ' value(s) of ' || source_name || '.'
            || column_names || ' (such as ''' || example_value || ''') are no yes/no spelling the '
            || 'build reads: they were read as ' || read_as || '. Write them as yes or no.' as detail
    from unread_yes_no_sources

    union all

    select
        'rows_quarantined' as warning,
        'stg_' || source_name || ' and every model built on it' as affected_models,
        cast(round(100 * quarantined_rows / cast(counted_rows as {{ type_double() }}), 1) as {{ dbt.type_string() }})
            || '% of the ' || cast(counted_rows as {{ dbt.type_string() }}) || ' rows of '
            || source_name || ' (empty rows aside) are in quarantine, '
            || cast(leading_rows as {{ dbt.type_string() }}) || ' of them as ' || leading_reason
            || ': ' || leading_description || ' Check how the export maps to the input '
            || 'columns (data_quality_rejections, stg_' || source_name || '_quarantine).' as detail
    from quarantined_sources

    union all

    select
        'fractional_quantities_quarantined' as warning,
        'stg_events and every model built on it' as affected_models,
        cast(rejected_rows as {{ dbt.type_string() }}) || ' event row(s) have a fractional '
            || 'quantity (3.5) and are in quarantine as non_integer_quantity. If the shop sells '
            || 'by weight or length (0.75 kg), set var retail_recs__fractional_quantities to '
            || 'one_unit: each such line is then one unit priced at the whole line.' as detail
    from named_rejections
    where rejection_reason = 'non_integer_quantity'

    union all

    select
        rejection_reason as warning,
        'stg_' || source_name || ' and every model built on it' as affected_models,
        cast(rejected_rows as {{ dbt.type_string() }}) || ' row(s) of ' || source_name
            || case rejection_reason
                when 'unclosed_quote' then
                    ' are in quarantine as unclosed_quote: a value opens with a quote that its '
                    || 'line does not close, so the reader took the next lines of the file, whole '
                    || 'records, into that value up to the next quote. Those records are not '
                    || 'counted apart; see them in stg_' || source_name || '_quarantine, double or '
                    || 'remove the quote in the export, and build again.'
                else
                    ' repeat the header line inside the file, as files concatenated with their '
                    || 'headers do, and are in quarantine as repeated_header. If the files after '
                    || 'such a line order their columns otherwise, their rows were read into the '
                    || 'wrong columns: point var retail_recs__' || source_name || '_location at '
                    || 'the separate files as a glob (exports/*.csv), which reads each file by its '
                    || 'own header.'
            end as detail
    from named_rejections
    where rejection_reason in ('unclosed_quote', 'repeated_header')

    union all

    select
        'ids_spelled_differently' as warning,
        'dim_customers (has_profile), campaign audiences' as affected_models,
        cast(user_ids_matching_ignoring_case as {{ dbt.type_string() }}) || ' customer id(s) of '
            || 'the events match a customer file id only when case, spaces and leading zeros are '
            || 'ignored (c001 and C001, 42 and 0042): ids are matched exactly, so those customers '
            || 'have no profile, contact or consent here. Export the ids as the other file writes '
            || 'them (as text, where a spreadsheet drops leading zeros); see '
            || 'data_quality_reconciliation.' as detail
    from loose_id_matches
    where user_ids_matching_ignoring_case > 0

    union all

    select
        'ids_spelled_differently' as warning,
        'stg_events and every model built on it' as affected_models,
        cast(item_ids_matching_ignoring_case as {{ dbt.type_string() }}) || ' item id(s) of the '
            || 'events in quarantine as unknown_item match a catalogue id only when case, spaces and '
            || 'leading zeros are ignored (123 and SKU 00123): ids are matched exactly, so their '
            || 'events are left out. Export the ids as the other file writes them (as text, where '
            || 'a spreadsheet drops leading zeros); see stg_events_quarantine.' as detail
    from loose_id_matches
    where item_ids_matching_ignoring_case > 0

    union all

    select
        'svd_factors_capped' as warning,
        'int_svd_factors' as affected_models,
        'var retail_recs__svd_factors = {{ number_var("retail_recs__svd_factors") }} needs more than '
            || cast(customer_count as {{ dbt.type_string() }}) || ' customers and '
            || cast(item_count as {{ dbt.type_string() }}) || ' items: the SVD keeps '
            || cast(
                case when customer_count < item_count then customer_count else item_count end - 1
                as {{ dbt.type_string() }}
            ) || ' factors.' as detail
    from figures
    where customer_count >= 2
        and {{ number_var('retail_recs__svd_factors') }}
            >= case when customer_count < item_count then customer_count else item_count end
),

final as (
    select
        warning,
        affected_models,
        detail
    from warnings
)

select * from final
