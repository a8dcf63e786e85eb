#!/bin/bash
cd /tmp/inc && rm -f src/* inc.duckdb full.duckdb && cp batches/events_1.parquet src/
./run.sh /tmp/inc/inc.duckdb "/tmp/inc/src/events_*.parquet" --select "staging" "+data_quality_reconciliation" --exclude "tag:evaluation" 2>&1 | grep -E "Done"
for b in 2 3; do cp batches/events_$b.parquet src/ && ./run.sh /tmp/inc/inc.duckdb "/tmp/inc/src/events_*.parquet" --select "staging" "+data_quality_reconciliation" --exclude "tag:evaluation" 2>&1 | grep -E "FAIL|Done|stg_events_checked \.\.\.\."; done
./run.sh /tmp/inc/full.duckdb "/tmp/inc/src/events_*.parquet" --select "staging" "+data_quality_reconciliation" --exclude "tag:evaluation" 2>&1 | grep -E "FAIL|Done" | head -3
/work/main/.venv/bin/python - <<'PY'
import duckdb
a = duckdb.connect('/tmp/inc/inc.duckdb', read_only=True)
rows_a = a.sql("select * from stg_events_checked order by all").fetchall(); a.close()
b = duckdb.connect('/tmp/inc/full.duckdb', read_only=True)
rows_b = b.sql("select * from stg_events_checked order by all").fetchall()
print(len(rows_a), len(rows_b), rows_a == rows_b)
sa, sb = set(rows_a), set(rows_b)
print("only inc", list(sa - sb)[:3]); print("only full", list(sb - sa)[:3])
PY
