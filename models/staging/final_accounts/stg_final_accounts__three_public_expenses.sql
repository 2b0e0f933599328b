-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_three_public_expenses') }}
),

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

items as (
    select item_code from {{ ref('ref_three_public_items') }}
),

renamed as (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as {{ text_type() }})) as disclosure_id,
        upper(trim(cast(source.table_code as {{ text_type() }}))) as table_code,
        trim(cast(source.item_code as {{ text_type() }})) as item_code,
        trim(cast(source.item_name as {{ text_type() }})) as item_name_printed,
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
            ("coalesce(renamed.table_code, '') != 'T7'", "'table_code must be T7, not ' || coalesce(renamed.table_code, '(empty)')"),
            ("items.item_code is null", "'unknown 三公 item_code ' || coalesce(renamed.item_code, '(empty)')"),
            ("coalesce(renamed.measure, '') not in ('budget_full_year', 'budget_initial', 'actual_total')", "'measure must be budget_full_year, budget_initial or actual_total, not ' || coalesce(renamed.measure, '(empty)')"),
            amount_rejection('renamed'),
            ("renamed.unit is null or renamed.unit not in ('万元', '元')", "'unit must be 万元 or 元, not ' || coalesce(renamed.unit, '(empty)')"),
            evidence_rejection('renamed'),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
    left join items on renamed.item_code = items.item_code
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        table_code,
        item_code,
        item_name_printed,
        measure,
        amount_printed,
        amount,
        unit,
        source_section,
        source_quote,
        transcription_note,
        page,
        bbox,
        printed_text,
        {{ to_wan_yuan('amount', 'unit') }} as amount_wan_yuan,
        rejection_reason,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
