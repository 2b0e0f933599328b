-- One row per disclosure x standard table x column code the table could print: whether the document
-- prints that column (a column not printed is not a column of zeros) and the table's status.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

printed_tables as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__printed_tables')) }}
    where is_accepted
),

measures as (
    select
        measure as column_code,
        applies_to_tables
    from {{ ref('ref_measures') }}
),

fund_types as (
    select fund_type as column_code from {{ ref('ref_fund_types') }}
),

-- the columns each table can have: measures by ref_measures.applies_to_tables, T4's are funds
candidate_columns as (
    select
        printed_tables.disclosure_id,
        printed_tables.table_code,
        measures.column_code
    from printed_tables
    inner join measures
        on {{ list_has(split_text("measures.applies_to_tables", "'|'"), "printed_tables.table_code") }}
    union
    select
        printed_tables.disclosure_id,
        printed_tables.table_code,
        fund_types.column_code
    from printed_tables
    cross join fund_types
    where printed_tables.table_code = 'T4'
    union
    select
        printed_tables.disclosure_id,
        printed_tables.table_code,
        {{ unnest_list(split_text("printed_tables.columns_printed", "'|'"), 'column_code', trimmed=true) }}
    from printed_tables
),

final as (
    select
        candidate_columns.disclosure_id,
        candidate_columns.table_code,
        candidate_columns.column_code,
        printed_tables.status as table_status,
        printed_tables.empty_note,
        -- without a list of columns the document's columns are unknown: treated as printed (the rules decide)
        printed_tables.status = 'printed'
        and (
            printed_tables.columns_printed is null
            or {{ list_has(
                split_text("replace(printed_tables.columns_printed, ' ', '')", "'|'"),
                "candidate_columns.column_code"
            ) }}
        ) as is_printed
    from candidate_columns
    inner join printed_tables
        on
            candidate_columns.disclosure_id = printed_tables.disclosure_id
            and candidate_columns.table_code = printed_tables.table_code
)

select * from final
