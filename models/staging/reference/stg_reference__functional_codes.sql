with

source as (
    select * from {{ ref('ref_functional_classification') }}
),

final as (
    select
        fiscal_year,
        trim(code) as function_code,
        trim(level) as function_level,
        nullif(trim(parent_code), '') as parent_code,
        trim(name) as function_name,
        note
    from source
)

select * from final
