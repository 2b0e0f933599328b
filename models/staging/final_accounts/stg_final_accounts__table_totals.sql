-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_table_totals') }}
),

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

measures as (
    select measure from {{ ref('ref_measures') }}
),

-- the fund each table with a 合计 row is about
table_funds (table_code, fund_type) as (
    values
    ('T2', 'all_funds'),
    ('T3', 'all_funds'),
    ('T5', 'general_public_budget'),
    ('T6', 'general_public_budget'),
    ('T8', 'government_fund'),
    ('T9', 'state_capital')
),

renamed as (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as {{ text_type() }})) as disclosure_id,
        upper(trim(cast(source.table_code as {{ text_type() }}))) as table_code,
        trim(cast(source.fund_type as {{ text_type() }})) as fund_type,
        trim(cast(source.total_item as {{ text_type() }})) as total_item,
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
            ("table_funds.table_code is null", "'table_code must be a table with a 合计 row (T2, T3, T5, T6, T8, T9), not ' || coalesce(renamed.table_code, '(empty)')"),
            ("table_funds.fund_type != coalesce(renamed.fund_type, '')", "'the fund of ' || renamed.table_code || ' is ' || table_funds.fund_type || ', not ' || coalesce(renamed.fund_type, '(empty)')"),
            ("coalesce(renamed.total_item, '') not in ('total', 'personnel_total', 'public_funds_total')", "'total_item must be total, personnel_total or public_funds_total, not ' || coalesce(renamed.total_item, '(empty)')"),
            ("renamed.total_item in ('personnel_total', 'public_funds_total') and renamed.table_code != 'T6'", "'only T6 prints ' || renamed.total_item"),
            ("measures.measure is null", "'unknown measure ' || coalesce(renamed.measure, '(empty)')"),
            amount_rejection('renamed'),
            ("renamed.unit is null or renamed.unit not in ('万元', '元')", "'unit must be 万元 or 元, not ' || coalesce(renamed.unit, '(empty)')"),
            evidence_rejection('renamed'),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
    left join table_funds on renamed.table_code = table_funds.table_code
    left join measures on renamed.measure = measures.measure
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        table_code,
        fund_type,
        total_item,
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
