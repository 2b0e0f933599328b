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

{#-
    Spark: Java regular expressions, which agree with RE2 on the patterns the models use. String literals are
    read as written (spark.sql.parser.escapedStringLiterals, profiles.yml), so '\s' reaches the pattern as is.
    A full match ends at \z: Java's $ would also match before a final line break.
-#}
{% macro spark__regex_full_match(text, pattern) -%}
    (({{ text }}) rlike concat('^(?:', {{ pattern }}, ')\z'))
{%- endmacro %}

{% macro spark__regex_contains(text, pattern) -%}
    (({{ text }}) rlike ({{ pattern }}))
{%- endmacro %}

{#- Spark's regexp_extract gives '' when there is no match, as DuckDB's does. -#}
{% macro spark__regex_extract(text, pattern, group=0) -%}
    regexp_extract({{ text }}, {{ pattern }}, {{ group }})
{%- endmacro %}

{% macro spark__regex_extract_all(text, pattern) -%}
    regexp_extract_all({{ text }}, {{ pattern }}, 0)
{%- endmacro %}

{% macro spark__regex_count(text, pattern) -%}
    array_size(regexp_extract_all({{ text }}, {{ pattern }}, 0))
{%- endmacro %}

{#- Spark replaces every match; a group is named $1 in the replacement, not \1. -#}
{% macro spark__regex_replace_all(text, pattern, replacement) -%}
    {%- set java_replacement = namespace(text=replacement) -%}
    {%- for group in range(1, 10) -%}
        {%- set java_replacement.text = java_replacement.text | replace('\\' ~ group, '$' ~ group) -%}
    {%- endfor -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ java_replacement.text }})
{%- endmacro %}

{#- The text split at every match of the pattern, as a list. -#}
{% macro regex_split(text, pattern) -%}
    {{ return(adapter.dispatch('regex_split', 'budget_warehouse')(text, pattern)) }}
{%- endmacro %}

{% macro default__regex_split(text, pattern) -%}
    regexp_split_to_array({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regex_split(text, pattern) -%}
    split({{ text }}, {{ pattern }}, -1)
{%- endmacro %}

{#-
    `text like pattern`, where a backslash in the pattern takes the next character literally (\_ is an
    underscore). Spark's LIKE escapes with a backslash by default, and its lexer reads '\' as an unfinished
    string, so there the escape clause is left out.
-#}
{% macro like_backslash_escaped(text, pattern) -%}
    {{ return(adapter.dispatch('like_backslash_escaped', 'budget_warehouse')(text, pattern)) }}
{%- endmacro %}

{% macro default__like_backslash_escaped(text, pattern) -%}
    ({{ text }}) like ({{ pattern }}) escape '\'
{%- endmacro %}

{% macro spark__like_backslash_escaped(text, pattern) -%}
    ({{ text }}) like ({{ pattern }})
{%- endmacro %}
