{#-
    The exact quotient of two decimals carrying at most 6 decimals, cut (toward zero) after the 12th decimal:
    both sides are scaled to whole numbers (rounded at the 6th decimal) and divided as integers. The caller
    guards a zero denominator (safe_ratio).
-#}
{% macro exact_quotient_12(numerator, denominator) -%}
    {{ return(adapter.dispatch('exact_quotient_12', 'budget_warehouse')(numerator, denominator)) }}
{%- endmacro %}

{#- PostgreSQL: numeric is exact; div() is the integer quotient, truncated toward zero. -#}
{% macro default__exact_quotient_12(numerator, denominator) -%}
    cast(
        div(
            round(cast(({{ numerator }}) as numeric) * 1000000) * 1000000000000,
            round(cast(({{ denominator }}) as numeric) * 1000000)
        ) * cast(0.000000000001 as decimal(13, 12))
        as decimal(38, 12)
    )
{%- endmacro %}

{#- DuckDB divides decimals in DOUBLE: the scaled sides are divided as HUGEINT (`//` truncates toward zero). -#}
{% macro duckdb__exact_quotient_12(numerator, denominator) -%}
    cast(
        cast(
            (cast(({{ numerator }}) * 1000000 as hugeint) * cast(1000000000000 as hugeint))
            // cast(({{ denominator }}) * 1000000 as hugeint)
            as decimal(38, 0)
        ) * cast(0.000000000001 as decimal(13, 12))
        as decimal(38, 12)
    )
{%- endmacro %}

{#-
    Spark divides decimals with at most 38 digits and rounds (half up) what does not fit, so the quotient is
    built from two integer divisions (`div`, truncated toward zero, a bigint): the whole part, then the 12
    decimals from the remainder. Both stay far inside a bigint (the whole part of a ratio of amounts, and a
    remainder scaled by 10^12 divided by the larger denominator); the types are kept small so that Spark's
    decimal arithmetic never drops a digit.
-#}
{% macro spark__exact_quotient_12(numerator, denominator) -%}
    {%- set n = 'cast(round(cast((' ~ numerator ~ ') as decimal(38, 6)) * 1000000, 0) as decimal(38, 0))' -%}
    {%- set d = 'cast(round(cast((' ~ denominator ~ ') as decimal(38, 6)) * 1000000, 0) as decimal(38, 0))' -%}
    {%- set whole = '(' ~ n ~ ' div ' ~ d ~ ')' -%}
    cast(
        cast({{ whole }} as decimal(20, 0))
        + cast(
            (({{ n }} - cast({{ whole }} as decimal(20, 0)) * {{ d }}) * cast(1000000000000 as decimal(13, 0)))
            div {{ d }}
            as decimal(13, 0)
        ) * cast(0.000000000001 as decimal(13, 12))
        as decimal(38, 12)
    )
{%- endmacro %}
