-- BAL-01 / BAL-02: the grand totals balance with this year's totals and the carry-overs.
-- BAL-03: 收入总计 = 支出总计. BAL-04: per fund and code, the carry-over balances (T8, T9 lines).
-- BAL-01..03 hold for the narrative totals and for every column of the summary tables T1 and T4.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

narrative as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted
),

agreed as (
    select * from {{ changed_disclosures_only(ref('int_narrative_figures_agreed')) }}
),

lines as (
    select * from {{ changed_disclosures_only(ref('int_function_lines_named')) }}
    where table_code in ('T8', 'T9')
),

summary_columns as (
    select * from {{ changed_disclosures_only(ref('int_summary_columns')) }}
),

grand_totals as (
    {{ narrative_identity_rows(
        'BAL-01',
        ['income_grand_total', 'income_expenditure_grand_total'],
        text_list(["'current_year_income_total'", "'non_fiscal_balance_used'", "'carry_forward_begin'"])
    ) }}
    union all
    {{ narrative_identity_rows(
        'BAL-02',
        ['expenditure_grand_total', 'income_expenditure_grand_total'],
        text_list(["'current_year_expenditure_total'", "'balance_distribution'", "'carry_forward_end'"])
    ) }}
),

-- the expenditure grand total each section states (a join, not a subquery per statement: PostgreSQL runs a
-- correlated subquery row by row)
expenditure_totals as (
    select
        disclosure_id,
        section,
        max(value_wan_yuan) as amount
    from narrative
    where subject_code = 'expenditure_grand_total' and metric = 'amount'
    group by disclosure_id, section
),

income_against_expenditure as (
    select
        narrative.disclosure_id,
        'BAL-03' as rule_id,
        narrative.subject_code || ':' || narrative.figure_id as subject,
        narrative.subject_name || '（' || narrative.section || '）' as subject_name,
        narrative.value_wan_yuan as provided_value,
        case
            when narrative.subject_code = 'income_expenditure_grand_total' then narrative.value_wan_yuan
            else expenditure.amount
        end as expected_value,
        cast(0.01 as decimal(38, 10)) as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        case when narrative.subject_code = 'income_expenditure_grand_total' then '收、支总计以同一数字列示' end as note_zh,
        case
            when narrative.subject_code = 'income_expenditure_grand_total'
                then 'income and expenditure grand totals are stated as one figure'
        end as note_en,
        narrative.section as source_sections
    from narrative
    left join expenditure_totals as expenditure
        on narrative.disclosure_id = expenditure.disclosure_id and narrative.section = expenditure.section
    where
        narrative.subject_code in ('income_grand_total', 'income_expenditure_grand_total')
        and narrative.metric = 'amount'
),

fund_cells as (
    select
        disclosure_id,
        table_code,
        fund_type,
        function_code,
        {%- for measure in ['carry_forward_begin', 'income_total', 'actual_total', 'carry_forward_end'] %}
            max(case when measure = '{{ measure }}' then amount_wan_yuan end) as {{ measure }},
        {%- endfor %}
        {{ string_agg_distinct_sorted("source_section", "'; '") }} as source_sections
    from lines
    group by disclosure_id, table_code, fund_type, function_code
),

fund_carry_over as (
    select
        disclosure_id,
        'BAL-04' as rule_id,
        table_code || ':' || fund_type || ':' || function_code as subject,
        table_code || ' ' || function_code as subject_name,
        coalesce(carry_forward_begin, 0) + income_total as provided_value,
        actual_total + coalesce(carry_forward_end, 0) as expected_value,
        {{ rounding_envelope(4) }} as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        '年初结转和结余 + 本年收入 对 本年支出 + 年末结转和结余' as note_zh,
        'opening carry-over + income against expenditure + closing carry-over' as note_en,
        source_sections
    from fund_cells
    where income_total is not null and actual_total is not null
),

-- BAL-01 / BAL-02 / BAL-03 on the summary tables -------------------------------------------------------
summary_balances as (
    {%- for rule_id, total, parts, name_zh in [
        ('BAL-01', 'income_grand_total', ['income_total', 'use_of_non_fiscal_balance', 'carry_forward_begin'], '收入总计'),
        ('BAL-02', 'expenditure_grand_total', ['expenditure_total', 'balance_distribution', 'carry_forward_end'], '支出总计'),
    ] %}
        select
            disclosure_id,
            '{{ rule_id }}' as rule_id,
            table_code || ':' || fund_type || ':{{ total }}' as subject,
            {{ summary_table_name('table_code') }} || ' {{ name_zh }}（' || fund_type || '）' as subject_name,
            {{ total }} as provided_value,
            {{ parts_sum(parts) }} as expected_value,
            {{ rounding_envelope(parts_found(parts)) }} as tolerance,
            '万元' as unit,
            case
                when {{ parts[0] }} is null then 'insufficient_data'
                -- a blank line is 0 only when the column closes with it
                when
                    ({{ parts_found(parts) }}) < {{ parts | length }}
                    and abs({{ total }} - ({{ parts_sum(parts) }})) > {{ rounding_envelope(parts_found(parts)) }}
                    then 'insufficient_data'
            end as status,
            cast(null as {{ text_type() }}) as severity_override,
            case when ({{ parts_found(parts) }}) < {{ parts | length }} then '空白行按 0 计' end as note_zh,
            case when ({{ parts_found(parts) }}) < {{ parts | length }} then 'blank lines read as 0' end as note_en,
            source_sections
        from summary_columns
        where {{ total }} is not null
        union all
    {%- endfor %}
    select
        disclosure_id,
        'BAL-03' as rule_id,
        table_code || ':' || fund_type || ':income_grand_total' as subject,
        {{ summary_table_name('table_code') }} || ' 收入总计对支出总计（' || fund_type || '）' as subject_name,
        income_grand_total as provided_value,
        expenditure_grand_total as expected_value,
        cast(0.01 as decimal(38, 10)) as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en,
        source_sections
    from summary_columns
    where income_grand_total is not null
),

final as (
    {{ union_check_rows([
        'summary_balances',
        'grand_totals',
        'income_against_expenditure',
        'fund_carry_over',
    ]) }}
)

select * from final
