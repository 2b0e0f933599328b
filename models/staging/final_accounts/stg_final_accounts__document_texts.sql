-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_document_texts') }}
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
        trim(cast(source.text_id as {{ text_type() }})) as text_id,
        trim(cast(source.text_kind as {{ text_type() }})) as text_kind,
        trim(cast(source.section as {{ text_type() }})) as section,
        {{ text_to_integer("trim(cast(source.page as " ~ text_type() ~ "))") }} as page,
        trim(cast(source.page as {{ text_type() }})) as page_text,
        nullif(trim(cast(source.bbox as {{ text_type() }})), '') as bbox,
        cast(source.text_printed as {{ text_type() }}) as text_printed
    from source
),

validated as (
    select
        renamed.*,
        {{ rejection_reason([
            ("disclosures.disclosure_id is null", "'unknown disclosure_id ' || coalesce(renamed.disclosure_id, '(empty)')"),
            ("renamed.text_id is null", "'text_id is empty'"),
            ("count(*) over (partition by renamed.disclosure_id, renamed.text_id) > 1", "'text_id ' || renamed.text_id || ' is used more than once'"),
            ("coalesce(renamed.text_kind, '') not in ('title', 'heading', 'table_title', 'table_header', 'sentence')", "'unknown text_kind ' || coalesce(renamed.text_kind, '(empty)')"),
            ("coalesce(renamed.text_printed, '') = ''", "'text is empty'"),
            evidence_rejection('renamed'),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
),

final as (
    select
        *,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
