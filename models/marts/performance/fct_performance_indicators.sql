-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

indicators as (
    select * from {{ changed_disclosures_only(ref('int_performance_indicators_parsed')) }}
),

projects as (
    select
        disclosure_id,
        project_id,
        project_name
    from {{ changed_disclosures_only(ref('stg_final_accounts__projects')) }}
    where is_accepted
),

final as (
    select
        indicators.disclosure_id,
        indicators.project_id,
        projects.project_name,
        indicators.indicator_no,
        indicators.level_1,
        indicators.level_2,
        indicators.level_3,
        indicators.is_level_carried_down,
        indicators.target_text,
        indicators.actual_text,
        indicators.target_kind,
        indicators.target_operator,
        indicators.target_number,
        indicators.target_unit,
        indicators.target_date,
        indicators.actual_kind,
        indicators.actual_operator,
        indicators.actual_number,
        indicators.actual_unit,
        indicators.actual_date,
        indicators.direction,
        indicators.is_comparable,
        indicators.is_actual_unit_assumed,
        indicators.completion_ratio,
        indicators.is_date_met,
        indicators.points,
        indicators.score,
        indicators.source_section
    from indicators
    inner join projects
        on
            indicators.disclosure_id = projects.disclosure_id
            and indicators.project_id = projects.project_id
)

select * from final
