-- Which rule applies to which disclosure: a rule has the fiscal years it applies to (rule_catalogue).
with

catalogue as (
    select * from {{ ref('rule_catalogue') }}
),

disclosures as (
    select
        disclosure_id,
        fiscal_year
    from {{ ref('stg_final_accounts__disclosures') }}
    where is_accepted
),

final as (
    select
        disclosures.disclosure_id,
        catalogue.rule_id,
        disclosures.fiscal_year between catalogue.applies_from_year
        and coalesce(catalogue.applies_to_year, 9999) as is_applicable
    from disclosures
    cross join catalogue
)

select * from final
