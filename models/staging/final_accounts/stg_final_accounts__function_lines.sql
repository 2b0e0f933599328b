-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_function_lines') }}
),

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

tables as (
    select table_code from {{ ref('ref_standard_tables') }}
    where row_key = 'function_code'
),

measures as (
    select measure from {{ ref('ref_measures') }}
),

fund_types as (
    select fund_type from {{ ref('ref_fund_types') }}
),

renamed as (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as {{ text_type() }})) as disclosure_id,
        upper(trim(cast(source.table_code as {{ text_type() }}))) as table_code,
        trim(cast(source.fund_type as {{ text_type() }})) as fund_type,
        trim(cast(source.function_code as {{ text_type() }})) as function_code,
        trim(cast(source.function_name as {{ text_type() }})) as function_name_printed,
        trim(cast(source.parent_names_printed as {{ text_type() }})) as parent_names_printed,
        trim(cast(source.measure as {{ text_type() }})) as measure,
        {{ amount_columns('source.amount') }},
        trim(cast(source.unit as {{ text_type() }})) as unit,
        trim(cast(source.source_section as {{ text_type() }})) as source_section,
        trim(cast(source.source_quote as {{ text_type() }})) as source_quote,
        trim(cast(source.transcription_note as {{ text_type() }})) as transcription_note,
        {{ evidence_columns('source') }}
    from source
),

validated as (
    select
        renamed.*,
        {{ rejection_reason([
            ("disclosures.disclosure_id is null", "'unknown disclosure_id ' || coalesce(renamed.disclosure_id, '(empty)')"),
            ("tables.table_code is null", "'table_code must be a functional table (T2, T3, T5, T8, T9), not ' || coalesce(renamed.table_code, '(empty)')"),
            ("fund_types.fund_type is null", "'unknown fund_type ' || coalesce(renamed.fund_type, '(empty)')"),
            ("not " ~ is_function_code('renamed.function_code'), "'function_code must be 3, 5 or 7 digits, not ' || coalesce(renamed.function_code, '(empty)')"),
            ("measures.measure is null", "'unknown measure ' || coalesce(renamed.measure, '(empty)')"),
            amount_rejection('renamed'),
            ("renamed.unit is null or renamed.unit not in ('万元', '元')", "'unit must be 万元 or 元, not ' || coalesce(renamed.unit, '(empty)')"),
            evidence_rejection('renamed'),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
    left join tables on renamed.table_code = tables.table_code
    left join measures on renamed.measure = measures.measure
    left join fund_types on renamed.fund_type = fund_types.fund_type
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        table_code,
        fund_type,
        function_code,
        {{ function_level('function_code') }} as function_level,
        {{ function_parent_code('function_code') }} as parent_code,
        left(function_code, 3) as lei_code,
        case when length(function_code) >= 5 then left(function_code, 5) end as kuan_code,
        case when length(function_code) = 7 then function_code end as xiang_code,
        function_name_printed,
        parent_names_printed,
        measure,
        amount_printed,
        amount,
        unit,
        {{ to_wan_yuan('amount', 'unit') }} as amount_wan_yuan,
        source_section,
        source_quote,
        transcription_note,
        page,
        bbox,
        printed_text,
        rejection_reason,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
