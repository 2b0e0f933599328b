-- NAR-06 (stated calculations add up) and CMP-03 (sub-counts add up to the stated count): every calculation
-- of raw_stated_calculations, its operands resolved to narrative figures, indicator values or self-evaluation
-- cells, computed exactly and compared with the stated result at its printed precision and in its printed unit.
-- A sum whose result is a count is CMP-03 (exact); every other calculation is NAR-06.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

{%- set max_operands = 8 %}
with

calculations as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__stated_calculations')) }}
    where is_accepted
),

figures as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted
),

indicators as (
    select * from {{ changed_disclosures_only(ref('int_performance_indicators_parsed')) }}
),

self_evaluation_items as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__self_evaluation_items')) }}
    where is_accepted
),

-- every value a calculation may reference, with its printed value, unit and precision
figure_values as (
    select
        disclosure_id,
        figure_id as value_ref,
        signed_value as printed_value,
        unit as printed_unit,
        value_decimals as printed_decimals,
        case
            when unit in ('万元', '元', '亿元') or {{ regex_contains("unit", "'^(万元|元|亿元)/'") }} then 'money'
            when unit in ('%', '％') then 'percent'
            when metric = 'count' then 'count'
            else 'other'
        end as value_kind,
        section
    from figures
),

indicator_values as (
    select
        disclosure_id,
        'indicator:' || project_id || ':' || indicator_no as value_ref,
        actual_number as printed_value,
        coalesce(actual_unit, target_unit) as printed_unit,
        coalesce(length({{ regex_extract("actual_text", "'[0-9]+\\.([0-9]+)'", 1) }}), 0) as printed_decimals,
        source_section as section,
        actual_kind = 'numeric' as is_number
    from indicators
    union all
    select
        disclosure_id,
        'indicator_target:' || project_id || ':' || indicator_no as value_ref,
        target_number as printed_value,
        target_unit as printed_unit,
        coalesce(length({{ regex_extract("target_text", "'[0-9]+\\.([0-9]+)'", 1) }}), 0) as printed_decimals,
        source_section as section,
        target_kind = 'numeric' as is_number
    from indicators
),

self_evaluation_values as (
    select
        disclosure_id,
        'self_evaluation:' || item_no || ':score' as value_ref,
        score as printed_value,
        source_section as section
    from self_evaluation_items
    union all
    select
        disclosure_id,
        'self_evaluation:' || item_no || ':points' as value_ref,
        points as printed_value,
        source_section as section
    from self_evaluation_items
),

all_values as (
    select
        disclosure_id,
        value_ref,
        cast(printed_value as decimal(38, 10)) as printed_value,
        printed_unit,
        printed_decimals,
        value_kind,
        section
    from figure_values
    union all
    select
        disclosure_id,
        value_ref,
        case when is_number then cast(printed_value as decimal(38, 10)) end as printed_value,
        printed_unit,
        printed_decimals,
        case
            when printed_unit in ('万元', '元', '亿元') then 'money'
            when printed_unit in ('%', '％') then 'percent'
            when printed_unit is not null then 'count'
            else 'other'
        end as value_kind,
        section
    from indicator_values
    union all
    select
        disclosure_id,
        value_ref,
        cast(printed_value as decimal(38, 10)) as printed_value,
        '分' as printed_unit,
        -- the seed types scores as decimal(10, 2): the printed precision is what the value needs
        coalesce(
            length({{ regex_extract(
                "regexp_replace(cast(printed_value as " ~ text_type() ~ "), '0+$', '')", "'\\.([0-9]+)$'", 1
            ) }}),
            0
        ) as printed_decimals,
        'score' as value_kind,
        section
    from self_evaluation_values
),

