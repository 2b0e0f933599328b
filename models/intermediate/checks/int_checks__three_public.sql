-- TPE-01 / TPE-02: the 三公 total and subtotals equal their items, for budget and actual.
-- TPE-03: a basic-expenditure economic item is at most the matching 三公 item (part <= whole).
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

items as (
    select * from {{ changed_disclosures_only(ref('fct_three_public_expenses')) }}
),

-- which item is the total of which items
item_parts (rule_id, total_item_code, part_item_code) as (
    values
    ('TPE-01', 'three_public_total', 'overseas_travel'),
    ('TPE-01', 'three_public_total', 'vehicle_total'),
    ('TPE-01', 'three_public_total', 'official_reception'),
    ('TPE-02', 'vehicle_total', 'vehicle_purchase'),
    ('TPE-02', 'vehicle_total', 'vehicle_operation'),
    ('TPE-02', 'official_reception', 'reception_domestic'),
    ('TPE-02', 'official_reception', 'reception_foreign')
),

-- the basic-expenditure economic item that is part of each 三公 item
economic_matches (economic_code, item_code) as (
    values
    ('30212', 'overseas_travel'),
    ('30217', 'official_reception'),
    ('30231', 'vehicle_operation'),
    ('31013', 'vehicle_purchase')
),

measures (measure, measure_name_zh) as (
    values ('budget', '预算数'), ('actual', '决算数')
),

item_amounts as (
    select
        items.disclosure_id,
        items.item_code,
        items.item_name,
        measures.measure,
        measures.measure_name_zh,
        case measures.measure when 'budget' then items.budget_amount else items.actual_amount end as amount,
        items.source_sections
    from items
    cross join measures
),

economic_items as (
    select * from {{ changed_disclosures_only(ref('fct_basic_expenditure_by_economic_class')) }}
),

item_sums as (
    select
        totals.disclosure_id,
        item_parts.rule_id,
        totals.item_code || ':' || totals.measure as subject,
        totals.item_name || '（' || totals.measure_name_zh || '）' as subject_name,
        totals.amount as provided_value,
        coalesce(sum(parts.amount), 0) as expected_value,
        count(parts.amount) as parts_found,
        count(*) as parts_expected,
        {{ string_agg_distinct_sorted("parts.source_sections", "'; '") }} as part_sections,
        max(totals.source_sections) as total_sections
    from item_amounts as totals
    inner join item_parts on totals.item_code = item_parts.total_item_code
    left join item_amounts as parts
        on
            totals.disclosure_id = parts.disclosure_id
            and totals.measure = parts.measure
            and item_parts.part_item_code = parts.item_code
    where totals.amount is not null
    group by
        totals.disclosure_id,
        item_parts.rule_id,
        totals.item_code,
        totals.measure,
        totals.item_name,
        totals.measure_name_zh,
        totals.amount
),

sum_rows as (
    select
        disclosure_id,
        rule_id,
        subject,
        subject_name,
        provided_value,
        expected_value,
        {{ rounding_envelope('parts_found') }} as tolerance,
        '万元' as unit,
        case
            when parts_found = 0 then 'insufficient_data'
            when
                parts_found < parts_expected
                and abs(provided_value - expected_value) > {{ rounding_envelope('parts_found') }}
                then 'insufficient_data'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when parts_found = 0 then '未列示任何明细'
            when parts_found < parts_expected then '未列示的明细按 0 计'
        end as note_zh,
        case
            when parts_found = 0 then 'none of its items is stated'
            when parts_found < parts_expected then 'items not stated are read as 0'
        end as note_en,
        total_sections || coalesce('; ' || part_sections, '') as source_sections
    from item_sums
),

part_of_whole as (
    select
        economic_items.disclosure_id,
        'TPE-03' as rule_id,
        economic_items.economic_code || ':' || items.item_code as subject,
        economic_items.economic_code || ' ' || economic_items.economic_name || ' ≤ ' || items.item_name
            as subject_name,
        economic_items.actual_amount as provided_value,
        items.actual_amount as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        '万元' as unit,
        case
            when economic_items.actual_amount is null or items.actual_amount is null then 'insufficient_data'
            when economic_items.actual_amount <= items.actual_amount then 'pass'
            else 'fail'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        '基本支出中的经济分类项目不应超过对应的“三公”经费项目' as note_zh,
        'the basic-expenditure item is part of the 三公 item and cannot exceed it' as note_en,
        economic_items.source_sections || coalesce('; ' || items.source_sections, '') as source_sections
    from economic_items
    inner join economic_matches on economic_items.economic_code = economic_matches.economic_code
    inner join items
        on
            economic_items.disclosure_id = items.disclosure_id
            and economic_matches.item_code = items.item_code
),

final as (
    {{ union_check_rows(['sum_rows', 'part_of_whole']) }}
)

select * from final
