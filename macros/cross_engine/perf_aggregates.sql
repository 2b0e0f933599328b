{#-
    Sorted string aggregation: the values of a group joined in sorted order (distinct ones only when asked).
    DuckDB's ordered aggregates (`string_agg(distinct x, s order by x)`) sort each group apart: a list
    sorted afterwards is about twice as fast at 10,000 disclosures, with the same result.
-#}
{% macro sorted_string_agg(expression, separator, distinct=false) -%}
    {{ return(adapter.dispatch('sorted_string_agg', 'budget_warehouse')(expression, separator, distinct)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expression, separator, distinct) -%}
    string_agg({{ 'distinct ' if distinct }}{{ expression }}, '{{ separator }}' order by {{ expression }})
{%- endmacro %}

{% macro duckdb__sorted_string_agg(expression, separator, distinct) -%}
    {%- if distinct -%}
        array_to_string(list_sort(list_distinct(list({{ expression }}))), '{{ separator }}')
    {%- else -%}
        array_to_string(list_sort(list({{ expression }})), '{{ separator }}')
    {%- endif -%}
{%- endmacro %}

{#- The number of distinct non-null values in a group. -#}
{% macro count_distinct_values(expression) -%}
    {{ return(adapter.dispatch('count_distinct_values', 'budget_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__count_distinct_values(expression) -%}
    count(distinct {{ expression }})
{%- endmacro %}

{% macro duckdb__count_distinct_values(expression) -%}
    len(list_distinct(list({{ expression }})))
{%- endmacro %}
