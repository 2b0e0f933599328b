{#-
    Helpers of int_checks__calculations: a stated calculation's operands are pivoted into columns
    <prefix>1 .. <prefix>n (null where the calculation has fewer operands) and combined exactly in DECIMAL.
-#}

{#- The operand columns of a pivot: max(value) filter (where position = i) as <alias_prefix>i, for i = 1 .. n. -#}
{% macro pivot_operands(value_column, position_column, alias_prefix, operand_count) -%}
    {%- for position in range(1, operand_count + 1) -%}
        max({{ value_column }}) filter (where {{ position_column }} = {{ position }}) as {{ alias_prefix }}{{ position }}
        {{- ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- o1 x o2 x ... x on, a missing operand counting as 1, every step cast back to decimal(38, 10). -#}
{% macro exact_product(operand_prefix, operand_count) -%}
    {%- set ns = namespace(expression='cast(1 as decimal(38, 10))') -%}
    {%- for position in range(1, operand_count + 1) -%}
        {%- set ns.expression = 'cast(' ~ ns.expression ~ ' * coalesce(' ~ operand_prefix ~ position ~ ', 1) as decimal(38, 10))' -%}
    {%- endfor -%}
    {{ ns.expression }}
{%- endmacro %}

{#- o1 x o2 + o3 x o4 + ..., a missing pair counting as 0. -#}
{% macro exact_sum_of_products(operand_prefix, operand_count) -%}
    {%- for position in range(1, operand_count + 1, 2) -%}
        coalesce(cast({{ operand_prefix }}{{ position }} * {{ operand_prefix }}{{ position + 1 }} as decimal(38, 10)), 0)
        {{- " + " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
