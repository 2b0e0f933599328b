-- One row per disclosure x subject x metric x unit: what the narrative states about it, and whether its
-- statements agree. A value stated twice with two values has no stated_value: the conflict is kept.
with

figures as (
    select * from {{ ref('stg_final_accounts__narrative_figures') }}
    where
        is_accepted
        -- bounds such as "均在90%以上" are claims about many values, not a statement of this one
        and coalesce(direction_word, '') not in ('以上', '以下', '以内')
),

final as (
    select
        disclosure_id,
        subject_type,
        subject_code,
        metric,
        unit,
        count(*) as statement_count,
        {{ count_distinct_values('signed_value') }} as distinct_value_count,
        -- one value stated (however often): min = max, the cheap form of "one distinct value"
        case when min(signed_value) = max(signed_value) then min(signed_value) end as stated_value,
        case when min(signed_value) = max(signed_value) then max(value_decimals) end as stated_decimals,
        {{ string_agg_distinct_sorted("value_printed", "' / '") }} as values_printed,
        {{ string_agg_sorted("figure_id", "', '") }} as figure_ids,
        {{ string_agg_distinct_sorted("section", "'; '") }} as sections
    from figures
    group by disclosure_id, subject_type, subject_code, metric, unit
)

select * from final
