{#-
    The `landing` source on each engine. DuckDB: the build file's landing schema, written by the landing step.
    PostgreSQL: <target schema>_landing, copied there by budget_warehouse.landing.to_postgres. Spark: the landed
    tables exported as Parquet folders by budget_warehouse.landing.to_parquet (<folder>/<table>/data.parquet);
    this on-run-start macro creates <target schema>_landing and one external table over each folder, so the
    source reads the files as they are now (dropping an external table leaves its files).
    BUDGET_WAREHOUSE_SPARK_LANDING_DIR names the folder (default warehouse/spark/landing; on a cluster, a folder
    every executor reads: hdfs://, s3a:// ...).
-#}
{% macro create_landing_tables() -%}
    {{ return(adapter.dispatch('create_landing_tables', 'budget_warehouse')()) }}
{%- endmacro %}

{% macro default__create_landing_tables() -%}
    select 1
{%- endmacro %}

{% macro spark__create_landing_tables() -%}
    {%- if execute -%}
        {%- set folder = env_var('BUDGET_WAREHOUSE_SPARK_LANDING_DIR', 'warehouse/spark/landing') -%}
        {%- set database = target.schema ~ '_landing' -%}
        {%- do run_query('create database if not exists ' ~ database) -%}
        {%- for node in graph.sources.values() if node.source_name == 'landing' -%}
            {%- do run_query('drop table if exists ' ~ database ~ '.' ~ node.name) -%}
            {%- do run_query(
                'create table ' ~ database ~ '.' ~ node.name ~ " using parquet location '"
                ~ folder ~ '/' ~ node.name ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