-- money is computed in 万元 (prices per person / month / trip in 万元 per ...), everything else as printed
valued as (
    select
        *,
        case
            when value_kind != 'money' then cast(1 as decimal(38, 10))
            when {{ regex_contains("printed_unit", "'^万元'") }} then cast(1 as decimal(38, 10))
            when {{ regex_contains("printed_unit", "'^亿元'") }} then cast(10000 as decimal(38, 10))
            when {{ regex_contains("printed_unit", "'^元'") }} then cast(0.0001 as decimal(38, 10))
        end as to_base_factor,
        case
            when value_kind != 'money' then cast(1 as decimal(38, 10))
            when {{ regex_contains("printed_unit", "'^万元'") }} then cast(1 as decimal(38, 10))
            when {{ regex_contains("printed_unit", "'^亿元'") }} then cast(0.0001 as decimal(38, 10))
            when {{ regex_contains("printed_unit", "'^元'") }} then cast(10000 as decimal(38, 10))
        end as from_base_factor,
        case
            when value_kind = 'money' then regexp_replace(printed_unit, '^(万元|亿元|元)', '万元')
            else printed_unit
        end as base_unit
    from all_values
),

base_values as (
    select
        *,
        cast(printed_value * to_base_factor as decimal(38, 10)) as base_value
    from valued
),

operand_refs as (
    select
        disclosure_id,
        calculation_id,
        operation_type,
        operand_count as operands_listed,
        {{ unnest_list(split_text('operand_figure_ids', "'|'"), 'operand_ref', 'operand_position') }}
    from calculations
),

operands as (
    select
        operand_refs.disclosure_id,
        operand_refs.calculation_id,
        operand_refs.operand_ref,
        operand_refs.operand_position,
        -- how the operand is joined to the next one when the formula is written out
        case
            when operand_refs.operand_position = operand_refs.operands_listed then ''
            when operand_refs.operation_type = 'sum' then ' + '
            when operand_refs.operation_type = 'product' then ' × '
            when operand_refs.operation_type = 'ratio_pct' then ' ÷ '
            when operand_refs.operation_type = 'deviation_pct' then ' − '
            when operand_refs.operand_position % 2 = 1 then ' × '
            else ' + '
        end as joiner,
        base_values.base_value,
        base_values.base_unit,
        base_values.printed_value,
        base_values.printed_unit,
        base_values.printed_decimals,
        base_values.value_kind,
        base_values.section,
        -- half a unit in the last printed place, in the base unit: what the operand's own rounding allows
        cast(
            {{ printed_unit('base_values.printed_decimals') }} * 0.5 * base_values.to_base_factor
            as decimal(38, 10)
        ) as base_half_unit
    from operand_refs
    left join base_values
        on
            operand_refs.disclosure_id = base_values.disclosure_id
            and operand_refs.operand_ref = base_values.value_ref
),

operands_pivoted as (
    select
        disclosure_id,
        calculation_id,
        count(*) as operand_count,
        {{ string_agg_ordered('operand_ref', "', '", 'operand_position', 'base_value is null') }} as unresolved_refs,
        count(distinct base_unit) as distinct_base_units,
        min(base_unit) as operand_base_unit,
        sum(base_value) as operand_sum,
        sum(base_half_unit) as operand_half_units,
        {{ string_agg_distinct_sorted("section", "'; '") }} as operand_sections,
        {{ string_agg_ordered(
            format_number('printed_value') ~ " || coalesce(printed_unit, '') || joiner", "''", 'operand_position'
        ) }} as operands_printed,
        max({{ format_number('printed_value') }} || coalesce(printed_unit, '')) filter (where operand_position = 2)
            as operand_2_printed,
        {{ pivot_operands('base_value', 'operand_position', 'operand_', max_operands) }},
        {{ pivot_operands('base_half_unit', 'operand_position', 'half_unit_', max_operands) }}
    from operands
    group by disclosure_id, calculation_id
),

-- a ratio x / y: for a deviation (a - b) / b, x = a - b carries the rounding of both
ratio_inputs as (
    select
        *,
        case when operand_count = 2 then operand_1 - coalesce(operand_2, 0) end as deviation_x,
        case when operand_count = 2 then half_unit_1 + coalesce(half_unit_2, 0) end as deviation_ex
    from operands_pivoted
),

