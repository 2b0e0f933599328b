-- The disclosure ids whose landed rows changed since the published warehouse landed them: named in a raw file
-- parsed this night or in the landed rows of a file that changed or vanished (with the department those rows
-- gave it). Empty when every raw file was parsed: the build then starts from an empty file.
with

source as (
    select * from {{ source('landing', 'disclosures_changed') }}
),

final as (
    select distinct
        trim(cast(disclosure_id as {{ text_type() }})) as disclosure_id,
        trim(cast(department_name as {{ text_type() }})) as department_name
    from source
    where disclosure_id is not null
)

select * from final
