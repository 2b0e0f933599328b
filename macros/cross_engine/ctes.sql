{#-
    A common table expression computed once and read by several parts of a model: DuckDB and PostgreSQL
    inline a CTE into each reader unless told to materialise it (int_checks__reference reads its printed
    codes four times; inlined, that was half the model's time at 10,000 disclosures).
-#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'budget_warehouse')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}
    materialized
{%- endmacro %}

{#- Spark SQL has no materialisation hint: the CTE is planned as written. -#}
{% macro spark__materialized_cte() -%}
{%- endmacro %}
