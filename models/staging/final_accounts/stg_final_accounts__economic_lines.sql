-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_economic_lines') }}
),

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

measures as (
    select measure from {{ ref('ref_measures') }}
),

renamed as (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as {{ text_type() }})) as disclosure_id,
        upper(trim(cast(source.table_code as {{ text_type() }}))) as table_code,
        trim(cast(source.economic_code as {{ text_type() }})) as economic_code,
        trim(cast(source.economic_name as {{ text_type() }})) as economic_name_printed,
        trim(cast(source.cost_group_printed as {{ text_type() }})) as cost_group_printed,
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
            ("coalesce(renamed.table_code, '') != 'T6'", "'table_code must be T6, not ' || coalesce(renamed.table_code, '(empty)')"),
            ("not " ~ is_economic_code('renamed.economic_code'), "'economic_code must be 3 or 5 digits, not ' || coalesce(renamed.economic_code, '(empty)')"),
            ("measures.measure is null", "'unknown measure ' || coalesce(renamed.measure, '(empty)')"),
            amount_rejection('renamed'),
            ("renamed.unit is null or renamed.unit not in ('万元', '元')", "'unit must be 万元 or 元, not ' || coalesce(renamed.unit, '(empty)')"),
            evidence_rejection('renamed'),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
    left join measures on renamed.measure = measures.measure
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        table_code,
        economic_code,
        left(economic_code, 3) as economic_class_code,
        case length(economic_code) when 3 then '类' when 5 then '款' end as economic_level,
        economic_name_printed,
        cost_group_printed,
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
