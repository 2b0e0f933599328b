-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_narrative_figures') }}
),

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

renamed as {{ materialized_cte() }} (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as {{ text_type() }})) as disclosure_id,
        trim(cast(source.figure_id as {{ text_type() }})) as figure_id,
        trim(cast(source.section as {{ text_type() }})) as section,
        trim(cast(source.subject_type as {{ text_type() }})) as subject_type,
        trim(cast(source.subject_code as {{ text_type() }})) as subject_code,
        trim(cast(source.subject_name as {{ text_type() }})) as subject_name,
        trim(cast(source.metric as {{ text_type() }})) as metric,
        trim(cast(source.value as {{ text_type() }})) as value_printed,
        {{ decimal_text_value('trim(cast(source.value as ' ~ text_type() ~ '))', integer_digits=16) }} as figure_value,
        trim(cast(source.unit as {{ text_type() }})) as unit,
        trim(cast(source.denominator as {{ text_type() }})) as denominator,
        {{ text_to_integer("source.comparison_year") }} as comparison_year,
        trim(cast(source.direction_word as {{ text_type() }})) as direction_word,
        coalesce({{ text_to_boolean("source.list_is_open") }}, false) as list_is_open,
        trim(cast(source.source_quote as {{ text_type() }})) as source_quote,
        trim(cast(source.transcription_note as {{ text_type() }})) as transcription_note,
        {{ text_to_integer("trim(cast(source.page as " ~ text_type() ~ "))") }} as page,
        trim(cast(source.page as {{ text_type() }})) as page_text,
        nullif(trim(cast(source.bbox as {{ text_type() }})), '') as bbox
    from source
),

-- a figure id printed twice in one disclosure: a join to the few repeated ids, not a window over every row
-- (the window was half of this model's time)
repeated_figure_ids as (
    select
        disclosure_id,
        figure_id
    from renamed
    group by disclosure_id, figure_id
    having count(*) > 1
),

validated as (
    select
        renamed.*,
        -- the number of decimals printed: a stated share is compared at that precision
        cast(coalesce(length({{ regex_extract("renamed.value_printed", "'\\.([0-9]+)$'", 1) }}), 0) as bigint)
            as value_decimals,
        {{ rejection_reason([
            ("disclosures.disclosure_id is null", "'unknown disclosure_id ' || coalesce(renamed.disclosure_id, '(empty)')"),
            ("renamed.figure_id is null", "'figure_id is empty'"),
            ("repeated.figure_id is not null", "'figure_id ' || renamed.figure_id || ' is used more than once'"),
            ("coalesce(renamed.subject_type, '') not in ('total', 'function', 'economic', 'three_public', 'project', 'item', 'count')", "'unknown subject_type ' || coalesce(renamed.subject_type, '(empty)')"),
            ("renamed.subject_code is null", "'subject_code is empty'"),
            ("coalesce(renamed.metric, '') not in ('amount', 'share_pct', 'change_amount', 'change_pct', 'completion_pct', 'count', 'ratio', 'score', 'points')", "'unknown metric ' || coalesce(renamed.metric, '(empty)')"),
            ("renamed.figure_value is null", "'value ' || coalesce(" ~ decimal_text_problem('renamed.value_printed', integer_digits=16) ~ ", 'is empty')"),
            evidence_rejection('renamed'),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
    -- as the window's partitions did, rows without a disclosure id are one group
    left join repeated_figure_ids as repeated
        on
            renamed.disclosure_id is not distinct from repeated.disclosure_id
            and renamed.figure_id = repeated.figure_id
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        figure_id,
        section,
        subject_type,
        subject_code,
        subject_name,
        metric,
        value_printed,
        figure_value,
        unit,
        denominator,
        comparison_year,
        direction_word,
        list_is_open,
        source_quote,
        transcription_note,
        page,
        page_text,
        bbox,
        value_decimals,
        case when unit in ('万元', '元', '亿元') then {{ to_wan_yuan('figure_value', 'unit') }} end as value_wan_yuan,
        -- changes are printed as a magnitude and a word (减少 7.20 万元, 下降 100%): give them a sign
        case
            when metric in ('change_amount', 'change_pct') and direction_word in ('减少', '下降', '降低')
                then -abs(figure_value)
            else figure_value
        end as signed_value,
        rejection_reason,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
