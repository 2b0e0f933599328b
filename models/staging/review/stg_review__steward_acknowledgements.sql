with

source as (
    select * from {{ ref('steward_acknowledgements') }}
),

final as (
    select
        trim(finding_id) as finding_id,
        trim(decision) as decision,
        trim(decided_by) as decided_by,
        decided_on,
        nullif(trim(note), '') as decision_note
    from source
)

select * from final
