-- An offline evaluation with no evaluated customer publishes empty metrics that read like a
-- result. When the shop set var retail_recs__eval_cutoff and has purchases, but none of its
-- training customers bought in the test window (a cutoff at or after the end of the data, or
-- a window that misses every order), the build fails here, saying which vars set the window.
-- With the default cutoff (the as-of time minus the test window) an empty evaluation means
-- a shop younger than the window: it builds, recommendation_strategy keeps the blend and
-- says why, and build_warnings says strategy_untested.
{{ config(tags=['evaluation']) }}

select
    'No training customer bought in the ' || cast({{ eval_test_days() }}
        as {{ dbt.type_string() }}) || ' days after the evaluation cutoff: set var '
        || 'retail_recs__eval_cutoff (now {{ dbt.escape_single_quotes(var('retail_recs__eval_cutoff') | string) }}) before the last '
        || 'purchases, or widen retail_recs__eval_test_days.' as problem
from (select count(*) as evaluated_rows from {{ ref('eval_truth') }}) as evaluated
where evaluated.evaluated_rows = 0
    and {{ 'false' if var('retail_recs__eval_cutoff') is none else 'true' }}
    and exists (select 1 from {{ ref('stg_events') }} where event_type = 'purchase')
