-- TPE-01 / TPE-02: the 三公 total and subtotals equal their items, for budget and actual.
-- TPE-03: a basic-expenditure economic item is at most the matching 三公 item (part <= whole).
{%- set sums = [
    {'rule_id': 'TPE-01', 'total': 'three_public_total', 'parts': ['overseas_travel', 'vehicle_total', 'official_reception']},
    {'rule_id': 'TPE-02', 'total': 'vehicle_total', 'parts': ['vehicle_purchase', 'vehicle_operation']},
    {'rule_id': 'TPE-02', 'total': 'official_reception', 'parts': ['reception_domestic', 'reception_foreign']},
] %}
{%- set economic_matches = {
    '30212': 'overseas_travel',
    '30217': 'official_reception',
    '30231': 'vehicle_operation',
    '31013': 'vehicle_purchase',
} %}

with

items as (
    select * from {{ ref('fct_three_public_expenses') }}
),

economic_items as (
    select * from {{ ref('fct_basic_expenditure_by_economic_class') }}
),

item_sums as (
    {%- for identity in sums %}
        {%- set outer_loop = loop %}
        {%- for measure in ['budget', 'actual'] %}
            select
                totals.disclosure_id,
                '{{ identity.rule_id }}' as rule_id,
                '{{ identity.total }}:{{ measure }}' as subject,
                totals.item_name || '（{{ "预算数" if measure == "budget" else "决算数" }}）' as subject_name,
                totals.{{ measure }}_amount as provided_value,
                coalesce(sum(parts.{{ measure }}_amount), 0) as expected_value,
                count(parts.{{ measure }}_amount) as parts_found,
                {{ identity.parts | length }} as parts_expected,
                string_agg(distinct parts.source_sections, '; ') as part_sections,
                max(totals.source_sections) as total_sections
            from items as totals
            left join items as parts
                on
                    totals.disclosure_id = parts.disclosure_id
                    and parts.item_code in ('{{ identity.parts | join("', '") }}')
            where totals.item_code = '{{ identity.total }}' and totals.{{ measure }}_amount is not null
            group by totals.disclosure_id, totals.item_name, totals.{{ measure }}_amount
            {%- if not (outer_loop.last and loop.last) %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
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
        cast(null as varchar) as severity_override,
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
        cast(null as varchar) as severity_override,
        '基本支出中的经济分类项目不应超过对应的“三公”经费项目' as note_zh,
        'the basic-expenditure item is part of the 三公 item and cannot exceed it' as note_en,
        economic_items.source_sections || coalesce('; ' || items.source_sections, '') as source_sections
    from economic_items
    inner join items
        on
            economic_items.disclosure_id = items.disclosure_id
            and items.item_code = case economic_items.economic_code
                {%- for code, item in economic_matches.items() %}
                    when '{{ code }}' then '{{ item }}'
                {%- endfor %}
            end
),

final as (
    select * from sum_rows
    union all by name
    select * from part_of_whole
)

select * from final
