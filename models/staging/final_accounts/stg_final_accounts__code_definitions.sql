-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_code_definitions') }}
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
        {{ text_to_integer("source.entry_no") }} as entry_no,
        trim(cast(source.function_code as {{ text_type() }})) as function_code,
        trim(cast(source.function_name as {{ text_type() }})) as function_name_printed,
        trim(cast(source.category_printed as {{ text_type() }})) as category_printed,
        trim(cast(source.definition as {{ text_type() }})) as definition,
        trim(cast(source.source_section as {{ text_type() }})) as source_section
    from source
),

validated as (
    select
        renamed.*,
        {{ rejection_reason([
            ("disclosures.disclosure_id is null", "'unknown disclosure_id ' || coalesce(renamed.disclosure_id, '(empty)')"),
            ("not " ~ is_function_code('renamed.function_code'), "'function_code must be 3, 5 or 7 digits, not ' || coalesce(renamed.function_code, '(empty)')"),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
),

final as (
    select
        *,
        {{ function_level('function_code') }} as function_level,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
