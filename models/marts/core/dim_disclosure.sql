with

disclosures as (
    select * from {{ ref('stg_final_accounts__disclosures') }}
    where is_accepted
),

final as (
    select
        disclosure_id,
        department_name,
        region,
        fiscal_year,
        amount_unit,
        published_on,
        source_document,
        note
    from disclosures
)

select * from final
