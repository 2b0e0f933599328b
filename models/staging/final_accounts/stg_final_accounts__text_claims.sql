-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_text_claims') }}
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
        trim(cast(source.claim_id as {{ text_type() }})) as claim_id,
        trim(cast(source.section as {{ text_type() }})) as section,
        lower(trim(cast(source.claim_type as {{ text_type() }}))) as claim_type,
        nullif(trim(cast(source.scope as {{ text_type() }})), '') as scope,
        nullif(trim(cast(source.threshold_value as {{ text_type() }})), '') as threshold_printed,
        {{ text_to_decimal("trim(cast(source.threshold_value as " ~ text_type() ~ "))", 24, 6) }} as threshold_value,
        nullif(trim(cast(source.target_figure_id as {{ text_type() }})), '') as target_figure_id,
        nullif({{ regex_replace_all(
            'trim(cast(source.indicator_refs as ' ~ text_type() ~ '))', "'\\s*\\|\\s*'", "'|'"
        ) }}, '') as indicator_refs,
        nullif(lower(trim(cast(source.list_source as {{ text_type() }}))), '') as list_source,
        nullif(trim(cast(source.list_id as {{ text_type() }})), '') as list_id,
        coalesce({{ text_to_boolean("source.list_is_open") }}, false) as list_is_open,
        trim(cast(source.source_quote as {{ text_type() }})) as source_quote,
        trim(cast(source.transcription_note as {{ text_type() }})) as transcription_note
    from source
),

validated as (
    select
        renamed.*,
        {{ rejection_reason([
            ("disclosures.disclosure_id is null", "'unknown disclosure_id ' || coalesce(renamed.disclosure_id, '(empty)')"),
            ("renamed.claim_id is null or renamed.claim_id = ''", "'claim_id is empty'"),
            ("count(*) over (partition by renamed.disclosure_id, renamed.claim_id) > 1", "'claim_id ' || renamed.claim_id || ' is listed more than once'"),
            ("coalesce(renamed.claim_type, '') not in ('rate_at_least', 'all_completed', 'count_matches_list')", "'claim_type must be rate_at_least, all_completed or count_matches_list, not ' || coalesce(renamed.claim_type, '(empty)')"),
            ("renamed.claim_type = 'rate_at_least' and renamed.scope is null", "'rate_at_least needs a scope (a project_id or all_projects)'"),
            ("renamed.claim_type = 'rate_at_least' and renamed.threshold_value is null", "'threshold_value is not a number: ' || coalesce(renamed.threshold_printed, '(empty)')"),
            ("renamed.claim_type in ('all_completed', 'count_matches_list') and renamed.target_figure_id is null", "renamed.claim_type || ' needs a target_figure_id'"),
            ("renamed.claim_type = 'all_completed' and renamed.indicator_refs is null", "'all_completed needs indicator_refs'"),
            ("renamed.indicator_refs is not null and not " ~ regex_full_match('renamed.indicator_refs', "'[^:|]+:[0-9]+(\\|[^:|]+:[0-9]+)*'"), "'indicator_refs must be project_id:indicator_no, |-separated, not ' || renamed.indicator_refs"),
            ("renamed.claim_type = 'count_matches_list' and coalesce(renamed.list_source, '') not in ('named_units', 'projects')", "'list_source must be named_units or projects, not ' || coalesce(renamed.list_source, '(empty)')"),
            ("renamed.claim_type = 'count_matches_list' and renamed.list_source = 'named_units' and renamed.list_id is null", "'a named_units list needs its list_id'"),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        claim_id,
        section,
        claim_type,
        scope,
        threshold_value,
        target_figure_id,
        indicator_refs,
        list_source,
        list_id,
        list_is_open,
        source_quote,
        transcription_note,
        rejection_reason,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
