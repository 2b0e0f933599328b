-- ECO-01 / ECO-02: 人员经费 and 公用经费 as stated equal the sum of their economic items.
-- ECO-03: 人员经费 + 公用经费 = 基本支出, per section that states 基本支出.
-- ECO-04: a 类 row of T6 (301, 302 ...) equals the sum of its 款 items; it is never added to them.
-- ECO-05: T6's 人员经费合计 / 公用经费合计 rows equal the sums of their items.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

narrative as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted
),

agreed as (
    select * from {{ changed_disclosures_only(ref('int_narrative_figures_agreed')) }}
),

economic_items as (
    select * from {{ changed_disclosures_only(ref('fct_basic_expenditure_by_economic_class')) }}
),

table_totals as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__table_totals')) }}
    where is_accepted and table_code = 'T6' and total_item in ('personnel_total', 'public_funds_total')
),

group_sums as (
    select
        disclosure_id,
        cost_group,
        sum(actual_amount) as items_sum,
        count(actual_amount) as item_count,
        {{ string_agg_distinct_sorted("source_sections", "'; '") }} as source_sections
    from economic_items
    -- a 类 row is the sum of its items: counted only where none of its items is printed
    where cost_group in ('人员经费', '公用经费') and counts_in_totals
    group by disclosure_id, cost_group
),

stated_groups as (
    select
        narrative.disclosure_id,
        case narrative.subject_code when 'personnel_cost' then 'ECO-01' else 'ECO-02' end as rule_id,
        narrative.subject_code || ':' || narrative.figure_id as subject,
        narrative.subject_name || '（' || narrative.section || '）' as subject_name,
        narrative.value_wan_yuan as provided_value,
        group_sums.items_sum as expected_value,
        {{ rounding_envelope('group_sums.item_count') }} as tolerance,
        '万元' as unit,
        case when group_sums.item_count is null then 'insufficient_data' end as status,
        -- a list that ends in 等 is not exhaustive: its items cannot be held to its total
        case when narrative.list_is_open then 'warning' end as severity_override,
        case when narrative.list_is_open then '所列明细以“等”结尾，并非全部项目，故最多为警告' end as note_zh,
        case
            when
                narrative.list_is_open
                then 'the list of items ends in 等 (not exhaustive), so this is a warning at most'
        end as note_en,
        narrative.section || coalesce('; ' || group_sums.source_sections, '') as source_sections
    from narrative
    left join group_sums
        on
            narrative.disclosure_id = group_sums.disclosure_id
            and group_sums.cost_group = case narrative.subject_code
                when 'personnel_cost' then '人员经费'
                else '公用经费'
            end
    where narrative.subject_code in ('personnel_cost', 'public_cost') and narrative.metric = 'amount'
),

basic_expenditure as (
    {{ narrative_identity_rows('ECO-03', ['basic_expenditure'], text_list(["'personnel_cost'", "'public_cost'"])) }}
),

-- ECO-04 -------------------------------------------------------------------------------------------
class_rows as (
    select
        classes.disclosure_id,
        'ECO-04' as rule_id,
        'T6:' || classes.economic_code as subject,
        'T6 ' || classes.economic_code || ' ' || coalesce(classes.economic_name, classes.economic_name_printed)
            as subject_name,
        classes.actual_amount as provided_value,
        sum(items.actual_amount) as expected_value,
        {{ rounding_envelope('count(items.actual_amount)') }} as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en,
        classes.source_sections
    from economic_items as classes
    inner join economic_items as items
        on
            classes.disclosure_id = items.disclosure_id
            and classes.economic_code = items.economic_class_code
            and items.economic_level = '款'
    where classes.economic_level = '类'
    group by
        classes.disclosure_id,
        classes.economic_code,
        classes.economic_name,
        classes.economic_name_printed,
        classes.actual_amount,
        classes.source_sections
),

-- ECO-05 -------------------------------------------------------------------------------------------
printed_group_totals as (
    select
        table_totals.disclosure_id,
        'ECO-05' as rule_id,
        'T6:' || table_totals.total_item as subject,
        'T6 ' || case table_totals.total_item when 'personnel_total' then '人员经费合计' else '公用经费合计' end
            as subject_name,
        table_totals.amount_wan_yuan as provided_value,
        group_sums.items_sum as expected_value,
        {{ rounding_envelope('group_sums.item_count') }} as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en,
        table_totals.source_section as source_sections
    from table_totals
    left join group_sums
        on
            table_totals.disclosure_id = group_sums.disclosure_id
            and group_sums.cost_group = case table_totals.total_item
                when 'personnel_total' then '人员经费'
                else '公用经费'
            end
),

final as (
    {{ union_check_rows(['class_rows', 'printed_group_totals', 'stated_groups', 'basic_expenditure']) }}
)

select * from final
