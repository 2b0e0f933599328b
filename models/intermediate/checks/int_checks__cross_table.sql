-- XT-01: pension, medical and housing-fund lines equal their economic items.
-- XT-02: basic expenditure of the general budget (T5) equals the basic-expenditure table (T6).
-- XT-03: 本年收入合计 equals the total of the income table (T2).
with

functions as (
    select * from {{ ref('fct_expenditure_by_function') }}
),

economic_items as (
    select * from {{ ref('fct_basic_expenditure_by_economic_class') }}
),

narrative as (
    select * from {{ ref('stg_final_accounts__narrative_figures') }}
    where is_accepted
),

income_lines as (
    select * from {{ ref('int_function_lines_named') }}
    where table_code = 'T2' and measure = 'income_total' and function_level = '类'
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
        sum(functions.actual_amount) as function_amount,
        count(functions.actual_amount) as function_cells,
        string_agg(distinct functions.function_code, ' + ' order by functions.function_code) as function_codes,
        string_agg(distinct functions.source_sections, '; ') as function_sections
    from functions
    inner join function_codes_of_pairs as pair_map
        on functions.function_code = pair_map.function_code
    where functions.fund_type = 'general_public_budget'
    group by functions.disclosure_id, pair_map.pair_id
),

economic_sides as (
    select
        economic_items.disclosure_id,
        pair_map.pair_id,
        sum(economic_items.actual_amount) as economic_amount,
        string_agg(distinct economic_items.economic_code, ' + ') as economic_codes,
        string_agg(distinct economic_items.source_sections, '; ') as economic_sections
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
        cast(null as varchar) as status,
        cast(null as varchar) as severity_override,
        '经济分类金额对功能分类金额' as note_zh,
        'economic item against the functional lines' as note_en,
        concat_ws('; ', economic_sections, function_sections) as source_sections
    from pairs
),

economic_totals as (
    select
        disclosure_id,
        sum(actual_amount) as items_sum,
        count(actual_amount) as item_count
    from economic_items
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
        cast(null as varchar) as status,
        cast(null as varchar) as severity_override,
        cast(null as varchar) as note_zh,
        cast(null as varchar) as note_en,
        string_agg(distinct functions.source_sections, '; ') as source_sections
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
        cast(null as varchar) as status,
        cast(null as varchar) as severity_override,
        cast(null as varchar) as note_zh,
        cast(null as varchar) as note_en,
        narrative.section as source_sections
    from narrative
    inner join income_lines on narrative.disclosure_id = income_lines.disclosure_id
    where narrative.subject_code = 'current_year_income_total' and narrative.metric = 'amount'
    group by
        narrative.disclosure_id, narrative.figure_id, narrative.subject_name, narrative.section,
        narrative.value_wan_yuan
),

final as (
    select * from pair_rows
    union all by name
    select * from basic_against_economic
    union all by name
    select * from income_against_table
)

select * from final
