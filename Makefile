# The two commands of the README: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.spark-installed
# Size of the demo data, e.g. make demo DEMO_ARGS="--customers 20000 --events 2000000"
DEMO_ARGS ?=
ONLINE_RETAIL ?= ../shared/data/online_retail.parquet

export DBT_PROFILES_DIR := $(CURDIR)

.PHONY: install install-spark spark-build spark-check demo test lint publish online-retail metrics-report bench bench-incremental docs docs-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,spark]'
	touch $(SPARK_STAMP)

## pyspark and dbt-spark[session] for the Spark target (Java 17 must be installed).
install-spark: $(SPARK_STAMP)

## Install, generate the demo data, build the warehouse, then play a campaign round (simulated
## responses, rebuild of what depends on them), publish the BI tables, export, print a summary.
demo: install
	$(BIN)/python -m retail_recs.demo_data --out data/demo $(DEMO_ARGS)
	mkdir -p "$$(dirname "$${RETAIL_RECS_DB:-warehouse/retail_recs.duckdb}")"
	$(BIN)/python -m retail_recs.build --data data/demo
	$(BIN)/python -m retail_recs.demo_data.responses --db "$${RETAIL_RECS_DB:-warehouse/retail_recs.duckdb}" --out data/demo
	$(BIN)/python -m retail_recs.build --data data/demo -- --select source:retail.campaign_events+
	$(BIN)/python -m retail_recs.publish
	$(BIN)/python -m retail_recs.export_campaigns
	$(BIN)/python -m retail_recs.summary

## Lint, then the whole pytest suite (which builds warehouses end to end) on TEST_WORKERS
## processes, with the Spark step beside it. A small build is dbt's Python on one core, so two
## processes use both cores of the reference machine (conftest.py's scheduler keeps each test
## file on one). The Spark step alone keeps about one core busy (its JVM, a third of one for
## pytest), so it runs as a third process beside them, and its output follows the suite's.
TEST_WORKERS ?= 2
test: lint install-spark
	@spark_log=$$(mktemp); \
	$(BIN)/python -m pytest -m spark -p no:cacheprovider > $$spark_log 2>&1 & spark=$$!; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS); suite=$$?; \
	wait $$spark; spark_step=$$?; \
	echo "--- the Spark step (make spark-check), run beside the suite ---"; \
	cat $$spark_log; rm -f $$spark_log; \
	test $$suite -eq 0 && test $$spark_step -eq 0

## The Spark equality step alone: the small demo on DuckDB and on a local Spark session,
## every table compared (python/tests/test_spark_equality.py).
spark-check: install-spark
	$(BIN)/python -m pytest -m spark

## The demo data built on a local Spark session into warehouse/spark (SQL and Python stages).
spark-build: install-spark
	$(BIN)/python -m retail_recs.demo_data --out data/demo $(DEMO_ARGS)
	$(BIN)/python -m retail_recs.build --engine spark --data data/demo

lint: install
	$(BIN)/ruff check python models
	$(BIN)/ruff format --check python models

## Publish the BI-facing tables of the last green `dbt build` to warehouse/published/.
publish: install
	$(BIN)/python -m retail_recs.publish

## The warehouse on the UCI Online Retail file, in warehouse/online_retail.duckdb.
online-retail: install
	$(BIN)/python -m retail_recs.online_retail --input $(ONLINE_RETAIL) --out data/online_retail
	$(BIN)/python -m retail_recs.build --data data/online_retail --db warehouse/online_retail.duckdb
	$(BIN)/python -m retail_recs.summary --db warehouse/online_retail.duckdb

## Rewrite the README's offline-evaluation tables from the demo and Online Retail warehouses.
metrics-report: install
	$(BIN)/python -m retail_recs.metrics_report

## Build times and peak memory at 1M and 10M events (minutes).
bench: install
	$(BIN)/python -m retail_recs.bench

## Incremental refresh of staging + interactions after appending 1% of 10M events, against a
## --full-refresh build of the same events (minutes).
bench-incremental: install
	$(BIN)/python -m retail_recs.bench_incremental

## dbt docs into target/docs (not target/, whose run_results.json publish reads);
## `dbt docs serve --target-path target/docs` shows them.
docs: install
	$(BIN)/dbt docs generate --project-dir . --profiles-dir . --target-path target/docs

## Check every model, column and exposure is documented and the docs site renders, in
## headless Chromium (apt-get install chromium); saves the README's screenshot.
docs-check: install
	$(BIN)/python -m retail_recs.docs_check --screenshot docs/dbt-docs-campaign_performance.png

clean:
	rm -rf target logs warehouse data exports
