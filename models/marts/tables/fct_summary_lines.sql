-- One row per disclosure x summary table (T1, T4) x side x printed line x fund column: the amount as printed,
-- in 万元, with where it stands on the page. A line printed twice with two values keeps no single amount.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

lines as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__summary_lines')) }}
    where is_accepted
),

summary_items as (
    select * from {{ ref('ref_summary_items') }}
),

fund_types as (
    select * from {{ ref('ref_fund_types') }}
),

per_cell as (
    select
        disclosure_id,
        table_code,
        side,
        line_no,
        fund_type,
        min(item_code) as item_code,
        min(function_code) as function_code,
        {{ string_agg_distinct_sorted("item_name_printed", "' / '") }} as item_name_printed,
        count(*) as statement_count,
        count(distinct amount_wan_yuan) as distinct_value_count,
        case when count(distinct amount_wan_yuan) = 1 then min(amount_wan_yuan) end as amount,
        min(page) as page,
        {{ string_agg_distinct_sorted("bbox", "' | '") }} as bbox,
        {{ string_agg_distinct_sorted("printed_text", "' | '") }} as printed_text,
        {{ string_agg_distinct_sorted("source_section", "'; '") }} as source_sections
    from lines
    group by disclosure_id, table_code, side, line_no, fund_type
),

final as (
    select
        per_cell.disclosure_id,
        per_cell.table_code,
        per_cell.side,
        cast(per_cell.line_no as integer) as line_no,
        per_cell.fund_type,
        fund_types.name_zh as fund_name,
        per_cell.item_code,
        summary_items.name_zh as item_name,
        per_cell.function_code,
        per_cell.item_name_printed,
        cast(per_cell.amount as {{ money_type() }}) as amount,
        per_cell.distinct_value_count > 1 as has_conflicting_statements,
        cast(per_cell.page as integer) as page,
        per_cell.bbox,
        per_cell.printed_text,
        per_cell.source_sections
    from per_cell
    left join summary_items on per_cell.item_code = summary_items.item_code
    left join fund_types on per_cell.fund_type = fund_types.fund_type
)

select * from final
