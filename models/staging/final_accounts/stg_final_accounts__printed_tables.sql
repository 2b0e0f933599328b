-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_printed_tables') }}
),

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

tables as (
    select table_code from {{ ref('ref_standard_tables') }}
),

-- a table's columns are measures (T2, T3, T5 ... T9) or funds (T4)
column_codes as (
    select measure as column_code from {{ ref('ref_measures') }}
    union all
    select fund_type as column_code from {{ ref('ref_fund_types') }}
),

renamed as (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as {{ text_type() }})) as disclosure_id,
        upper(trim(cast(source.table_code as {{ text_type() }}))) as table_code,
        trim(cast(source.title_printed as {{ text_type() }})) as title_printed,
        trim(cast(source.page_first as {{ text_type() }})) as page_first_text,
        {{ text_to_integer("trim(cast(source.page_first as " ~ text_type() ~ "))") }} as page_first,
        trim(cast(source.page_last as {{ text_type() }})) as page_last_text,
        {{ text_to_integer("trim(cast(source.page_last as " ~ text_type() ~ "))") }} as page_last,
        nullif(trim(cast(source.unit_printed as {{ text_type() }})), '') as unit_printed,
        trim(cast(source.status as {{ text_type() }})) as status,
        nullif(trim(cast(source.columns_printed as {{ text_type() }})), '') as columns_printed,
        nullif(trim(cast(source.empty_note as {{ text_type() }})), '') as empty_note,
        trim(cast(source.source_section as {{ text_type() }})) as source_section
    from source
),

unknown_columns as (
    select
        listed.source_file,
        listed.source_line,
        {{ string_agg_sorted("listed.column_code", "', '") }} as unknown_column_codes
    from (
        select
            source_file,
            source_line,
            {{ unnest_list(split_text("columns_printed", "'|'"), 'column_code', trimmed=true) }}
        from renamed
    ) as listed
    left join column_codes on listed.column_code = column_codes.column_code
    where column_codes.column_code is null
    group by listed.source_file, listed.source_line
),

validated as (
    select
        renamed.*,
        {{ rejection_reason([
            ("disclosures.disclosure_id is null", "'unknown disclosure_id ' || coalesce(renamed.disclosure_id, '(empty)')"),
            ("tables.table_code is null", "'unknown table_code ' || coalesce(renamed.table_code, '(empty)')"),
            ("count(*) over (partition by renamed.disclosure_id, renamed.table_code) > 1", "'table ' || coalesce(renamed.table_code, '(empty)') || ' is listed more than once for the disclosure'"),
            ("coalesce(renamed.status, '') not in ('printed', 'printed_empty', 'not_found')", "'status must be printed, printed_empty or not_found, not ' || coalesce(renamed.status, '(empty)')"),
            ("renamed.page_first is null and coalesce(renamed.page_first_text, '') != ''", "'page_first is not a whole number: ' || renamed.page_first_text"),
            ("renamed.page_last is null and coalesce(renamed.page_last_text, '') != ''", "'page_last is not a whole number: ' || renamed.page_last_text"),
            ("renamed.page_last < renamed.page_first", "'page_last is before page_first'"),
            ("renamed.unit_printed not in ('万元', '元')", "'unit_printed must be 万元 or 元, not ' || renamed.unit_printed"),
            ("unknown_columns.unknown_column_codes is not null", "'columns_printed names unknown columns: ' || unknown_columns.unknown_column_codes"),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
    left join tables on renamed.table_code = tables.table_code
    left join unknown_columns
        on
            renamed.source_file is not distinct from unknown_columns.source_file
            and renamed.source_line = unknown_columns.source_line
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        table_code,
        title_printed,
        page_first,
        page_last,
        unit_printed,
        status,
        columns_printed,
        empty_note,
        source_section,
        rejection_reason,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
