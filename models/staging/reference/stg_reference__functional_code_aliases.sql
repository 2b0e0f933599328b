with

source as (
    select * from {{ ref('ref_functional_classification_aliases') }}
),

final as (
    select
        trim(code) as function_code,
        trim(alias) as alias_name,
        trim(alias_kind) as alias_kind,
        note
    from source
)

select * from final
