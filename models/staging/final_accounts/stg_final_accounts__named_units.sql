-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_named_units') }}
),

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

renamed as (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as {{ text_type() }})) as disclosure_id,
        trim(cast(source.list_id as {{ text_type() }})) as list_id,
        {{ text_to_integer("source.item_no") }} as item_no,
        trim(cast(source.unit_name as {{ text_type() }})) as unit_name,
        trim(cast(source.source_section as {{ text_type() }})) as source_section
    from source
),

validated as (
    select
        renamed.*,
        {{ rejection_reason([
            ("disclosures.disclosure_id is null", "'unknown disclosure_id ' || coalesce(renamed.disclosure_id, '(empty)')"),
            ("renamed.list_id is null", "'list_id is empty'"),
            ("renamed.item_no is null", "'item_no is not a whole number'"),
            ("renamed.unit_name is null", "'unit_name is empty'"),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
),

final as (
    select
        *,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
