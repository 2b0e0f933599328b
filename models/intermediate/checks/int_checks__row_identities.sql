-- ROW-01 / ROW-02 / ROW-03: a total equals its parts, on every table line (T3, T5, T2) and in every
-- section of the narrative that states the total.
{%- set line_identities = [
    {'rule_id': 'ROW-01', 'table_code': 'T3', 'total': 'actual_total',
     'parts': ['basic', 'project', 'remit_to_superior', 'operating', 'subsidy_to_affiliates']},
    {'rule_id': 'ROW-02', 'table_code': 'T5', 'total': 'actual_total', 'parts': ['basic', 'project']},
    {'rule_id': 'ROW-03', 'table_code': 'T2', 'total': 'income_total',
     'parts': ['fiscal_appropriation_income', 'superior_subsidy_income', 'business_income', 'operating_income',
               'affiliated_remittance_income', 'other_income']},
] %}

with

lines as (
    select * from {{ ref('int_function_lines_named') }}
),

narrative as (
    select * from {{ ref('stg_final_accounts__narrative_figures') }}
    where is_accepted
),

agreed as (
    select * from {{ ref('int_narrative_figures_agreed') }}
),

line_cells as (
    select
        disclosure_id,
        table_code,
        fund_type,
        function_code,
        measure,
        case when count(distinct amount_wan_yuan) = 1 then min(amount_wan_yuan) end as amount,
        string_agg(distinct source_section, '; ') as source_sections
    from lines
    group by disclosure_id, table_code, fund_type, function_code, measure
),

{% for identity in line_identities %}
{{ identity.rule_id | lower | replace('-', '_') }}_lines as (
    select
        disclosure_id,
        '{{ identity.rule_id }}' as rule_id,
        table_code || ':' || fund_type || ':' || function_code as subject,
        table_code || ' ' || function_code as subject_name,
        max(case when measure = '{{ identity.total }}' then amount end) as provided_value,
        coalesce(sum(case when measure in ('{{ identity.parts | join("', '") }}') then amount end), 0)
            as expected_value,
        count(case when measure in ('{{ identity.parts | join("', '") }}') then amount end) as parts_found,
        string_agg(distinct source_sections, '; ') as source_sections
    from line_cells
    where table_code = '{{ identity.table_code }}'
    group by disclosure_id, table_code, fund_type, function_code
    having
        count(case when measure in ('{{ identity.parts | join("', '") }}') then amount end) > 0
        and max(case when measure = '{{ identity.total }}' then amount end) is not null
),
{% endfor %}

line_rows as (
    {%- for identity in line_identities %}
        select
            disclosure_id,
            rule_id,
            subject,
            subject_name,
            provided_value,
            expected_value,
            {{ rounding_envelope('parts_found') }} as tolerance,
            '万元' as unit,
            case
                when
                    parts_found < {{ identity.parts | length }}
                    and abs(provided_value - expected_value) > {{ rounding_envelope('parts_found') }}
                    then 'insufficient_data'
            end as status,
            cast(null as varchar) as severity_override,
            case when parts_found < {{ identity.parts | length }} then '空白单元格按 0 计' end as note_zh,
            case when parts_found < {{ identity.parts | length }} then 'blank cells read as 0' end as note_en,
            source_sections
        from {{ identity.rule_id | lower | replace('-', '_') }}_lines
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

narrative_rows as (
    {{ narrative_identity_rows(
        'ROW-01',
        ['current_year_expenditure_total'],
        "['basic_expenditure', 'project_expenditure', 'remit_to_superior', 'operating_expenditure',
          'subsidy_to_affiliates']"
    ) }}
    union all
    {{ narrative_identity_rows(
        'ROW-03',
        ['current_year_income_total'],
        "['fiscal_appropriation_general', 'fiscal_appropriation_gov_fund', 'fiscal_appropriation_state_capital',
          'superior_subsidy', 'business_income', 'operating_income', 'affiliated_remittance', 'other_income']"
    ) }}
),

final as (
    select * from line_rows
    union all by name
    select * from narrative_rows
)

select * from final
