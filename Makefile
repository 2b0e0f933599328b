# The two commands of the quick start: `make nightly` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
# Great Expectations never tries the network: stewards often work on closed networks.
export GX_ANALYTICS_ENABLED := false

.PHONY: install system-packages nightly dev dev-spark test lint validate unacknowledged docs clean import bench-pdf bench bench-engines export

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## The nightly job: build into a fresh file, publish it only when the build succeeds, then validate it
## and write the stewards' report (reports/latest/index.html). Non-zero when a critical expectation
## fails on something no steward has acknowledged. TARGET=postgres builds on the PostgreSQL server the
## libpq variables name (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) and publishes by renaming schemas.
TARGET ?= duckdb
nightly: install
	$(BIN)/python -m budget_warehouse.nightly --target $(TARGET)

## Validation and report alone, against the published warehouse (opened read-only).
validate: install
	$(BIN)/python -m budget_warehouse.validate --target $(TARGET)

## The published marts of TARGET as Parquet files with a manifest.json, for BI tools that read files:
## make export TARGET=duckdb OUT=exports/marts. The folder is replaced as a whole once every file is verified.
# (OUT's default here is the export's own; `make import` has another)
export: OUT = exports/marts
export: install
	$(BIN)/python -m budget_warehouse.export --target $(TARGET) --out $(OUT)

## The failing findings no steward has decided on yet.
unacknowledged: install
	$(BIN)/python -m budget_warehouse.review --target $(TARGET)

## Every test: dbt builds on real DuckDB files, golden figures, lint. Installs the Debian packages the
## browser tests need (Chromium, a CJK font) when they are missing, or says which to install.
test: install system-packages
	$(BIN)/python -m pytest

system-packages:
	./.ci/system-packages

## dbt by hand: land the sample (or RAW=folder) into the development file, then build it. Never touches the
## published warehouse; run other dbt commands the same way: `.venv/bin/dbt <command>`.
DEV_WAREHOUSE := warehouse/dev/budget_warehouse_dev.duckdb
RAW ?= seeds/sample
dev: install
	rm -f $(DEV_WAREHOUSE) $(DEV_WAREHOUSE).wal
	$(BIN)/python -m budget_warehouse.landing.land $(DEV_WAREHOUSE) $(RAW)
	$(BIN)/dbt build

## The same on Spark in local mode (Java needed): land into a scratch DuckDB file, export the landed tables as
## Parquet under warehouse/spark/landing, and build with the `spark` target (tables and metastore under
## warehouse/spark). The README, "On Spark", says how to point it at a cluster.
SPARK_DIR := $(CURDIR)/warehouse/spark
dev-spark: install
	mkdir -p $(SPARK_DIR)
	rm -f $(SPARK_DIR)/landed.duckdb
	$(BIN)/python -m budget_warehouse.landing.land $(SPARK_DIR)/landed.duckdb $(RAW)
	$(BIN)/python -m budget_warehouse.landing.to_parquet $(SPARK_DIR)/landed.duckdb $(SPARK_DIR)/landing
	BUDGET_WAREHOUSE_SPARK_DIR=$(SPARK_DIR) BUDGET_WAREHOUSE_SPARK_LANDING_DIR=$(SPARK_DIR)/landing \
		$(BIN)/dbt build --target spark

lint: install
	$(BIN)/sqlfluff lint models macros tests
	$(BIN)/ruff check budget_warehouse tests
	$(BIN)/ruff format --check budget_warehouse tests
	$(BIN)/mypy budget_warehouse

## Import published 部门决算 PDFs into raw CSV files: make import PDF="a.pdf b.pdf" OUT=folder
OUT ?= inbox/imported
import: install
	$(BIN)/python -m budget_warehouse.extract $(PDF) --out $(OUT)

## Seconds per document and pages per second of the PDF importer, one core and all cores.
bench-pdf: install
	$(BIN)/python -m budget_warehouse.pdf_import.bench

## The nightly job on a synthetic corpus of N disclosures with faults at known places: seconds and memory per
## phase, rows per mart, recall per rule family, false alarms, ratio to plain DuckDB. make bench N=100 BENCH_OUT=r.json
## A night like any other: the project is parsed first, untimed (python -m budget_warehouse.bench --first-night
## measures the first night, parsed from scratch). PER_FILE=100 starts a set of raw files every 100 disclosures;
## CHANGED=1 then changes 1% of the disclosures and measures the night after.
N ?= 100
BENCH_OUT ?= bench-results.json
PER_FILE ?= 0
CHANGED ?= 0
bench: install
	$(BIN)/python -m budget_warehouse.bench --disclosures $(N) --out $(BENCH_OUT) \
		--disclosures-per-file $(PER_FILE) --changed-percent $(CHANGED)

## One generated corpus on DuckDB, PostgreSQL and Spark side by side (seconds per phase, peak memory, and every
## finding compared with DuckDB's). PostgreSQL: the server the libpq variables name, or a throwaway local one
## when PGDATABASE is unset (postgresql-15 installed). make bench-engines N=100 ENGINES=duckdb,postgres,spark
ENGINES ?= duckdb,postgres,spark
bench-engines: install
	$(BIN)/python -m budget_warehouse.bench.engines --disclosures $(N) --engines $(ENGINES) --out $(BENCH_OUT)

clean:
	rm -rf target logs dbt_packages
