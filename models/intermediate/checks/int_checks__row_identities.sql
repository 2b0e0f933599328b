-- ROW-01 / ROW-02 / ROW-03: a total equals its parts, on every table line (T3, T5, T2) and in every
-- section of the narrative that states the total. A column the table does not print is not a part (never a blank
-- read as 0). ROW-04: 本年收入合计 of a summary table (T1, T4) equals the sum of its income sources.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

lines as (
    select * from {{ changed_disclosures_only(ref('int_function_lines_named')) }}
),

narrative as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted
),

agreed as (
    select * from {{ changed_disclosures_only(ref('int_narrative_figures_agreed')) }}
),

columns_printed as (
    select * from {{ changed_disclosures_only(ref('int_table_columns_printed')) }}
),

summary_columns as (
    select * from {{ changed_disclosures_only(ref('int_summary_columns')) }}
),

-- which measure of which table is the total, and which measures are its parts
identities (rule_id, table_code, total_measure, part_measure) as (
    values
    ('ROW-01', 'T3', 'actual_total', 'basic'),
    ('ROW-01', 'T3', 'actual_total', 'project'),
    ('ROW-01', 'T3', 'actual_total', 'remit_to_superior'),
    ('ROW-01', 'T3', 'actual_total', 'operating'),
    ('ROW-01', 'T3', 'actual_total', 'subsidy_to_affiliates'),
    ('ROW-02', 'T5', 'actual_total', 'basic'),
    ('ROW-02', 'T5', 'actual_total', 'project'),
    ('ROW-03', 'T2', 'income_total', 'fiscal_appropriation_income'),
    ('ROW-03', 'T2', 'income_total', 'superior_subsidy_income'),
    ('ROW-03', 'T2', 'income_total', 'business_income'),
    ('ROW-03', 'T2', 'income_total', 'operating_income'),
    ('ROW-03', 'T2', 'income_total', 'affiliated_remittance_income'),
    ('ROW-03', 'T2', 'income_total', 'other_income')
),

line_cells as (
    select
        disclosure_id,
        table_code,
        fund_type,
        function_code,
        measure,
        case when count(distinct amount_wan_yuan) = 1 then min(amount_wan_yuan) end as amount,
        {{ string_agg_distinct_sorted("source_section", "'; '") }} as source_sections
    from lines
    group by disclosure_id, table_code, fund_type, function_code, measure
),

line_parts as (
    select
        totals.disclosure_id,
        identities.rule_id,
        totals.table_code,
        totals.fund_type,
        totals.function_code,
        totals.amount as total_amount,
        totals.source_sections,
        coalesce(sum(parts.amount), 0) as parts_sum,
        count(parts.amount) as parts_found,
        count(*) as parts_expected
    from line_cells as totals
    inner join identities
        on
            totals.table_code = identities.table_code
            and totals.measure = identities.total_measure
    left join line_cells as parts
        on
            totals.disclosure_id = parts.disclosure_id
            and totals.table_code = parts.table_code
            and totals.fund_type = parts.fund_type
            and totals.function_code = parts.function_code
            and identities.part_measure = parts.measure
    left join columns_printed
        on
            totals.disclosure_id = columns_printed.disclosure_id
            and totals.table_code = columns_printed.table_code
            and identities.part_measure = columns_printed.column_code
    -- a column the document does not print is no part of the identity
    where totals.amount is not null and coalesce(columns_printed.is_printed, true)
    group by
        totals.disclosure_id,
        identities.rule_id,
        totals.table_code,
        totals.fund_type,
        totals.function_code,
        totals.amount,
        totals.source_sections
    having count(parts.amount) > 0
),

line_rows as (
    select
        disclosure_id,
        rule_id,
        table_code || ':' || fund_type || ':' || function_code as subject,
        table_code || ' ' || function_code as subject_name,
        total_amount as provided_value,
        parts_sum as expected_value,
        {{ rounding_envelope('parts_found') }} as tolerance,
        '万元' as unit,
        -- a blank cell is 0 only when the row closes with it
        case
            when
                parts_found < parts_expected
                and abs(total_amount - parts_sum) > {{ rounding_envelope('parts_found') }}
                then 'insufficient_data'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case when parts_found < parts_expected then '空白单元格按 0 计' end as note_zh,
        case when parts_found < parts_expected then 'blank cells read as 0' end as note_en,
        source_sections
    from line_parts
),

narrative_rows as (
    {{ narrative_identity_rows(
        'ROW-01',
        ['current_year_expenditure_total'],
        text_list([
            "'basic_expenditure'", "'project_expenditure'", "'remit_to_superior'", "'operating_expenditure'",
            "'subsidy_to_affiliates'"
        ])
    ) }}
    union all
    {{ narrative_identity_rows(
        'ROW-03',
        ['current_year_income_total'],
        text_list([
            "'fiscal_appropriation_general'", "'fiscal_appropriation_gov_fund'", "'fiscal_appropriation_state_capital'",
            "'superior_subsidy'", "'business_income'", "'operating_income'", "'affiliated_remittance'", "'other_income'"
        ])
    ) }}
),

-- ROW-04 -------------------------------------------------------------------------------------------
summary_income_rows as (
    select
        disclosure_id,
        'ROW-04' as rule_id,
        table_code || ':' || fund_type || ':income_total' as subject,
        {{ summary_table_name('table_code') }} || ' 本年收入合计（' || fund_type || '）' as subject_name,
        income_total as provided_value,
        source_sum as expected_value,
        {{ rounding_envelope('source_count') }} as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en,
        source_sections
    from summary_columns
    where income_total is not null and source_count > 0
),

final as (
    {{ union_check_rows(['summary_income_rows', 'line_rows', 'narrative_rows']) }}
)

select * from final
