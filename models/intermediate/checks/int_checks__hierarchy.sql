-- HIER-01 / HIER-02: a stated 类 (款) equals the sum of its children, for every measure of every table.
-- HIER-03: the stated total of a fund equals the sum of its 类 lines.
-- HIER-04: 本年支出合计 of a summary table (T1, T4) equals the sum of its 类 lines, per column.
-- HIER-05: the 合计 row of a functional table equals the sum of its 类 lines, for every column it prints.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

amounts as (
    select * from {{ changed_disclosures_only(ref('int_function_amounts_rolled_up')) }}
),

reference_codes as (
    select * from {{ ref('stg_reference__functional_codes') }}
),

fund_types as (
    select * from {{ ref('ref_fund_types') }}
),

narrative as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted and metric = 'amount' and subject_type = 'total'
),

summary_columns as (
    select * from {{ changed_disclosures_only(ref('int_summary_columns')) }}
),

table_totals as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__table_totals')) }}
    where is_accepted and total_item = 'total' and table_code in ('T2', 'T3', 'T5', 'T8', 'T9')
),

class_lines as (
    select * from {{ changed_disclosures_only(ref('int_function_lines_named')) }}
    where function_level = '类'
),

parents_with_children as (
    select
        amounts.disclosure_id,
        case amounts.function_level when '类' then 'HIER-01' else 'HIER-02' end as rule_id,
        amounts.fund_type || ':' || amounts.function_code || ':' || amounts.measure as subject,
        amounts.function_code || ' ' || coalesce(reference_codes.function_name, '') || '（'
        || amounts.measure || '）' as subject_name,
        amounts.stated_amount as provided_value,
        amounts.rolled_up_amount as expected_value,
        {{ rounding_envelope('amounts.leaf_count') }} as tolerance,
        '万元' as unit,
        amounts.source_sections
    from amounts
    left join reference_codes
        on
            amounts.function_code = reference_codes.function_code
            and amounts.fiscal_year = reference_codes.fiscal_year
    where
        amounts.function_level in ('类', '款')
        and amounts.stated_amount is not null
        and amounts.child_count > 0
),

class_totals as (
    select
        disclosure_id,
        fund_type,
        measure,
        sum(amount) as class_sum,
        sum(greatest(leaf_count, 1)) as cell_count,
        {{ string_agg_distinct_sorted("source_sections", "'; '") }} as source_sections
    from amounts
    where function_level = '类' and measure = 'actual_total'
    group by disclosure_id, fund_type, measure
),

stated_totals as (
    select
        class_totals.disclosure_id,
        'HIER-03' as rule_id,
        class_totals.fund_type || ':' || narrative.figure_id as subject,
        fund_types.name_zh || '合计（' || narrative.section || '）' as subject_name,
        narrative.value_wan_yuan as provided_value,
        class_totals.class_sum as expected_value,
        {{ rounding_envelope('class_totals.cell_count') }} as tolerance,
        '万元' as unit,
        narrative.section || '; ' || class_totals.source_sections as source_sections
    from class_totals
    inner join fund_types on class_totals.fund_type = fund_types.fund_type
    inner join narrative
        on
            class_totals.disclosure_id = narrative.disclosure_id
            and fund_types.total_subject_code = narrative.subject_code
),

-- HIER-04 ------------------------------------------------------------------------------------------
summary_class_totals as (
    select
        disclosure_id,
        'HIER-04' as rule_id,
        table_code || ':' || fund_type || ':expenditure_total' as subject,
        {{ summary_table_name('table_code') }} || ' 本年支出合计（' || fund_type || '）' as subject_name,
        expenditure_total as provided_value,
        class_sum as expected_value,
        {{ rounding_envelope('class_count') }} as tolerance,
        '万元' as unit,
        source_sections
    from summary_columns
    where expenditure_total is not null and class_count > 0
),

-- HIER-05 ------------------------------------------------------------------------------------------
class_sums as (
    select
        disclosure_id,
        table_code,
        measure,
        sum(amount_wan_yuan) as class_sum,
        count(amount_wan_yuan) as class_count
    from class_lines
    group by disclosure_id, table_code, measure
),

table_total_rows as (
    select
        table_totals.disclosure_id,
        'HIER-05' as rule_id,
        table_totals.table_code || ':total:' || table_totals.measure as subject,
        table_totals.table_code || ' 合计（' || table_totals.measure || '）' as subject_name,
        table_totals.amount_wan_yuan as provided_value,
        class_sums.class_sum as expected_value,
        {{ rounding_envelope('class_sums.class_count') }} as tolerance,
        '万元' as unit,
        table_totals.source_section as source_sections
    from table_totals
    left join class_sums
        on
            table_totals.disclosure_id = class_sums.disclosure_id
            and table_totals.table_code = class_sums.table_code
            and table_totals.measure = class_sums.measure
),

summary_class_total_rows as (
    select
        *,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en
    from summary_class_totals
),

table_total_result_rows as (
    select
        *,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        case when expected_value is null then '表中没有类级行' end as note_zh,
        case when expected_value is null then 'the table prints no 类 lines in this column' end as note_en
    from table_total_rows
),

parent_rows as (
    select
        *,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en
    from parents_with_children
),

stated_total_rows as (
    select
        *,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en
    from stated_totals
),

final as (
    {{ union_check_rows(['summary_class_total_rows', 'table_total_result_rows', 'parent_rows', 'stated_total_rows']) }}
)

select * from final