computed as (
    select
        calculations.*,
        ratio_inputs.operand_count as operands_resolved,
        ratio_inputs.unresolved_refs,
        ratio_inputs.distinct_base_units,
        ratio_inputs.operand_base_unit,
        ratio_inputs.operand_sections,
        case
            when calculations.operation_type = 'deviation_pct'
                then '(' || ratio_inputs.operands_printed || ') ÷ ' || ratio_inputs.operand_2_printed
            else ratio_inputs.operands_printed
        end as operands_printed,
        ratio_inputs.operand_half_units,
        -- a ratio whose denominator the text itself states as 0 (完成年初预算的95.89% of a 年初预算 of 0 万元)
        calculations.operation_type in ('ratio_pct', 'deviation_pct') and ratio_inputs.operand_2 = 0
            as has_zero_denominator,
        ratio_inputs.operand_2_printed as denominator_printed,
        case calculations.operation_type
            when 'sum' then ratio_inputs.operand_sum
            when 'product' then {{ exact_product('ratio_inputs.operand_', max_operands) }}
            when 'sum_of_products' then {{ exact_sum_of_products('ratio_inputs.operand_', max_operands) }}
            when 'ratio_pct' then {{ safe_percent('ratio_inputs.operand_1', 'ratio_inputs.operand_2') }}
            when 'deviation_pct' then {{ safe_percent('ratio_inputs.deviation_x', 'ratio_inputs.operand_2') }}
        end as raw_result,
        case calculations.operation_type
            when 'ratio_pct' then {{ ratio_envelope_pct(
                'ratio_inputs.operand_1', 'ratio_inputs.operand_2', 'ratio_inputs.half_unit_1', 'ratio_inputs.half_unit_2'
            ) }}
            when 'deviation_pct' then {{ ratio_envelope_pct(
                'ratio_inputs.deviation_x', 'ratio_inputs.operand_2', 'ratio_inputs.deviation_ex', 'ratio_inputs.half_unit_2'
            ) }}
            else cast(0 as decimal(38, 10))
        end as percent_envelope
    from calculations
    inner join ratio_inputs
        on
            calculations.disclosure_id = ratio_inputs.disclosure_id
            and calculations.calculation_id = ratio_inputs.calculation_id
),

with_constant as (
    select
        *,
        case
            when constant_numerator is null then cast(raw_result as decimal(38, 10))
            else cast({{ safe_ratio('raw_result * constant_numerator', 'constant_denominator') }} as decimal(38, 10))
        end as expected_base
    from computed
),

compared as (
    select
        with_constant.*,
        results.printed_value as result_printed,
        results.printed_unit as result_unit,
        results.printed_decimals as result_decimals,
        results.value_kind as result_kind,
        results.base_unit as result_base_unit,
        results.from_base_factor as result_from_base_factor,
        results.section as result_section,
        case
            when with_constant.unresolved_refs is null
                then cast(with_constant.expected_base * results.from_base_factor as decimal(38, 10))
        end as expected_printed,
        case
            when with_constant.operation_type = 'sum' and results.value_kind = 'count' then 'CMP-03'
            else 'NAR-06'
        end as rule_id
    from with_constant
    left join base_values as results
        on
            with_constant.disclosure_id = results.disclosure_id
            and with_constant.result_figure_id = results.value_ref
),

