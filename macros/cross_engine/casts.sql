{#-
    Text to a type, null when the text is not one (PostgreSQL has no try_cast). The same rules on every
    engine, stricter than DuckDB's try_cast (which reads '1.5' as the integer 2 and '1e2' as 100): surrounding
    blanks are ignored; the text must be written as the type's plain form.
-#}

{#- An optional sign and 1 to 9 digits. -#}
{% macro text_to_integer(text) -%}
    case
        when {{ regex_full_match('trim(' ~ text ~ ')', "'[+-]?[0-9]{1,9}'") }}
            then cast(trim({{ text }}) as integer)
    end
{%- endmacro %}

{#-
    Plain decimal notation (an optional sign, digits, an optional point and decimals; no exponent), at most
    precision - scale digits before the point; more decimals are rounded (half away from zero) to the scale.
-#}
{% macro text_to_decimal(text, precision, scale) -%}
    case
        when
            {{ regex_full_match('trim(' ~ text ~ ')', "'[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)'") }}
            and length(split_part({{ trim_leading(trim_leading(trim_leading('trim(' ~ text ~ ')', "'+'"), "'-'"), "'0'") }}, '.', 1)) <= {{ precision - scale }}
            then cast(trim({{ text }}) as decimal({{ precision }}, {{ scale }}))
        -- typed, so that PostgreSQL keeps the column's precision and scale (an untyped null drops them)
        else cast(null as decimal({{ precision }}, {{ scale }}))
    end
{%- endmacro %}

{#- A calendar date written YYYY-MM-DD (2021-02-30 is not one). -#}
{% macro text_to_date(text) -%}
    {{ return(adapter.dispatch('text_to_date', 'budget_warehouse')(text)) }}
{%- endmacro %}

{#- PostgreSQL raises on an impossible date: the month and the day are checked before make_date. -#}
{% macro default__text_to_date(text) -%}
    case
        when {{ regex_full_match('trim(' ~ text ~ ')', "'[0-9]{4}-[0-9]{2}-[0-9]{2}'") }} then
            case
                when cast(substr(trim({{ text }}), 6, 2) as integer) between 1 and 12 then
                    case
                        when
                            cast(substr(trim({{ text }}), 9, 2) as integer) between 1 and extract(day from (
                                make_date(
                                    cast(substr(trim({{ text }}), 1, 4) as integer),
                                    cast(substr(trim({{ text }}), 6, 2) as integer),
                                    1
                                ) + interval '1 month' - interval '1 day'
                            ))
                            then cast(trim({{ text }}) as date)
                    end
            end
    end
{%- endmacro %}

{% macro duckdb__text_to_date(text) -%}
    case
        when regexp_full_match(trim({{ text }}), '[0-9]{4}-[0-9]{2}-[0-9]{2}') then try_cast(trim({{ text }}) as date)
    end
{%- endmacro %}

{#- true / t / yes / y / 1 and false / f / no / n / 0, in any case. -#}
{% macro text_to_boolean(text) -%}
    case
        when lower(trim({{ text }})) in ('true', 't', 'yes', 'y', '1') then true
        when lower(trim({{ text }})) in ('false', 'f', 'no', 'n', '0') then false
    end
{%- endmacro %}

{#- Spark: cast gives null for an impossible date (ANSI mode off, as dbt-spark sets it). -#}
{% macro spark__text_to_date(text) -%}
    case
        when {{ regex_full_match('trim(' ~ text ~ ')', "'[0-9]{4}-[0-9]{2}-[0-9]{2}'") }} then cast(trim({{ text }}) as date)
    end
{%- endmacro %}

{#- The leading characters of `text` that are in `characters` removed (Spark's two-argument ltrim takes them first). -#}
{% macro trim_leading(text, characters) -%}
    {{ return(adapter.dispatch('trim_leading', 'budget_warehouse')(text, characters)) }}
{%- endmacro %}

{% macro default__trim_leading(text, characters) -%}
    ltrim({{ text }}, {{ characters }})
{%- endmacro %}

{% macro spark__trim_leading(text, characters) -%}
    trim(leading {{ characters }} from {{ text }})
{%- endmacro %}
