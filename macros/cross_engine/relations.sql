{#-
    `select * from a union all by name select * from b ...`: the rows of relations (CTE names or relations)
    whose columns have the same names, in any order. PostgreSQL has no `by name`: the columns are named.
-#}
{% macro union_all_by_name(relations, columns) -%}
    {{ return(adapter.dispatch('union_all_by_name', 'budget_warehouse')(relations, columns)) }}
{%- endmacro %}

{% macro default__union_all_by_name(relations, columns) -%}
    {%- for relation in relations %}
    select {{ columns | join(', ') }} from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{% macro duckdb__union_all_by_name(relations, columns) -%}
    {%- for relation in relations %}
    select * from {{ relation }}
    {%- if not loop.last %}
    union all by name
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
