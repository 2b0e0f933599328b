-- XT-01: pension, medical and housing-fund lines equal their economic items: T6 is basic expenditure, so an
--        item is held to the 基本支出 column of T5, never the line total (which includes project spending).
-- XT-02: basic expenditure of the general budget (T5) equals the basic-expenditure table (T6).
-- XT-03: 本年收入合计 equals the total of the income table (T2); T1's 本年收入合计 / 本年支出合计 / 类 lines
--        equal T2's and T3's 合计 and 类 lines.
-- XT-04: T4's fund columns equal the fund tables: 一般公共预算 ↔ T5, 政府性基金 ↔ T8, 国有资本经营 ↔ T9,
--        per 类 and in total.
-- A printed cell compared with the same cell printed elsewhere must be identical (tolerance 0); compared with a
-- sum of n cells it may differ by the rounding envelope.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

functions as (
    select * from {{ changed_disclosures_only(ref('fct_expenditure_by_function')) }}
),

economic_items as (
    select * from {{ changed_disclosures_only(ref('fct_basic_expenditure_by_economic_class')) }}
),

narrative as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted
),

income_lines as (
    select * from {{ changed_disclosures_only(ref('int_function_lines_named')) }}
    where table_code = 'T2' and measure = 'income_total' and function_level = '类'
),

class_lines as (
    select * from {{ changed_disclosures_only(ref('int_function_lines_named')) }}
    where function_level = '类'
),

summary_lines as (
    select * from {{ changed_disclosures_only(ref('fct_summary_lines')) }}
),

table_totals as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__table_totals')) }}
    where is_accepted
),

columns_printed as (
    select * from {{ changed_disclosures_only(ref('int_table_columns_printed')) }}
),

-- the disclosures whose T5 prints a 基本支出 column (or whose columns are not listed but carry basic cells)
general_budget_basic as (
    select distinct disclosure_id
    from functions
    where fund_type = 'general_public_budget' and basic_amount is not null
),

-- functional lines and the economic items that pay for the same thing
pair_map (pair_id, function_code, economic_code) as (
    values
    ('2080505:30108', '2080505', '30108'),
    ('2080506:30109', '2080506', '30109'),
    ('2101101+2101102:30110', '2101101', '30110'),
    ('2101101+2101102:30110', '2101102', '30110'),
    ('2101103:30111', '2101103', '30111'),
    ('2210201:30113', '2210201', '30113')
),

function_codes_of_pairs as (
    select distinct
        pair_id,
        function_code
    from pair_map
),

economic_codes_of_pairs as (
    select distinct
        pair_id,
        economic_code
    from pair_map
),

function_sides as (
    select
        functions.disclosure_id,
        pair_map.pair_id,
        -- T6 is basic expenditure: its items are held to the 基本支出 column; only a T5 without that column is
        -- compared with the line total (the transcription then says the lines are all basic)
        sum(
            case
                when general_budget_basic.disclosure_id is not null then functions.basic_amount
                else functions.actual_amount
            end
        ) as function_amount,
        count(
            case
                when general_budget_basic.disclosure_id is not null then functions.basic_amount
                else functions.actual_amount
            end
        ) as function_cells,
        bool_or(general_budget_basic.disclosure_id is null) as compared_with_line_total,
        {{ string_agg_distinct_sorted("functions.function_code", "' + '") }} as function_codes,
        {{ string_agg_distinct_sorted("functions.source_sections", "'; '") }} as function_sections
    from functions
    inner join function_codes_of_pairs as pair_map
        on functions.function_code = pair_map.function_code
    left join general_budget_basic on functions.disclosure_id = general_budget_basic.disclosure_id
    where functions.fund_type = 'general_public_budget'
    group by functions.disclosure_id, pair_map.pair_id
),

economic_sides as (
    select
        economic_items.disclosure_id,
        pair_map.pair_id,
        sum(economic_items.actual_amount) as economic_amount,
        {{ string_agg_distinct_sorted("economic_items.economic_code", "' + '") }} as economic_codes,
        {{ string_agg_distinct_sorted("economic_items.source_sections", "'; '") }} as economic_sections
    from economic_items
    inner join economic_codes_of_pairs as pair_map
        on economic_items.economic_code = pair_map.economic_code
    group by economic_items.disclosure_id, pair_map.pair_id
),

pairs as (
    select
        function_sides.disclosure_id,
        function_sides.pair_id as subject,
        function_sides.function_codes || ' ↔ ' || economic_sides.economic_codes as subject_name,
        function_sides.function_amount,
        function_sides.function_cells,
        function_sides.compared_with_line_total,
        economic_sides.economic_amount,
        economic_sides.economic_sections,
        function_sides.function_sections
    from function_sides
    inner join economic_sides
        on
            function_sides.disclosure_id = economic_sides.disclosure_id
            and function_sides.pair_id = economic_sides.pair_id
),

