{#-
    Regular expressions. Patterns are written for both engines: RE2 (DuckDB) and PostgreSQL's ARE agree on
    classes, anchors, groups, (?:...) and lazy quantifiers, but not on \b (ARE: backspace; use an explicit
    class), and ARE gives a whole pattern the greediness of its first quantifier: where a lazy group follows
    a greedy one, make the first lazy too when that does not change what RE2 matches.
-#}

{#- The whole text matches the pattern (null for null text). -#}
{% macro regex_full_match(text, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'budget_warehouse')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_full_match(text, pattern) -%}
    (({{ text }}) ~ ('^(?:' || {{ pattern }} || ')$'))
{%- endmacro %}

{% macro duckdb__regex_full_match(text, pattern) -%}
    regexp_full_match({{ text }}, {{ pattern }})
{%- endmacro %}

{#- Some part of the text matches the pattern (null for null text). -#}
{% macro regex_contains(text, pattern) -%}
    {{ return(adapter.dispatch('regex_contains', 'budget_warehouse')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_contains(text, pattern) -%}
    (({{ text }}) ~ ({{ pattern }}))
{%- endmacro %}

{% macro duckdb__regex_contains(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{#-
    Group `group` (0: the whole match) of the first match; '' when there is no match (as DuckDB), null for null
    text. PostgreSQL wraps the pattern in one more group, so a pattern must not refer back to a group by number.
-#}
{% macro regex_extract(text, pattern, group=0) -%}
    {{ return(adapter.dispatch('regex_extract', 'budget_warehouse')(text, pattern, group)) }}
{%- endmacro %}

{% macro default__regex_extract(text, pattern, group=0) -%}
    case
        when ({{ text }}) is not null
            then coalesce((regexp_match({{ text }}, '(' || {{ pattern }} || ')'))[{{ group + 1 }}], '')
    end
{%- endmacro %}

{% macro duckdb__regex_extract(text, pattern, group=0) -%}
    regexp_extract({{ text }}, {{ pattern }}, {{ group }})
{%- endmacro %}

{#- Every match (the whole match), in order, as a list. -#}
{% macro regex_extract_all(text, pattern) -%}
    {{ return(adapter.dispatch('regex_extract_all', 'budget_warehouse')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_extract_all(text, pattern) -%}
    array(
        select matched.groups[1]
        from regexp_matches({{ text }}, '(' || {{ pattern }} || ')', 'g') with ordinality as matched (groups, match_no)
        order by matched.match_no
    )
{%- endmacro %}

{% macro duckdb__regex_extract_all(text, pattern) -%}
    regexp_extract_all({{ text }}, {{ pattern }})
{%- endmacro %}

{#- How many times the pattern matches (without overlapping). -#}
{% macro regex_count(text, pattern) -%}
    {{ return(adapter.dispatch('regex_count', 'budget_warehouse')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_count(text, pattern) -%}
    regexp_count({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro duckdb__regex_count(text, pattern) -%}
    len(regexp_extract_all({{ text }}, {{ pattern }}))
{%- endmacro %}

{#- Every match replaced (`\1` names a group). The same call on both engines. -#}
{% macro regex_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'budget_warehouse')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}
