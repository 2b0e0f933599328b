{#-
    Type names. `varchar` on DuckDB and PostgreSQL; Spark has no varchar without a length (its text is `string`).
-#}
{% macro text_type() -%}
    {{ return(adapter.dispatch('text_type', 'budget_warehouse')()) }}
{%- endmacro %}

{% macro default__text_type() -%}
    varchar
{%- endmacro %}

{% macro spark__text_type() -%}
    string
{%- endmacro %}

{#-
    dbt's cast on Spark: the marts' contracts declare `varchar` (as DuckDB and PostgreSQL name text); dbt checks a
    contract by casting null to each declared type, so that name is read as Spark's `string` here.
-#}
{% macro spark__cast(field, type) -%}
    {%- if type | string | trim | lower in ('varchar', 'text') -%}
        cast({{ field }} as string)
    {%- else -%}
        cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}
