-- A decision whose finding id no longer exists (the rule or its subject changed): reported, never an error.
with

decisions as (
    select * from {{ ref('stg_review__steward_acknowledgements') }}
),

findings as (
    select * from {{ ref('fct_identity_checks') }}
),

stale as (
    select decisions.*
    from decisions
    left join findings on decisions.finding_id = findings.finding_id
    where findings.finding_id is null
),

-- Ids were 12 hex digits before they were widened to 16 (F- and 12 digits: 14 characters). A decision
-- recorded under an old id names the finding whose id begins with it; two such findings would be
-- ambiguous, so only a single one is named.
renamed as (
    select
        stale.finding_id,
        min(findings.finding_id) as current_finding_id,
        count(*) as findings_named
    from stale
    inner join findings on left(findings.finding_id, 14) = stale.finding_id
    where length(stale.finding_id) = 14
    group by stale.finding_id
),

final as (
    select
        stale.finding_id,
        stale.decision,
        stale.decided_by,
        stale.decided_on,
        stale.decision_note,
        case when renamed.findings_named = 1 then renamed.current_finding_id end as current_finding_id
    from stale
    left join renamed on stale.finding_id = renamed.finding_id
)

select * from final
