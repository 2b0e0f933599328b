-- XT-01: pension, medical and housing-fund lines equal their economic items.
-- XT-02: basic expenditure of the general budget (T5) equals the basic-expenditure table (T6).
-- XT-03: 本年收入合计 equals the total of the income table (T2).
{%- set function_to_economic = [
    {'functions': ['2080505'], 'economic': ['30108']},
    {'functions': ['2080506'], 'economic': ['30109']},
    {'functions': ['2101101', '2101102'], 'economic': ['30110']},
    {'functions': ['2101103'], 'economic': ['30111']},
    {'functions': ['2210201'], 'economic': ['30113']},
] %}

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

pairs as (
    {%- for pair in function_to_economic %}
        select
            disclosure_id,
            '{{ pair.functions | join("+") }}:{{ pair.economic | join("+") }}' as subject,
            '{{ pair.functions | join(" + ") }} ↔ {{ pair.economic | join(" + ") }}' as subject_name,
            (
                select sum(functions.actual_amount)
                from functions
                where
                    functions.disclosure_id = economic_disclosures.disclosure_id
                    and functions.fund_type = 'general_public_budget'
                    and functions.function_code in ('{{ pair.functions | join("', '") }}')
            ) as function_amount,
            (
                select count(functions.actual_amount)
                from functions
                where
                    functions.disclosure_id = economic_disclosures.disclosure_id
                    and functions.fund_type = 'general_public_budget'
                    and functions.function_code in ('{{ pair.functions | join("', '") }}')
            ) as function_cells,
            (
                select sum(economic_items.actual_amount)
                from economic_items
                where
                    economic_items.disclosure_id = economic_disclosures.disclosure_id
                    and economic_items.economic_code in ('{{ pair.economic | join("', '") }}')
            ) as economic_amount,
            (
                select string_agg(distinct economic_items.source_sections, '; ')
                from economic_items
                where
                    economic_items.disclosure_id = economic_disclosures.disclosure_id
                    and economic_items.economic_code in ('{{ pair.economic | join("', '") }}')
            ) as economic_sections,
            (
                select string_agg(distinct functions.source_sections, '; ')
                from functions
                where
                    functions.disclosure_id = economic_disclosures.disclosure_id
                    and functions.fund_type = 'general_public_budget'
                    and functions.function_code in ('{{ pair.functions | join("', '") }}')
            ) as function_sections
        from (select distinct disclosure_id from economic_items) as economic_disclosures
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
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
    where function_amount is not null and economic_amount is not null
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
    inner join (
        select
            disclosure_id,
            sum(actual_amount) as items_sum,
            count(actual_amount) as item_count
        from economic_items
        group by disclosure_id
    ) as economic_totals on functions.disclosure_id = economic_totals.disclosure_id
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
    group by narrative.disclosure_id, narrative.figure_id, narrative.subject_name, narrative.section,
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
