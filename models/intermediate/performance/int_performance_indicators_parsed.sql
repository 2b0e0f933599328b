-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

indicators as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__performance_indicators')) }}
    where is_accepted
),

levels_filled as (
    -- the tables merge the 一级 / 二级 cells over the rows below them: carry them down, and say so
    select
        *,
        coalesce(
            level_1_printed,
            {{ last_non_null('level_1_printed', 'indicator_order') }}
        ) as level_1,
        coalesce(
            level_2_printed,
            {{ last_non_null('level_2_printed', 'indicator_order') }}
        ) as level_2,
        level_1_printed is null or level_2_printed is null as is_level_carried_down
    from indicators
    window indicator_order as (
        partition by disclosure_id, project_id
        order by indicator_no
        rows between unbounded preceding and current row
    )
),

parsed as (
    select
        *,
        {{ indicator_kind('target_text') }} as target_kind,
        {{ indicator_operator('target_text') }} as target_operator,
        {{ indicator_number('target_text') }} as target_number,
        {{ indicator_unit('target_text') }} as target_unit,
        {{ indicator_date('target_text') }} as target_date,
        {{ indicator_kind('actual_text') }} as actual_kind,
        {{ indicator_operator('actual_text') }} as actual_operator,
        {{ indicator_number('actual_text') }} as actual_number,
        {{ indicator_unit('actual_text') }} as actual_unit,
        {{ indicator_date('actual_text') }} as actual_date
    from levels_filled
),

directed as (
    select
        *,
        case
            when target_kind = 'date' then 'earlier_is_better'
            when target_kind != 'numeric' then null
            when level_2 like '%成本%' or target_operator in ('≤', '<') then 'lower_is_better'
            else 'higher_is_better'
        end as direction,
        -- comparable: both sides one number in the same unit; an actual printed without a unit is read
        -- in the target's unit (the tables often print "437.60" against "429.77万元"), and flagged
        target_kind = 'numeric'
        and actual_kind = 'numeric'
        and (actual_unit is null or target_unit is null or actual_unit = target_unit) as is_comparable,
        target_kind = 'numeric' and actual_kind = 'numeric' and actual_unit is null and target_unit is not null
            as is_actual_unit_assumed
    from parsed
),

final as (
    select
        disclosure_id,
        project_id,
        indicator_no,
        level_1,
        level_2,
        level_3,
        level_1_printed,
        level_2_printed,
        is_level_carried_down,
        target_text,
        actual_text,
        target_kind,
        target_operator,
        target_number,
        target_unit,
        target_date,
        actual_kind,
        actual_operator,
        actual_number,
        actual_unit,
        actual_date,
        direction,
        is_comparable,
        is_actual_unit_assumed,
        case
            when not is_comparable then null
            when direction = 'lower_is_better' then {{ safe_ratio('target_number', 'actual_number') }}
            else {{ safe_ratio('actual_number', 'target_number') }}
        end as completion_ratio,
        case
            when target_kind = 'date' and actual_kind = 'date' then actual_date <= target_date
        end as is_date_met,
        points,
        score,
        source_section
    from directed
)

select * from final
