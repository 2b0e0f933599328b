-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_self_evaluation_items') }}
),

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

renamed as (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as {{ text_type() }})) as disclosure_id,
        {{ text_to_integer("source.item_no") }} as item_no,
        trim(cast(source.dimension as {{ text_type() }})) as dimension,
        trim(cast(source.item_name as {{ text_type() }})) as item_name,
        trim(cast(source.points as {{ text_type() }})) as points_printed,
        trim(cast(source.score as {{ text_type() }})) as score_printed,
        {{ text_to_decimal("trim(cast(source.points as " ~ text_type() ~ "))", 10, 2) }} as points,
        {{ text_to_decimal("trim(cast(source.score as " ~ text_type() ~ "))", 10, 2) }} as score,
        trim(cast(source.criterion_text as {{ text_type() }})) as criterion_text,
        trim(cast(source.source_section as {{ text_type() }})) as source_section
    from source
),

validated as (
    select
        renamed.*,
        {{ rejection_reason([
            ("disclosures.disclosure_id is null", "'unknown disclosure_id ' || coalesce(renamed.disclosure_id, '(empty)')"),
            ("renamed.item_no is null", "'item_no is not a whole number'"),
            ("count(*) over (partition by renamed.disclosure_id, renamed.item_no) > 1", "'item_no ' || renamed.item_no || ' is listed more than once'"),
            ("renamed.points_printed is not null and renamed.points is null", "'points is not a number: ' || renamed.points_printed"),
            ("renamed.score_printed is not null and renamed.score is null", "'score is not a number: ' || renamed.score_printed"),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        item_no,
        dimension,
        item_name,
        points,
        score,
        criterion_text,
        source_section,
        rejection_reason,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
