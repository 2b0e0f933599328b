-- One row per disclosure x subject x metric x unit: what the narrative states about it, and whether its
-- statements agree. A value stated twice with two values has no stated_value: the conflict is kept.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

figures as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where
        is_accepted
        -- bounds such as "均在90%以上" are claims about many values, not a statement of this one
        and coalesce(direction_word, '') not in ('以上', '以下', '以内')
),

-- Most subjects are stated once (3.7 M of 4.6 M statements at 10,000 disclosures). Gathering the values,
-- ids and sections of each into lists was most of this model, so a subject stated once is taken as it is
-- and only the others are gathered.
statement_counts as {{ materialized_cte() }} (
    select
        disclosure_id,
        subject_type,
        subject_code,
        metric,
        unit,
        count(*) as statement_count
    from figures
    group by disclosure_id, subject_type, subject_code, metric, unit
),

counted as {{ materialized_cte() }} (
    select
        figures.*,
        statement_counts.statement_count
    from figures
    inner join statement_counts
        on {{ same_narrative_subject('figures', 'statement_counts') }}
),

-- what the aggregates below give for a single statement
stated_once as (
    select
        disclosure_id,
        subject_type,
        subject_code,
        metric,
        unit,
        statement_count,
        case when signed_value is null then 0 else 1 end as distinct_value_count,
        signed_value as stated_value,
        case when signed_value is not null then value_decimals end as stated_decimals,
        value_printed as values_printed,
        figure_id as figure_ids,
        section as sections
    from counted
    where statement_count = 1
),

stated_more_than_once as (
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
    from counted
    where statement_count > 1
    group by disclosure_id, subject_type, subject_code, metric, unit
),

final as (
    select * from stated_once
    union all
    select * from stated_more_than_once
)

select * from final
