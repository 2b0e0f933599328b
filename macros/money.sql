{#- Money is exact: every amount is DECIMAL, never double. -#}

{% macro money_type() -%}decimal(20, 6){%- endmacro %}

{#- An amount in 万元 from a printed amount and its unit (元 / 万元 / 亿元); null for any other unit. -#}
{% macro to_wan_yuan(amount, unit) -%}
    cast(
        case {{ unit }}
            when '万元' then ({{ amount }})
            when '元' then {{ amount }} * cast(0.0001 as decimal(5, 4))
            when '亿元' then {{ amount }} * 10000
        end as {{ money_type() }}
    )
{%- endmacro %}

{#-
    An exact ratio as DECIMAL(38, 12), null (not inf or NaN) when the denominator is zero or missing.
    DuckDB divides decimals in DOUBLE, so both sides are scaled to whole numbers (inputs carry at most
    6 decimals) and divided as integers (exact_quotient_12, macros/cross_engine/ratios.sql); the 13th decimal
    onward is cut, far below any printed precision.
-#}
{% macro safe_ratio(numerator, denominator) -%}
    case
        when ({{ denominator }}) is not null and ({{ denominator }}) != 0
            then {{ exact_quotient_12(numerator, denominator) }}
    end
{%- endmacro %}

{#- The same ratio in percent, as disclosures print shares and rates (78.13, not 0.7813). -#}
{% macro safe_percent(numerator, denominator) -%}
    cast({{ safe_ratio(numerator, denominator) }} * 100 as decimal(38, 10))
{%- endmacro %}

{#- Joins the non-null reasons into one; null when there is none (the row is accepted). -#}
{% macro rejection_reason(checks) -%}
    nullif(concat_ws('; ',
        {%- for condition, reason in checks %}
        case when {{ condition }} then {{ reason }} end{{ "," if not loop.last }}
        {%- endfor %}
    ), '')
{%- endmacro %}

{#-
    Printed numbers are accepted in plain decimal notation only (an optional sign, digits, an optional point
    and decimals). Scientific notation (1e20, 9.1669e2) is rejected: no published table prints it, and it
    hides the printed precision. More decimals than the type keeps would be rounded silently, and more
    digits than a mart can sum would overflow it: both are rejected too, with the reason.
    Money: at most 12 digits before the point (under 1,000,000,000,000 in its unit), at most 6 after.
-#}
{% macro decimal_text_problem(printed, integer_digits=12, scale=6) -%}
    case
        when {{ printed }} is null then null
        when {{ regex_full_match(printed, "'[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)[eE][+-]?[0-9]+'") }}
            then 'is in scientific notation, which is not allowed: ' || {{ printed }}
        when not {{ regex_full_match(printed, "'[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)'") }}
            then 'is not a number: ' || {{ printed }}
        when length(split_part({{ trim_leading(regex_replace_all(printed, "'^[+-]'", "''"), "'0'") }}, '.', 1)) > {{ integer_digits }}
            then 'is out of range (more than {{ integer_digits }} digits before the decimal point): ' || {{ printed }}
        when length(split_part({{ printed }} || '.', '.', 2)) > {{ scale }}
            then 'has more than {{ scale }} decimals (they would be rounded): ' || {{ printed }}
    end
{%- endmacro %}

{#- The printed number as DECIMAL, or null when decimal_text_problem has a reason to reject it. -#}
{% macro decimal_text_value(printed, integer_digits=12, scale=6) -%}
    case
        when ({{ decimal_text_problem(printed, integer_digits, scale) }}) is null
            then cast({{ printed }} as decimal({{ integer_digits + scale + 2 }}, {{ scale }}))
        -- typed, so that PostgreSQL keeps the column's precision and scale (an untyped null drops them)
        else cast(null as decimal({{ integer_digits + scale + 2 }}, {{ scale }}))
    end
{%- endmacro %}

{#- A money cell of a raw file: the text as printed and the exact amount (null when it is rejected). -#}
{% macro amount_columns(printed_column, name='amount') -%}
    trim(cast({{ printed_column }} as {{ text_type() }})) as {{ name }}_printed,
    {{ decimal_text_value('trim(cast(' ~ printed_column ~ ' as ' ~ text_type() ~ '))') }} as {{ name }}
{%- endmacro %}

{#- The rejection check of a money cell staged with amount_columns: empty (when required), or why its text is
    not accepted. -#}
{% macro amount_rejection(relation, name='amount', required=true) -%}
    {{ return((
        ("" if required else relation ~ "." ~ name ~ "_printed is not null and ") ~ relation ~ "." ~ name ~ " is null",
        "'" ~ name ~ " ' || coalesce(" ~ decimal_text_problem(relation ~ "." ~ name ~ "_printed") ~ ", 'is empty')",
    )) }}
{%- endmacro %}
