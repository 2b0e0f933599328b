-- A decision whose finding id no longer exists (the rule or its subject changed): reported, never an error.
with

decisions as (
    select * from {{ ref('stg_review__steward_acknowledgements') }}
),

findings as (
    select * from {{ ref('fct_identity_checks') }}
),

final as (
    select
        decisions.finding_id,
        decisions.decision,
        decisions.decided_by,
        decisions.decided_on,
        decisions.decision_note
    from decisions
    left join findings on decisions.finding_id = findings.finding_id
    where findings.finding_id is null
)

select * from final
