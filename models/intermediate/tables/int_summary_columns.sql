-- One row per disclosure x summary table (T1, T4) x fund column: each total line's amount, and the sums
-- (with the number of cells summed) of the 类 lines and of the income sources printed in that column.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

summary_lines as (
    select * from {{ changed_disclosures_only(ref('fct_summary_lines')) }}
),

income_sources as (
    select source_code from {{ ref('ref_income_sources') }}
),

final as (
    select
        summary_lines.disclosure_id,
        summary_lines.table_code,
        summary_lines.fund_type,
        {%- for item in [
            'income_total', 'use_of_non_fiscal_balance', 'carry_forward_begin', 'income_grand_total',
            'expenditure_total', 'balance_distribution', 'carry_forward_end', 'expenditure_grand_total',
        ] %}
            max(case when summary_lines.item_code = '{{ item }}' then summary_lines.amount end) as {{ item }},
        {%- endfor %}
        sum(case when summary_lines.item_code = 'function' then summary_lines.amount end) as class_sum,
        count(case when summary_lines.item_code = 'function' then summary_lines.amount end) as class_count,
        sum(case when income_sources.source_code is not null then summary_lines.amount end) as source_sum,
        count(case when income_sources.source_code is not null then summary_lines.amount end) as source_count,
        bool_or(summary_lines.has_conflicting_statements) as has_conflicting_statements,
        {{ string_agg_distinct_sorted("summary_lines.source_sections", "'; '") }} as source_sections
    from summary_lines
    left join income_sources on summary_lines.item_code = income_sources.source_code
    group by summary_lines.disclosure_id, summary_lines.table_code, summary_lines.fund_type
)

select * from final
