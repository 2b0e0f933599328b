{#- Helpers for the functional classification (功能分类): 类 = 3 digits, 款 = 5, 项 = 7; a parent is a prefix. -#}

{% macro is_function_code(code) -%}
    coalesce({{ regex_full_match(code, "'[0-9]{3}([0-9]{2}){0,2}'") }}, false)
{%- endmacro %}

{% macro function_level(code) -%}
    case length({{ code }}) when 3 then '类' when 5 then '款' when 7 then '项' end
{%- endmacro %}

{% macro function_parent_code(code) -%}
    case length({{ code }}) when 5 then left({{ code }}, 3) when 7 then left({{ code }}, 5) end
{%- endmacro %}

{% macro is_economic_code(code) -%}
    coalesce({{ regex_full_match(code, "'[0-9]{3}([0-9]{2})?'") }}, false)
{%- endmacro %}
