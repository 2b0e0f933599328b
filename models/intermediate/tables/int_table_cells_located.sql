-- Every printed cell of the standard tables that has a place on a page: the evidence a finding on a table points
-- at. A finding's provided value is found among the cells of its disclosure (same amount, a code of its subject).
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

function_lines as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__function_lines')) }}
    where is_accepted and page is not null
),

economic_lines as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__economic_lines')) }}
    where is_accepted and page is not null
),

summary_lines as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__summary_lines')) }}
    where is_accepted and page is not null
),

table_totals as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__table_totals')) }}
    where is_accepted and page is not null
),

three_public as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__three_public_expenses')) }}
    where is_accepted and page is not null
),

cells as (
    select
        disclosure_id,
        table_code,
        fund_type,
        function_code as cell_code,
        measure,
        amount_wan_yuan,
        page,
        bbox,
        function_code || ' ' || coalesce(function_name_printed, '') as cell_name,
        printed_text
    from function_lines
    union all
    select
        disclosure_id,
        table_code,
        'general_public_budget' as fund_type,
        economic_code as cell_code,
        measure,
        amount_wan_yuan,
        page,
        bbox,
        economic_code || ' ' || coalesce(economic_name_printed, '') as cell_name,
        printed_text
    from economic_lines
    union all
    -- a 类 line of T1 / T4 is known by its 类 code, any other line by what it is (income_total ...)
    select
        disclosure_id,
        table_code,
        fund_type,
        coalesce(function_code, item_code) as cell_code,
        measure,
        amount_wan_yuan,
        page,
        bbox,
        coalesce(item_name_printed, item_code) as cell_name,
        printed_text
    from summary_lines
    union all
    select
        disclosure_id,
        table_code,
        fund_type,
        total_item as cell_code,
        measure,
        amount_wan_yuan,
        page,
        bbox,
        case total_item
            when 'personnel_total' then '人员经费合计'
            when 'public_funds_total' then '公用经费合计'
            else '合计'
        end as cell_name,
        printed_text
    from table_totals
    union all
    select
        disclosure_id,
        table_code,
        'general_public_budget' as fund_type,
        item_code as cell_code,
        measure,
        amount_wan_yuan,
        page,
        bbox,
        coalesce(item_name_printed, item_code) as cell_name,
        printed_text
    from three_public
),

final as (
    select
        *,
        table_code || ' ' || cell_name || ': ' || coalesce(printed_text, {{ format_number('amount_wan_yuan') }})
            as cell_quote
    from cells
)

select * from final
