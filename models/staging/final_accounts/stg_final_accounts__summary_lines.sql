-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_summary_lines') }}
),

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

summary_items as (
    select
        item_code,
        side
    from {{ ref('ref_summary_items') }}
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
        trim(cast(source.side as {{ text_type() }})) as side,
        trim(cast(source.line_no as {{ text_type() }})) as line_no_text,
        {{ text_to_integer("trim(cast(source.line_no as " ~ text_type() ~ "))") }} as line_no,
        trim(cast(source.item_code as {{ text_type() }})) as item_code,
        nullif(trim(cast(source.function_code as {{ text_type() }})), '') as function_code,
        trim(cast(source.item_name as {{ text_type() }})) as item_name_printed,
        trim(cast(source.fund_type as {{ text_type() }})) as fund_type,
        trim(cast(source.measure as {{ text_type() }})) as measure,
        {{ amount_columns('source.amount') }},
        trim(cast(source.unit as {{ text_type() }})) as unit,
        trim(cast(source.source_section as {{ text_type() }})) as source_section,
        trim(cast(source.transcription_note as {{ text_type() }})) as transcription_note,
        {{ evidence_columns('source') }}
    from source
),

validated as (
    select
        renamed.*,
        {{ rejection_reason([
            ("disclosures.disclosure_id is null", "'unknown disclosure_id ' || coalesce(renamed.disclosure_id, '(empty)')"),
            ("coalesce(renamed.table_code, '') not in ('T1', 'T4')", "'table_code must be a summary table (T1, T4), not ' || coalesce(renamed.table_code, '(empty)')"),
            ("coalesce(renamed.side, '') not in ('income', 'expenditure')", "'side must be income or expenditure, not ' || coalesce(renamed.side, '(empty)')"),
            ("renamed.line_no is null or renamed.line_no < 1", "'line_no must be a whole number from 1, not ' || coalesce(renamed.line_no_text, '(empty)')"),
            ("summary_items.item_code is null", "'unknown item_code ' || coalesce(renamed.item_code, '(empty)')"),
            ("summary_items.side != renamed.side", "'item_code ' || renamed.item_code || ' is on the ' || summary_items.side || ' side, not ' || coalesce(renamed.side, '(empty)')"),
            ("renamed.item_code = 'function' and not coalesce(" ~ regex_full_match('renamed.function_code', "'[0-9]{3}'") ~ ", false)", "'a function line needs a 3-digit 类 function_code, not ' || coalesce(renamed.function_code, '(empty)')"),
            ("renamed.item_code != 'function' and renamed.function_code is not null", "'function_code is only for function lines, not ' || coalesce(renamed.item_code, '(empty)')"),
            ("fund_types.fund_type is null", "'unknown fund_type ' || coalesce(renamed.fund_type, '(empty)')"),
            ("renamed.table_code = 'T1' and renamed.fund_type != 'all_funds'", "'T1 prints one column: fund_type must be all_funds, not ' || renamed.fund_type"),
            ("measures.measure is null", "'unknown measure ' || coalesce(renamed.measure, '(empty)')"),
            amount_rejection('renamed'),
            ("renamed.unit is null or renamed.unit not in ('万元', '元')", "'unit must be 万元 or 元, not ' || coalesce(renamed.unit, '(empty)')"),
            evidence_rejection('renamed'),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
    left join summary_items on renamed.item_code = summary_items.item_code
    left join measures on renamed.measure = measures.measure
    left join fund_types on renamed.fund_type = fund_types.fund_type
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        table_code,
        side,
        line_no,
        item_code,
        function_code,
        item_name_printed,
        fund_type,
        measure,
        amount_printed,
        amount,
        unit,
        {{ to_wan_yuan('amount', 'unit') }} as amount_wan_yuan,
        page,
        bbox,
        printed_text,
        source_section,
        transcription_note,
        rejection_reason,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
