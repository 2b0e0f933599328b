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

{#- Spark: arrays; size() of null is -1, array_size() null. -#}
{% macro spark__list_has(list, value) -%}
    coalesce(array_contains({{ list }}, {{ value }}), false)
{%- endmacro %}

{% macro spark__list_length(list) -%}
    array_size({{ list }})
{%- endmacro %}

{#- Spark's sequence counts down when last < first: the filter leaves it empty then. -#}
{% macro spark__integer_series(first, last) -%}
    filter(sequence(cast({{ first }} as integer), cast({{ last }} as integer)), n -> n <= cast({{ last }} as integer) and n >= cast({{ first }} as integer))
{%- endmacro %}

{#- A list of texts, from a Jinja list of SQL expressions. -#}
{% macro text_list(items) -%}
    {{ return(adapter.dispatch('text_list', 'budget_warehouse')(items)) }}
{%- endmacro %}

{% macro default__text_list(items) -%}
    array[{{ items | join(', ') }}]
{%- endmacro %}

{% macro spark__text_list(items) -%}
    array({{ items | join(', ') }})
{%- endmacro %}

{#- The text split at every occurrence of `separator` (a literal, not a pattern), as a list. -#}
{% macro split_text(text, separator) -%}
    {{ return(adapter.dispatch('split_text', 'budget_warehouse')(text, separator)) }}
{%- endmacro %}

{% macro default__split_text(text, separator) -%}
    string_to_array({{ text }}, {{ separator }})
{%- endmacro %}

{#- Spark's split takes a pattern: the separator is quoted (\Q...\E). -#}
{% macro spark__split_text(text, separator) -%}
    split({{ text }}, concat('\Q', {{ separator }}, '\E'), -1)
{%- endmacro %}

{#-
    Select-list items: one row per element of the list, as `value_name`; with `position_name`, its position
    (1, 2 ...) too. `trimmed`: the element with surrounding blanks removed.
-#}
{% macro unnest_list(list, value_name, position_name=none, trimmed=false) -%}
    {{ return(adapter.dispatch('unnest_list', 'budget_warehouse')(list, value_name, position_name, trimmed)) }}
{%- endmacro %}

{% macro default__unnest_list(list, value_name, position_name=none, trimmed=false) -%}
    {%- if trimmed %}trim(unnest({{ list }})){% else %}unnest({{ list }}){% endif %} as {{ value_name }}
    {%- if position_name -%}
        , unnest({{ integer_series(1, list_length(list)) }}) as {{ position_name }}
    {%- endif -%}
{%- endmacro %}

{#- Spark allows one generator per select: the element and its position as one struct, inlined. -#}
{% macro spark__unnest_list(list, value_name, position_name=none, trimmed=false) -%}
    {%- set element = 'trim(element)' if trimmed else 'element' -%}
    {%- if position_name -%}
        inline(transform({{ list }}, (element, i) -> named_struct('{{ value_name }}', {{ element }}, '{{ position_name }}', i + 1)))
    {%- else -%}
        explode(transform({{ list }}, element -> {{ element }})) as {{ value_name }}
    {%- endif -%}
{%- endmacro %}

{#- The element at `position`, counted from 1; null past the end. -#}
{% macro list_element(list, position) -%}
    {{ return(adapter.dispatch('list_element', 'budget_warehouse')(list, position)) }}
{%- endmacro %}

{% macro default__list_element(list, position) -%}
    ({{ list }})[{{ position }}]
{%- endmacro %}

{#- Spark's [] counts from 0; element_at from 1. -#}
{% macro spark__list_element(list, position) -%}
    element_at({{ list }}, {{ position }})
{%- endmacro %}