pair_rows as (
    select
        disclosure_id,
        'XT-01' as rule_id,
        subject,
        subject_name,
        economic_amount as provided_value,
        function_amount as expected_value,
        {{ rounding_envelope('function_cells + 1') }} as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when compared_with_line_total then '经济分类金额对功能分类金额（该表无基本支出列，与合计比较）'
            else '经济分类金额对功能分类基本支出'
        end as note_zh,
        case
            when compared_with_line_total
                then 'economic item against the functional lines (no 基本支出 column: compared with the line total)'
            else 'economic item against the basic expenditure of the functional lines'
        end as note_en,
        concat_ws('; ', economic_sections, function_sections) as source_sections
    from pairs
),

economic_totals as (
    select
        disclosure_id,
        sum(actual_amount) as items_sum,
        count(actual_amount) as item_count
    from economic_items
    -- a 类 row is the sum of its items, never added to them
    where counts_in_totals
    group by disclosure_id
),

basic_against_economic as (
    select
        functions.disclosure_id,
        'XT-02' as rule_id,
        'general_public_budget:basic' as subject,
        '一般公共预算基本支出 ↔ 基本支出决算表' as subject_name,
        sum(functions.basic_amount) as provided_value,
        max(economic_totals.items_sum) as expected_value,
        {{ rounding_envelope('count(functions.basic_amount) + max(economic_totals.item_count)') }} as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en,
        {{ string_agg_distinct_sorted("functions.source_sections", "'; '") }} as source_sections
    from functions
    inner join economic_totals on functions.disclosure_id = economic_totals.disclosure_id
    where functions.fund_type = 'general_public_budget' and functions.function_level = '类'
    group by functions.disclosure_id
    having count(functions.basic_amount) > 0
),

income_against_table as (
    select
        narrative.disclosure_id,
        'XT-03' as rule_id,
        'current_year_income_total:' || narrative.figure_id as subject,
        narrative.subject_name || '（' || narrative.section || '）' as subject_name,
        narrative.value_wan_yuan as provided_value,
        sum(income_lines.amount_wan_yuan) as expected_value,
        {{ rounding_envelope('count(income_lines.amount_wan_yuan)') }} as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en,
        narrative.section as source_sections
    from narrative
    inner join income_lines on narrative.disclosure_id = income_lines.disclosure_id
    where narrative.subject_code = 'current_year_income_total' and narrative.metric = 'amount'
    group by
        narrative.disclosure_id, narrative.figure_id, narrative.subject_name, narrative.section,
        narrative.value_wan_yuan
),

-- XT-02 on the printed totals: T5 合计 基本支出 ↔ T6 人员经费合计 + 公用经费合计 ------------------------------
basic_totals_against_economic_totals as (
    select
        general_total.disclosure_id,
        'XT-02' as rule_id,
        'T5:total:basic' as subject,
        'T5 合计 基本支出 ↔ T6 人员经费合计 + 公用经费合计' as subject_name,
        general_total.amount_wan_yuan as provided_value,
        sum(economic_totals.amount_wan_yuan) as expected_value,
        {{ rounding_envelope('count(economic_totals.amount_wan_yuan)') }} as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en,
        general_total.source_section || '; '
        || {{ string_agg_distinct_sorted("economic_totals.source_section", "'; '") }} as source_sections
    from table_totals as general_total
    inner join table_totals as economic_totals
        on
            general_total.disclosure_id = economic_totals.disclosure_id
            and economic_totals.table_code = 'T6'
            and economic_totals.total_item in ('personnel_total', 'public_funds_total')
    where general_total.table_code = 'T5' and general_total.total_item = 'total' and general_total.measure = 'basic'
    group by general_total.disclosure_id, general_total.amount_wan_yuan, general_total.source_section
),

-- XT-03 / XT-04 on the summary tables ----------------------------------------------------------------
-- what each summary line is compared with: the table, its fund, and the measure of that table
summary_targets (rule_id, table_code, fund_type, item_code, target_table, target_measure) as (
    values
    ('XT-03', 'T1', 'all_funds', 'income_total', 'T2', 'income_total'),
    ('XT-03', 'T1', 'all_funds', 'expenditure_total', 'T3', 'actual_total'),
    ('XT-03', 'T1', 'all_funds', 'function', 'T3', 'actual_total'),
    ('XT-04', 'T4', 'general_public_budget', 'expenditure_total', 'T5', 'actual_total'),
    ('XT-04', 'T4', 'general_public_budget', 'function', 'T5', 'actual_total'),
    ('XT-04', 'T4', 'government_fund', 'expenditure_total', 'T8', 'actual_total'),
    ('XT-04', 'T4', 'government_fund', 'function', 'T8', 'actual_total'),
    ('XT-04', 'T4', 'state_capital', 'expenditure_total', 'T9', 'actual_total'),
    ('XT-04', 'T4', 'state_capital', 'function', 'T9', 'actual_total')
),

