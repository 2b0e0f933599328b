{#-
    Parsing the target and actual cells of performance indicators (年度指标值 / 实际完成值).
    A cell is one of:
      date      2020年12月 / 2020年12月31日前
      numeric   one number, an optional comparison (≥ ≤ > < =, 大于, 达到, 不低于, 以上 ...) and a unit
      compound  more than one number ("40 项 10 万余人"): kept as text, never reduced to its first number
      text      no number at all ("达到文件标准")
-#}

{% macro indicator_compact(text) -%}
    {{ regex_replace_all("coalesce(" ~ text ~ ", '')", "'\\s+'", "''") }}
{%- endmacro %}

{% macro indicator_number_count(text) -%}
    {{ regex_count(indicator_compact(text), "'[0-9]+(\\.[0-9]+)?'") }}
{%- endmacro %}

{% macro indicator_is_date(text) -%}
    {{ regex_full_match(indicator_compact(text), "'[0-9]{4}年[0-9]{1,2}月([0-9]{1,2}日)?(之前|以前|前)?'") }}
{%- endmacro %}

{% macro indicator_kind(text) -%}
    case
        when {{ text }} is null or {{ indicator_compact(text) }} = '' then 'empty'
        when {{ indicator_is_date(text) }} then 'date'
        when {{ indicator_number_count(text) }} = 0 then 'text'
        when {{ indicator_number_count(text) }} = 1 then 'numeric'
        else 'compound'
    end
{%- endmacro %}

{% macro indicator_operator(text) -%}
    case
        when {{ indicator_number_count(text) }} = 0 then null
        when {{ indicator_is_date(text) }} and {{ regex_contains(indicator_compact(text), "'(之前|以前|前)$'") }} then '≤'
        when {{ indicator_is_date(text) }} then '='
        when {{ regex_contains(indicator_compact(text), "'^(≥|>=|不低于|不少于|达到|至少)'") }} then '≥'
        when {{ regex_contains(indicator_compact(text), "'^(≤|<=|不高于|不超过|不多于|控制在)'") }} then '≤'
        when {{ regex_contains(indicator_compact(text), "'^(>|大于|高于|超过)'") }} then '>'
        when {{ regex_contains(indicator_compact(text), "'^(<|小于|低于)'") }} then '<'
        when {{ regex_contains(indicator_compact(text), "'^(=|等于)'") }} then '='
        when {{ regex_contains(indicator_compact(text), "'[0-9%](以上|及以上)$'") }} then '≥'
        when {{ regex_contains(indicator_compact(text), "'[0-9%](以下|以内|及以下)$'") }} then '≤'
    end
{%- endmacro %}

{% macro indicator_number(text) -%}
    case
        when {{ indicator_number_count(text) }} = 1 and not {{ indicator_is_date(text) }}
            then {{ text_to_decimal(regex_extract(indicator_compact(text), "'[0-9]+(\\.[0-9]+)?'", 0), 24, 6) }}
        else cast(null as decimal(24, 6))
    end
{%- endmacro %}

{#- The unit right after the number, from a closed list so that trailing words are not taken for units. -#}
{% macro indicator_unit(text) -%}
    case
        when {{ indicator_number_count(text) }} = 1 and not {{ indicator_is_date(text) }}
            then nullif({{ regex_extract(
                indicator_compact(text),
                "'[0-9](%|％|万元|亿元|元|万人次|人次|万人|人|名|个城市|个|项|场次|场|次|科|期|批次|户|本|台|套|辆|天|课时|年)'",
                1
            ) }}, '')
    end
{%- endmacro %}

{#- The last day of the period a date cell names: "2020年12月" is met by any day of December. -#}
{% macro indicator_date(text) -%}
    case
        when {{ indicator_is_date(text) }} then
            case
                when {{ regex_contains(indicator_compact(text), "'月[0-9]{1,2}日'") }}
                    then make_date(
                        cast({{ regex_extract(indicator_compact(text), "'^([0-9]{4})年'", 1) }} as integer),
                        cast({{ regex_extract(indicator_compact(text), "'年([0-9]{1,2})月'", 1) }} as integer),
                        cast({{ regex_extract(indicator_compact(text), "'月([0-9]{1,2})日'", 1) }} as integer)
                    )
                else cast(make_date(
                    cast({{ regex_extract(indicator_compact(text), "'^([0-9]{4})年'", 1) }} as integer),
                    cast({{ regex_extract(indicator_compact(text), "'年([0-9]{1,2})月'", 1) }} as integer),
                    1
                ) + interval '1 month' - interval '1 day' as date)
            end
    end
{%- endmacro %}
