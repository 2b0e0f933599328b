-- a view: the findings mart joined with the few decisions stewards record, kept in step with both at no cost
-- (as a table it copied all 9.6 million check rows at 10,000 disclosures)
{{ config(materialized='view') }}

with

findings as (
    select * from {{ ref('fct_identity_checks') }}
),

disclosures as (
    select * from {{ ref('dim_disclosure') }}
),

decisions as (
    select * from {{ ref('stg_review__steward_acknowledgements') }}
),

final as (
    select
        findings.finding_id,
        findings.disclosure_id,
        disclosures.department_name,
        disclosures.fiscal_year,
        findings.rule_id,
        findings.family,
        findings.title_zh,
        findings.title_en,
        findings.severity,
        findings.subject,
        findings.subject_name,
        findings.provided_value,
        findings.expected_value,
        findings.difference,
        findings.tolerance,
        findings.unit,
        findings.status,
        findings.message_zh,
        findings.message_en,
        findings.source_sections,
        findings.source_document,
        findings.evidence_page,
        findings.evidence_bbox,
        findings.evidence_quote,
        decisions.decision,
        decisions.decided_by,
        decisions.decided_on,
        decisions.decision_note,
        -- a decision outlives the failure it was about: it is kept, and the finding shows as resolved
        case
            when findings.status = 'fail' and decisions.decision is null then 'open'
            when findings.status = 'fail' then 'acknowledged'
            when decisions.decision is not null then 'resolved'
            else 'not_failing'
        end as review_status
    from findings
    left join disclosures on findings.disclosure_id = disclosures.disclosure_id
    left join decisions on findings.finding_id = decisions.finding_id
)

select * from final
