-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_performance_indicators') }}
),

projects as (
    select
        disclosure_id,
        project_id
    from {{ changed_disclosures_only(ref('stg_final_accounts__projects')) }}
    where is_accepted
),

renamed as (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as {{ text_type() }})) as disclosure_id,
        trim(cast(source.project_id as {{ text_type() }})) as project_id,
        {{ text_to_integer("source.indicator_no") }} as indicator_no,
        nullif(trim(cast(source.level_1 as {{ text_type() }})), '') as level_1_printed,
        nullif(trim(cast(source.level_2 as {{ text_type() }})), '') as level_2_printed,
        nullif(trim(cast(source.level_3 as {{ text_type() }})), '') as level_3,
        trim(cast(source.target_text as {{ text_type() }})) as target_text,
        trim(cast(source.actual_text as {{ text_type() }})) as actual_text,
        trim(cast(source.points as {{ text_type() }})) as points_printed,
        trim(cast(source.score as {{ text_type() }})) as score_printed,
        {{ text_to_decimal("trim(cast(source.points as " ~ text_type() ~ "))", 10, 2) }} as points,
        {{ text_to_decimal("trim(cast(source.score as " ~ text_type() ~ "))", 10, 2) }} as score,
        trim(cast(source.source_section as {{ text_type() }})) as source_section
    from source
),

validated as (
    select
        renamed.*,
        {{ rejection_reason([
            ("projects.project_id is null", "'unknown project ' || coalesce(renamed.disclosure_id, '(empty)') || ' / ' || coalesce(renamed.project_id, '(empty)')"),
            ("renamed.indicator_no is null", "'indicator_no is not a whole number'"),
            ("count(*) over (partition by renamed.disclosure_id, renamed.project_id, renamed.indicator_no) > 1", "'indicator_no ' || renamed.indicator_no || ' is listed more than once'"),
            ("renamed.points_printed is not null and renamed.points is null", "'points is not a number: ' || renamed.points_printed"),
            ("renamed.score_printed is not null and renamed.score is null", "'score is not a number: ' || renamed.score_printed"),
        ]) }} as rejection_reason
    from renamed
    left join projects
        on
            renamed.disclosure_id = projects.disclosure_id
            and renamed.project_id = projects.project_id
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        project_id,
        indicator_no,
        level_1_printed,
        level_2_printed,
        level_3,
        target_text,
        actual_text,
        points,
        score,
        source_section,
        rejection_reason,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
