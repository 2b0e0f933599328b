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

{#- The last non-null `value` in the frame of the named window (last_value ... ignore nulls). -#}
{% macro last_non_null(value, window_name) -%}
    {{ return(adapter.dispatch('last_non_null', 'budget_warehouse')(value, window_name)) }}
{%- endmacro %}

{#- PostgreSQL has no IGNORE NULLS: the frame's non-null values in order, the last of them. -#}
{% macro default__last_non_null(value, window_name) -%}
    (array_agg({{ value }}) filter (where ({{ value }}) is not null) over {{ window_name }})[count({{ value }}) over {{ window_name }}]
{%- endmacro %}

{% macro duckdb__last_non_null(value, window_name) -%}
    last_value({{ value }} ignore nulls) over {{ window_name }}
{%- endmacro %}

{#- The number of distinct non-null values in a group. -#}
{% macro count_distinct_values(value) -%}
    {{ return(adapter.dispatch('count_distinct_values', 'budget_warehouse')(value)) }}
{%- endmacro %}

{% macro default__count_distinct_values(value) -%}
    count(distinct {{ value }})
{%- endmacro %}

{#- A list's distinct values counted: DuckDB's count(distinct) is several times slower at 10,000 disclosures. -#}
{% macro duckdb__count_distinct_values(value) -%}
    len(list_distinct(list({{ value }})))
{%- endmacro %}

{% macro spark__count_distinct_values(value) -%}
    count(distinct {{ value }})
{%- endmacro %}

{#-
    Spark: collect_set / collect_list skip nulls, array_sort orders text byte by byte; null (not '') when no
    value was collected, as string_agg.
-#}
{% macro spark__string_agg_distinct_sorted(value, separator) -%}
    case when count({{ value }}) > 0 then array_join(array_sort(collect_set({{ value }})), {{ separator }}) end
{%- endmacro %}

{% macro spark__string_agg_sorted(value, separator) -%}
    case when count({{ value }}) > 0 then array_join(array_sort(collect_list({{ value }})), {{ separator }}) end
{%- endmacro %}

{% macro spark__value_at_max(value, key) -%}
    max_by({{ value }}, case when ({{ value }}) is not null then {{ key }} end)
{%- endmacro %}

{% macro spark__last_non_null(value, window_name) -%}
    last({{ value }}, true) over {{ window_name }}
{%- endmacro %}

{#-
    The non-null values joined by `separator` in the order of `order_by` (`string_agg(value, separator order by
    key)`), of the rows `where` holds (none: every row); null when there is none.
-#}
{% macro string_agg_ordered(value, separator, order_by, where=none) -%}
    {{ return(adapter.dispatch('string_agg_ordered', 'budget_warehouse')(value, separator, order_by, where)) }}
{%- endmacro %}

{% macro default__string_agg_ordered(value, separator, order_by, where=none) -%}
    string_agg({{ value }}, {{ separator }} order by {{ order_by }}){% if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{#- Spark: pairs (key, value) collected, sorted by key then value, the values joined. -#}
{% macro spark__string_agg_ordered(value, separator, order_by, where=none) -%}
    {%- set filter = ' filter (where ' ~ where ~ ')' if where else '' -%}
    case
        when count({{ value }}){{ filter }} > 0
            then array_join(
                transform(
                    array_sort(collect_list(named_struct('k', {{ order_by }}, 'v', {{ value }})){{ filter }}),
                    pair -> pair.v
                ),
                {{ separator }}
            )
    end
{%- endmacro %}
