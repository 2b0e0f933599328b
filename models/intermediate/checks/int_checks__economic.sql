-- ECO-01 / ECO-02: 人员经费 and 公用经费 as stated equal the sum of their economic items.
-- ECO-03: 人员经费 + 公用经费 = 基本支出, per section that states 基本支出.
with

narrative as (
    select * from {{ ref('stg_final_accounts__narrative_figures') }}
    where is_accepted
),

agreed as (
    select * from {{ ref('int_narrative_figures_agreed') }}
),

economic_items as (
    select * from {{ ref('fct_basic_expenditure_by_economic_class') }}
),

group_sums as (
    select
        disclosure_id,
        cost_group,
        sum(actual_amount) as items_sum,
        count(actual_amount) as item_count,
        string_agg(distinct source_sections, '; ') as source_sections
    from economic_items
    where cost_group in ('人员经费', '公用经费')
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
    {{ narrative_identity_rows('ECO-03', ['basic_expenditure'], "['personnel_cost', 'public_cost']") }}
),

final as (
    select * from stated_groups
    union all by name
    select * from basic_expenditure
)

select * from final
