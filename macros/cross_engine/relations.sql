{#-
    `select * from a union all by name select * from b ...`: the rows of relations (CTE names or relations)
    whose columns have the same names, in any order. PostgreSQL has no `by name`: the columns are named.
    A column may be given as `<expression> as <name>` (a cast): every relation's column is read through it,
    so the result's type is the one named, on every engine. (DuckDB otherwise unifies decimal(38, 6) and
    decimal(38, 10) into decimal(38, 6), rounding exact ratios to 6 decimals.)
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
    {%- set replaced = [] -%}
    {%- for column in columns -%}
        {%- if ' as ' in column -%}{%- do replaced.append(column) -%}{%- endif -%}
    {%- endfor -%}
    {%- for relation in relations %}
    select *{% if replaced %} replace ({{ replaced | join(', ') }}){% endif %} from {{ relation }}
    {%- if not loop.last %}
    union all by name
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
