#!/bin/bash
# usage: run.sh DB GLOB [extra dbt args]
db=$1; glob=$2; shift 2
cd /tmp/wt_inc
RETAIL_RECS_DB=$db DBT_PROFILES_DIR=/tmp/wt_inc /work/main/.venv/bin/dbt build --project-dir /tmp/wt_inc --target-path /tmp/inc/target --log-path /tmp/inc/logs \
  --vars "{\"retail_recs__events_location\": \"$glob\", \"retail_recs__items_location\": \"/tmp/me/demo/items.parquet\", \"retail_recs__customers_location\": \"/tmp/me/demo/customers.parquet\", \"retail_recs__erasure_requests_location\": \"/tmp/me/demo/erasure_requests.parquet\", \"retail_recs__campaign_events_location\": null}" "$@"
