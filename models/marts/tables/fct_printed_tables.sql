-- One row per disclosure x standard table (T1 ... T9): whether the document prints it with figures, prints it
-- empty or does not print it, as raw_printed_tables records; not_reported when no row says.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

standard_tables as (
    select * from {{ ref('ref_standard_tables') }}
),

printed_tables as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__printed_tables')) }}
    where is_accepted
),

final as (
    select
        disclosures.disclosure_id,
        standard_tables.table_code,
        standard_tables.name_zh as table_name,
        printed_tables.title_printed,
        cast(printed_tables.page_first as integer) as page_first,
        cast(printed_tables.page_last as integer) as page_last,
        printed_tables.unit_printed,
        coalesce(printed_tables.status, 'not_reported') as status,
        printed_tables.columns_printed,
        printed_tables.empty_note,
        printed_tables.source_section
    from disclosures
    cross join standard_tables
    left join printed_tables
        on
            disclosures.disclosure_id = printed_tables.disclosure_id
            and standard_tables.table_code = printed_tables.table_code
)

select * from final
