-- Placeholder until the family's rules land: no rows, so every rule of the family reports insufficient_data.
with

disclosures as (
    select disclosure_id from {{ ref('stg_final_accounts__disclosures') }}
    where is_accepted
),

final as (
    {{ not_run_row('disclosure_id', 'PLACEHOLDER', 'insufficient_data', "'尚未实现'", "'not implemented yet'") }}
    from disclosures
    where false
)

select * from final
