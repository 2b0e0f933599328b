{#- Lists (DuckDB) and arrays (PostgreSQL): `array[...]` literals, string_to_array and unnest run on both. -#}

{#- The list holds the value. -#}
{% macro list_has(list, value) -%}
    {{ return(adapter.dispatch('list_has', 'budget_warehouse')(list, value)) }}
{%- endmacro %}

{% macro default__list_has(list, value) -%}
    coalesce(({{ value }}) = any({{ list }}), false)
{%- endmacro %}

{% macro duckdb__list_has(list, value) -%}
    list_contains({{ list }}, {{ value }})
{%- endmacro %}

{#- How many elements the list has (0 for an empty one). -#}
{% macro list_length(list) -%}
    {{ return(adapter.dispatch('list_length', 'budget_warehouse')(list)) }}
{%- endmacro %}

{% macro default__list_length(list) -%}
    cardinality({{ list }})
{%- endmacro %}

{% macro duckdb__list_length(list) -%}
    len({{ list }})
{%- endmacro %}

{#- The integers first .. last as a list (empty when last < first), to unnest beside another list. -#}
{% macro integer_series(first, last) -%}
    {{ return(adapter.dispatch('integer_series', 'budget_warehouse')(first, last)) }}
{%- endmacro %}

{% macro default__integer_series(first, last) -%}
    array(select generate_series(cast({{ first }} as integer), cast({{ last }} as integer)))
{%- endmacro %}

{% macro duckdb__integer_series(first, last) -%}
    generate_series({{ first }}, {{ last }})
{%- endmacro %}
