-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

findings as (
    select * from {{ changed_disclosures_only(ref('fct_identity_checks')) }}
),

disclosures as (
    select * from {{ changed_disclosures_only(ref('dim_disclosure')) }}
),

counted as (
    select
        disclosure_id,
        count(distinct rule_id) as rules_total,
        count(*) as checks_total,
        count(*) filter (where status = 'pass') as pass_count,
        count(*) filter (where status = 'rounding') as rounding_count,
        count(*) filter (where status = 'fail') as fail_count,
        count(*) filter (where status = 'not_applicable') as not_applicable_count,
        count(*) filter (where status = 'insufficient_data') as insufficient_data_count,
        count(*) filter (where status = 'fail' and severity = 'error') as fail_error_count,
        count(*) filter (where status = 'fail' and severity = 'warning') as fail_warning_count,
        count(*) filter (where status = 'fail' and severity = 'info') as fail_info_count,
        count(distinct rule_id) filter (where status = 'fail') as rules_failed,
        count(distinct rule_id) filter (where status in ('pass', 'rounding', 'fail')) as rules_run,
        count(distinct rule_id) filter (
            where status in ('not_applicable', 'insufficient_data')
        ) as rules_not_run_on_some_subject
    from findings
    group by disclosure_id
),

final as (
    select
        disclosures.disclosure_id,
        disclosures.department_name,
        disclosures.fiscal_year,
        counted.rules_total,
        counted.rules_run,
        counted.rules_total - counted.rules_run as rules_not_run,
        counted.rules_failed,
        counted.checks_total,
        counted.pass_count + counted.rounding_count + counted.fail_count as checks_run,
        counted.not_applicable_count + counted.insufficient_data_count as checks_not_run,
        counted.pass_count,
        counted.rounding_count,
        counted.fail_count,
        counted.not_applicable_count,
        counted.insufficient_data_count,
        counted.fail_error_count,
        counted.fail_warning_count,
        counted.fail_info_count
    from disclosures
    left join counted on disclosures.disclosure_id = counted.disclosure_id
)

select * from final
