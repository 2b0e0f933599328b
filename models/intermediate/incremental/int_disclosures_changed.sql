-- The disclosures whose per-disclosure rows an incremental night computes again: every id whose landed rows
-- changed, and every disclosure of a department one of them belongs to now or belonged to before, because
-- the multi-year rules compare a disclosure with its department's other years.
with

changed_in_landing as (
    select * from {{ ref('stg_final_accounts__disclosures_changed') }}
),

disclosures as (
    select
        disclosure_id,
        department_name
    from {{ ref('stg_final_accounts__disclosures') }}
),

changed_departments as (
    select disclosures.department_name
    from disclosures
    inner join changed_in_landing on disclosures.disclosure_id = changed_in_landing.disclosure_id
    union
    select department_name
    from changed_in_landing
    where department_name is not null
),

final as (
    select disclosure_id
    from changed_in_landing
    union
    select disclosures.disclosure_id
    from disclosures
    inner join changed_departments on disclosures.department_name = changed_departments.department_name
)

select * from final