decided as (
    select
        *,
        operation_type = 'sum'
        and (distinct_base_units > 1 or operand_base_unit != result_base_unit) as has_unit_mismatch,
        case
            when unresolved_refs is not null or result_printed is null then 'insufficient_data'
            -- not missing data: the text declares a zero denominator and still prints a percentage of it
            when has_zero_denominator then 'fail'
            when operation_type = 'sum' and (distinct_base_units > 1 or operand_base_unit != result_base_unit)
                then 'insufficient_data'
            -- sums are decided downstream from provided, expected and the rounding envelope
            when operation_type = 'sum' then null
            else {{ percent_status('result_printed', 'expected_printed', 'result_decimals', 'percent_envelope') }}
        end as check_status,
        case
            when operation_type = 'sum' and result_kind = 'count' then cast(0 as decimal(38, 10))
            when operation_type = 'sum' and result_kind = 'money'
                then cast({{ rounding_envelope('operands_resolved') }} * result_from_base_factor as decimal(38, 10))
            when operation_type = 'sum' then operand_half_units
            else greatest({{ printed_unit('result_decimals') }} * 0.5, percent_envelope)
        end as check_tolerance
    from compared
),

final as (
    select
        disclosure_id,
        rule_id,
        calculation_id as subject,
        description as subject_name,
        cast(result_printed as decimal(38, 10)) as provided_value,
        cast(expected_printed as decimal(38, 10)) as expected_value,
        cast(check_tolerance as decimal(38, 10)) as tolerance,
        result_unit as unit,
        check_status as status,
        case
            when has_zero_denominator and unresolved_refs is null and result_printed is not null then 'error'
            when operation_type != 'sum'
                then {{ percent_severity('result_printed', 'expected_printed', 'result_decimals') }}
            when list_is_open then 'warning'
        end as severity_override,
        case
            when unresolved_refs is not null then '无法取得以下引用的数值：' || unresolved_refs
            when result_printed is null then '无法取得结果 ' || result_figure_id || ' 的数值'
            when has_zero_denominator
                then
                    '文字所述分母为 ' || denominator_printed || '，对 0 的比例无定义，文字却列示 '
                    || {{ format_number('result_printed') }} || coalesce(result_unit, '') || '：与其自身所述数字矛盾'
            when has_unit_mismatch
                then '各项单位不一致，无法相加：' || operands_printed
            else
                concat_ws(
                    '；',
                    '计算：' || operands_printed || coalesce(' × ' || constant_factor_printed, '')
                    || case when operation_type in ('ratio_pct', 'deviation_pct') then ' × 100' else '' end
                    || ' = ' || {{ format_number('expected_printed') }} || coalesce(result_unit, '')
                    || coalesce('（' || constant_note || '）', ''),
                    case
                        when operation_type != 'sum'
                            then {{ percent_note_zh('result_printed', 'expected_printed', 'result_decimals') }}
                    end,
                    case when list_is_open then '所列项目以“等”结尾，并非全部列举，至多为警告' end
                )
        end as note_zh,
        case
            when unresolved_refs is not null then 'no value for the references ' || unresolved_refs
            when result_printed is null then 'no value for the result ' || result_figure_id
            when has_zero_denominator
                then
                    'the text states the denominator as ' || denominator_printed
                    || ': a percentage of 0 is undefined, yet the text prints '
                    || {{ format_number('result_printed') }} || coalesce(result_unit, '') || ' (it contradicts itself)'
            when has_unit_mismatch
                then 'the items are in different units and cannot be added: ' || operands_printed
            else
                concat_ws(
                    '; ',
                    'computed: ' || operands_printed || coalesce(' × ' || constant_factor_printed, '')
                    || case when operation_type in ('ratio_pct', 'deviation_pct') then ' × 100' else '' end
                    || ' = ' || {{ format_number('expected_printed') }} || coalesce(result_unit, '')
                    || coalesce(' (' || constant_note || ')', ''),
                    case
                        when operation_type != 'sum'
                            then {{ percent_note_en('result_printed', 'expected_printed', 'result_decimals') }}
                    end,
                    case when list_is_open then 'the list ends in 等 (not exhaustive): a warning at most' end
                )
        end as note_en,
        concat_ws('; ', section, nullif(operand_sections, section)) as source_sections
    from decided
)

select * from final
