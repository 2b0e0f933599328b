{#-
    Planner settings for the session that builds a model (a pre-hook of every model, dbt_project.yml).

    PostgreSQL has no statistics for a CTE's rows, and estimates a filtered CTE at a row or two: it then
    joins by nested loop, which on real sizes is quadratic (int_checks__narrative at 1,000 disclosures: a
    5,225 x 365,000-row nested loop, 210 s; with hash joins 6 s). The models join whole tables without
    indexes, where a nested loop never wins: it is turned off for the session. DuckDB and Spark plan from
    their own statistics and need nothing.
-#}
{% macro planner_settings() -%}
    {{ return(adapter.dispatch('planner_settings', 'budget_warehouse')()) }}
{%- endmacro %}

{% macro default__planner_settings() -%}
    set enable_nestloop = off
{%- endmacro %}

{% macro duckdb__planner_settings() -%}
{%- endmacro %}

{% macro spark__planner_settings() -%}
{%- endmacro %}
