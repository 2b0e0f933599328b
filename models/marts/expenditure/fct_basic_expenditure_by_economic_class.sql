-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

lines as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__economic_lines')) }}
    where is_accepted and measure = 'actual_total'
),

reference_codes as (
    select * from {{ ref('stg_reference__economic_codes') }}
),

per_item as (
    select
        disclosure_id,
        economic_code,
        min(economic_class_code) as economic_class_code,
        min(economic_level) as economic_level,
        {{ string_agg_distinct_sorted("economic_name_printed", "' / '") }} as economic_name_printed,
        {{ string_agg_distinct_sorted("cost_group_printed", "' / '") }} as cost_group_printed,
        count(*) as statement_count,
        count(distinct amount_wan_yuan) as distinct_value_count,
        case when count(distinct amount_wan_yuan) = 1 then min(amount_wan_yuan) end as actual_amount,
        {{ string_agg_distinct_sorted("source_section", "'; '") }} as source_sections
    from lines
    group by disclosure_id, economic_code
),

-- a 类 row (301, 302 ...) is the sum of its 款 items: it is never added to them
classes_with_items as (
    select distinct
        disclosure_id,
        economic_class_code
    from per_item
    where economic_level = '款'
),

final as (
    select
        per_item.disclosure_id,
        per_item.economic_code,
        reference_item.economic_name,
        per_item.economic_name_printed,
        case
            when reference_item.economic_code is null then 'code_not_in_reference'
            when per_item.economic_name_printed = reference_item.economic_name then 'match'
            else 'mismatch'
        end as name_match_status,
        per_item.economic_level,
        per_item.economic_class_code,
        reference_class.economic_name as economic_class_name,
        coalesce(reference_item.cost_group, reference_class.cost_group) as cost_group,
        per_item.cost_group_printed,
        per_item.actual_amount,
        per_item.distinct_value_count > 1 as has_conflicting_statements,
        -- items count once: every 款 item, and a 类 row only where none of its 款 items is printed
        per_item.economic_level = '款' or classes_with_items.economic_class_code is null as counts_in_totals,
        per_item.source_sections
    from per_item
    left join classes_with_items
        on
            per_item.disclosure_id = classes_with_items.disclosure_id
            and per_item.economic_class_code = classes_with_items.economic_class_code
    left join reference_codes as reference_item on per_item.economic_code = reference_item.economic_code
    left join reference_codes as reference_class on per_item.economic_class_code = reference_class.economic_code
)

select * from final
