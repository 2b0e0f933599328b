-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

projects as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__projects')) }}
    where is_accepted
),

stated_rates as (
    select * from {{ changed_disclosures_only(ref('int_narrative_figures_agreed')) }}
    where subject_type = 'project' and metric = 'completion_pct'
),

final as (
    select
        projects.disclosure_id,
        projects.project_id,
        projects.project_name,
        projects.budget_amount,
        projects.executed_amount,
        projects.budget_fiscal_amount,
        projects.executed_fiscal_amount,
        projects.budget_other_amount,
        projects.executed_other_amount,
        {{ safe_ratio('projects.executed_amount', 'projects.budget_amount') }} as execution_rate,
        stated_rates.stated_value as execution_rate_stated_pct,
        stated_rates.stated_decimals as execution_rate_stated_decimals,
        stated_rates.values_printed as execution_rates_printed,
        coalesce(stated_rates.distinct_value_count > 1, false) as has_conflicting_statements,
        projects.executed_amount > projects.budget_amount as is_executed_above_budget,
        projects.source_section
    from projects
    left join stated_rates
        on
            projects.disclosure_id = stated_rates.disclosure_id
            and projects.project_id = stated_rates.subject_code
)

select * from final
