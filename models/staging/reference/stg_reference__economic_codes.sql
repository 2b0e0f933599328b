with

source as (
    select * from {{ ref('ref_economic_classification') }}
),

final as (
    select
        trim(code) as economic_code,
        trim(level) as economic_level,
        nullif(trim(parent_code), '') as parent_code,
        trim(name) as economic_name,
        trim(cost_group) as cost_group,
        note
    from source
)

select * from final
