{#-
    Models land in the schema they name (marts, staging ...), not in <target>_<name>: BI users query marts.*
    On DuckDB the file is the warehouse, so the names stand alone. On any other engine (PostgreSQL) one
    database may hold several builds, so they are prefixed by the target's schema: budget_warehouse_marts,
    budget_warehouse_staging ... (BUDGET_WAREHOUSE_PG_SCHEMA names the prefix; the landed raw tables are in
    <prefix>_landing, see the landing source).
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.type == 'duckdb' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