target_class_cells as (
    select
        disclosure_id,
        table_code,
        function_code,
        measure,
        case when count(distinct amount_wan_yuan) = 1 then min(amount_wan_yuan) end as amount,
        {{ string_agg_distinct_sorted("source_section", "'; '") }} as source_sections
    from class_lines
    group by disclosure_id, table_code, function_code, measure
),

target_class_sums as (
    select
        disclosure_id,
        table_code,
        measure,
        sum(amount) as class_sum,
        count(amount) as class_count
    from target_class_cells
    group by disclosure_id, table_code, measure
),

summary_against_tables as (
    select
        summary_lines.disclosure_id,
        summary_targets.rule_id,
        summary_lines.table_code || ':' || summary_lines.fund_type || ':'
        || coalesce(summary_lines.function_code, summary_lines.item_code) || ' ↔ ' || summary_targets.target_table
            as subject,
        {{ summary_table_name('summary_lines.table_code') }} || ' ' || summary_lines.item_name_printed
        || '（' || summary_lines.fund_type || '）↔ ' || summary_targets.target_table
        || case when summary_lines.item_code = 'function' then ' ' || summary_lines.function_code else ' 合计' end
            as subject_name,
        summary_lines.amount as provided_value,
        case
            when summary_lines.item_code = 'function' then target_cells.amount
            else coalesce(target_totals.amount_wan_yuan, target_sums.class_sum)
        end as expected_value,
        -- the same cell printed twice must be identical; against a sum of 类 lines, the rounding envelope
        case
            when summary_lines.item_code = 'function' or target_totals.amount_wan_yuan is not null
                then cast(0 as decimal(38, 10))
            else {{ rounding_envelope('target_sums.class_count') }}
        end as tolerance,
        '万元' as unit,
        case
            when target_status.table_status in ('printed_empty', 'not_found') then 'not_applicable'
            when target_status.is_printed = false then 'not_applicable'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when target_status.table_status = 'printed_empty'
                then summary_targets.target_table || ' 印为空表（' || coalesce(target_status.empty_note, '无数据') || '）'
            when target_status.table_status = 'not_found' then '文件未印 ' || summary_targets.target_table
            when target_status.is_printed = false
                then summary_targets.target_table || ' 未印 ' || summary_targets.target_measure || ' 列'
            when summary_lines.item_code != 'function' and target_totals.amount_wan_yuan is null
                then summary_targets.target_table || ' 未列合计行：与各类之和比较'
        end as note_zh,
        case
            when target_status.table_status = 'printed_empty'
                then summary_targets.target_table || ' is printed empty: the table was printed without figures'
            when target_status.table_status = 'not_found'
                then 'the document does not print ' || summary_targets.target_table
            when target_status.is_printed = false
                then summary_targets.target_table || ' does not print the column ' || summary_targets.target_measure
            when summary_lines.item_code != 'function' and target_totals.amount_wan_yuan is null
                then summary_targets.target_table || ' prints no 合计 row: compared with the sum of its 类 lines'
        end as note_en,
        concat_ws(
            '; ', summary_lines.source_sections, target_cells.source_sections, target_totals.source_section
        ) as source_sections
    from summary_lines
    inner join summary_targets
        on
            summary_lines.table_code = summary_targets.table_code
            and summary_lines.fund_type = summary_targets.fund_type
            and summary_lines.item_code = summary_targets.item_code
    left join target_class_cells as target_cells
        on
            summary_lines.disclosure_id = target_cells.disclosure_id
            and summary_targets.target_table = target_cells.table_code
            and summary_targets.target_measure = target_cells.measure
            and summary_lines.function_code = target_cells.function_code
    left join table_totals as target_totals
        on
            summary_lines.disclosure_id = target_totals.disclosure_id
            and summary_targets.target_table = target_totals.table_code
            and summary_targets.target_measure = target_totals.measure
            and target_totals.total_item = 'total'
    left join target_class_sums as target_sums
        on
            summary_lines.disclosure_id = target_sums.disclosure_id
            and summary_targets.target_table = target_sums.table_code
            and summary_targets.target_measure = target_sums.measure
    left join columns_printed as target_status
        on
            summary_lines.disclosure_id = target_status.disclosure_id
            and summary_targets.target_table = target_status.table_code
            and summary_targets.target_measure = target_status.column_code
    where summary_lines.amount is not null
),

final as (
    {{ union_check_rows([
        'basic_totals_against_economic_totals',
        'summary_against_tables',
        'pair_rows',
        'basic_against_economic',
        'income_against_table',
    ]) }}
)

select * from final
