{#-
    Aggregates. Text sorts byte by byte on both engines (PostgreSQL: a database with the C collation).
-#}

{#- The distinct non-null values, sorted, joined by `separator`; null when there is none. -#}
{% macro string_agg_distinct_sorted(value, separator) -%}
    {{ return(adapter.dispatch('string_agg_distinct_sorted', 'budget_warehouse')(value, separator)) }}
{%- endmacro %}

{% macro default__string_agg_distinct_sorted(value, separator) -%}
    string_agg(distinct {{ value }}, {{ separator }} order by {{ value }})
{%- endmacro %}

{#- List functions: twice as fast as string_agg(distinct ... order by) at 10,000 disclosures. -#}
{% macro duckdb__string_agg_distinct_sorted(value, separator) -%}
    array_to_string(list_sort(list_distinct(list({{ value }}) filter (where ({{ value }}) is not null))), {{ separator }})
{%- endmacro %}

{#- Every non-null value (repeats kept), sorted, joined by `separator`; null when there is none. -#}
{% macro string_agg_sorted(value, separator) -%}
    {{ return(adapter.dispatch('string_agg_sorted', 'budget_warehouse')(value, separator)) }}
{%- endmacro %}

{% macro default__string_agg_sorted(value, separator) -%}
    string_agg({{ value }}, {{ separator }} order by {{ value }})
{%- endmacro %}

{% macro duckdb__string_agg_sorted(value, separator) -%}
    array_to_string(list_sort(list({{ value }}) filter (where ({{ value }}) is not null)), {{ separator }})
{%- endmacro %}

{#- The non-null `value` of the row with the largest non-null `key` (DuckDB's arg_max). -#}
{% macro value_at_max(value, key) -%}
    {{ return(adapter.dispatch('value_at_max', 'budget_warehouse')(value, key)) }}
{%- endmacro %}

{% macro default__value_at_max(value, key) -%}
    (array_agg({{ value }} order by {{ key }} desc) filter (where ({{ value }}) is not null and ({{ key }}) is not null))[1]
{%- endmacro %}

{% macro duckdb__value_at_max(value, key) -%}
    arg_max({{ value }}, {{ key }})
{%- endmacro %}
