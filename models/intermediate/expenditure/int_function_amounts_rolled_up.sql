-- One row per disclosure x fund x functional code (every level) x measure: the amount stated at that
-- level beside the amount rolled up from its children (项 -> 款 -> 类).
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

lines as (
    select * from {{ changed_disclosures_only(ref('int_function_lines_named')) }}
    where table_code in ('T3', 'T5', 'T8', 'T9')
),

stated as (
    select
        disclosure_id,
        fiscal_year,
        fund_type,
        function_code,
        measure,
        count(*) as statement_count,
        count(distinct amount_wan_yuan) as distinct_value_count,
        -- two different values for one cell are kept as a conflict, never resolved by picking one
        case when count(distinct amount_wan_yuan) = 1 then min(amount_wan_yuan) end as stated_amount,
        {{ string_agg_distinct_sorted("source_section", "'; '") }} as source_sections
    from lines
    group by disclosure_id, fiscal_year, fund_type, function_code, measure
),

xiang as (
    select
        *,
        cast(null as {{ money_type() }}) as rolled_up_amount,
        0 as child_count,
        0 as leaf_count
    from stated
    where length(function_code) = 7
),

kuan_from_children as (
    select
        disclosure_id,
        fiscal_year,
        fund_type,
        left(function_code, 5) as function_code,
        measure,
        sum(stated_amount) as rolled_up_amount,
        count(*) as child_count,
        count(stated_amount) as leaf_count
    from xiang
    group by disclosure_id, fiscal_year, fund_type, left(function_code, 5), measure
),

kuan as (
    select
        coalesce(stated.disclosure_id, children.disclosure_id) as disclosure_id,
        coalesce(stated.fiscal_year, children.fiscal_year) as fiscal_year,
        coalesce(stated.fund_type, children.fund_type) as fund_type,
        coalesce(stated.function_code, children.function_code) as function_code,
        coalesce(stated.measure, children.measure) as measure,
        coalesce(stated.statement_count, 0) as statement_count,
        coalesce(stated.distinct_value_count, 0) as distinct_value_count,
        stated.stated_amount,
        stated.source_sections,
        children.rolled_up_amount,
        coalesce(children.child_count, 0) as child_count,
        coalesce(children.leaf_count, 0) as leaf_count
    from (
        select * from stated
        where length(function_code) = 5
    ) as stated
    full outer join kuan_from_children as children
        on
            stated.disclosure_id = children.disclosure_id
            and stated.fund_type = children.fund_type
            and stated.function_code = children.function_code
            and stated.measure = children.measure
),

lei_from_children as (
    select
        disclosure_id,
        fiscal_year,
        fund_type,
        left(function_code, 3) as function_code,
        measure,
        sum(coalesce(stated_amount, rolled_up_amount)) as rolled_up_amount,
        count(*) as child_count,
        sum(case when stated_amount is not null then 1 else leaf_count end) as leaf_count
    from kuan
    group by disclosure_id, fiscal_year, fund_type, left(function_code, 3), measure
),

lei as (
    select
        coalesce(stated.disclosure_id, children.disclosure_id) as disclosure_id,
        coalesce(stated.fiscal_year, children.fiscal_year) as fiscal_year,
        coalesce(stated.fund_type, children.fund_type) as fund_type,
        coalesce(stated.function_code, children.function_code) as function_code,
        coalesce(stated.measure, children.measure) as measure,
        coalesce(stated.statement_count, 0) as statement_count,
        coalesce(stated.distinct_value_count, 0) as distinct_value_count,
        stated.stated_amount,
        stated.source_sections,
        children.rolled_up_amount,
        coalesce(children.child_count, 0) as child_count,
        coalesce(children.leaf_count, 0) as leaf_count
    from (
        select * from stated
        where length(function_code) = 3
    ) as stated
    full outer join lei_from_children as children
        on
            stated.disclosure_id = children.disclosure_id
            and stated.fund_type = children.fund_type
            and stated.function_code = children.function_code
            and stated.measure = children.measure
),

all_levels as (
    {{ union_all_by_name(['lei', 'kuan', 'xiang'], [
        'disclosure_id', 'fiscal_year', 'fund_type', 'function_code', 'measure', 'statement_count',
        'distinct_value_count', 'stated_amount', 'source_sections', 'rolled_up_amount', 'child_count',
        'leaf_count',
    ]) }}
),

final as (
    select
        disclosure_id,
        fiscal_year,
        fund_type,
        function_code,
        {{ function_level('function_code') }} as function_level,
        {{ function_parent_code('function_code') }} as parent_code,
        measure,
        statement_count,
        distinct_value_count,
        distinct_value_count > 1 as has_conflicting_statements,
        -- typed: PostgreSQL's sums and minimums drop the precision and scale DuckDB keeps
        cast(stated_amount as {{ money_type() }}) as stated_amount,
        cast(rolled_up_amount as {{ money_type() }}) as rolled_up_amount,
        child_count,
        -- the published cells the rolled-up amount adds up: its rounding envelope is 0.005 per cell
        leaf_count,
        -- a cell stated twice with two values has no single amount: the conflict is the finding
        cast(
            case when distinct_value_count <= 1 then coalesce(stated_amount, rolled_up_amount) end
            as {{ money_type() }}
        ) as amount,
        source_sections
    from all_levels
)

select * from final
