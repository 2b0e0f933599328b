-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

catalogue as (
    select * from {{ ref('rule_catalogue') }}
),

disclosures as (
    select * from {{ changed_disclosures_only(ref('dim_disclosure')) }}
),

findings as (
    select * from {{ changed_disclosures_only(ref('fct_identity_checks')) }}
),

families as (
    select
        family,
        count(*) as rules_in_catalogue
    from catalogue
    group by family
),

answered as (
    select
        disclosure_id,
        family,
        count(distinct rule_id) as rules_answered,
        count(distinct rule_id) filter (where status in ('pass', 'rounding', 'fail')) as rules_run,
        count(*) as checks_total,
        count(*) filter (where status in ('pass', 'rounding', 'fail')) as checks_run,
        count(*) filter (where status = 'fail') as checks_failed
    from findings
    group by disclosure_id, family
),

-- every disclosure against every family of the catalogue: a family with no rows at all shows as 0, not as absent
final as (
    select
        disclosures.disclosure_id,
        families.family,
        families.rules_in_catalogue,
        coalesce(answered.rules_answered, 0) as rules_answered,
        coalesce(answered.rules_run, 0) as rules_run,
        coalesce(answered.checks_total, 0) as checks_total,
        coalesce(answered.checks_run, 0) as checks_run,
        coalesce(answered.checks_failed, 0) as checks_failed
    from disclosures
    cross join families
    left join answered
        on
            disclosures.disclosure_id = answered.disclosure_id
            and families.family = answered.family
)

select * from final
