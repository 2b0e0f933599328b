-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

lines as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__three_public_expenses')) }}
    where is_accepted
),

items as (
    select * from {{ ref('ref_three_public_items') }}
),

narrative as (
    select * from {{ changed_disclosures_only(ref('int_narrative_figures_agreed')) }}
    where subject_type = 'three_public'
),

per_item as (
    select
        disclosure_id,
        item_code,
        {{ string_agg_distinct_sorted("item_name_printed", "' / '") }} as item_name_printed,
        {%- for measure in ['budget_full_year', 'actual_total'] %}
            count(distinct case when measure = '{{ measure }}' then amount_wan_yuan end) as {{ measure }}_value_count,
            case
                when count(distinct case when measure = '{{ measure }}' then amount_wan_yuan end) = 1
                    then max(case when measure = '{{ measure }}' then amount_wan_yuan end)
            end as {{ measure }}_amount,
        {%- endfor %}
        {{ string_agg_distinct_sorted("source_section", "'; '") }} as source_sections
    from lines
    group by disclosure_id, item_code
),

with_totals as (
    select
        per_item.*,
        totals.actual_total_amount as three_public_total_actual
    from per_item
    left join per_item as totals
        on
            per_item.disclosure_id = totals.disclosure_id
            and totals.item_code = 'three_public_total'
),

stated as (
    select
        disclosure_id,
        subject_code as item_code,
        max(case when metric = 'completion_pct' then stated_value end) as completion_pct_stated,
        max(case when metric = 'share_pct' then stated_value end) as share_pct_stated,
        max(case when metric = 'change_amount' then stated_value end) as change_amount_stated,
        max(case when metric = 'change_pct' then stated_value end) as change_pct_stated,
        bool_or(distinct_value_count > 1) as has_conflicting_narrative
    from narrative
    group by disclosure_id, subject_code
),

final as (
    select
        with_totals.disclosure_id,
        with_totals.item_code,
        items.name_zh as item_name,
        with_totals.item_name_printed,
        items.parent_item_code,
        items.sort_order,
        with_totals.budget_full_year_amount as budget_amount,
        with_totals.actual_total_amount as actual_amount,
        stated.completion_pct_stated,
        {{ safe_percent('with_totals.actual_total_amount', 'with_totals.budget_full_year_amount') }}
            as completion_pct_computed,
        stated.share_pct_stated,
        {{ safe_percent('with_totals.actual_total_amount', 'with_totals.three_public_total_actual') }}
            as share_pct_computed,
        stated.change_amount_stated,
        cast(with_totals.actual_total_amount - stated.change_amount_stated as {{ money_type() }})
            as prior_year_amount_computed,
        stated.change_pct_stated,
        {{ safe_percent(
            'stated.change_amount_stated',
            'with_totals.actual_total_amount - stated.change_amount_stated'
        ) }} as change_pct_computed,
        with_totals.budget_full_year_value_count > 1
        or with_totals.actual_total_value_count > 1
        or coalesce(stated.has_conflicting_narrative, false) as has_conflicting_statements,
        with_totals.source_sections
    from with_totals
    left join items on with_totals.item_code = items.item_code
    left join stated
        on
            with_totals.disclosure_id = stated.disclosure_id
            and with_totals.item_code = stated.item_code
)

select * from final
