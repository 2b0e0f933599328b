with

source as (
    select * from {{ raw_relation('raw_disclosures') }}
),

renamed as (
    select
        source_file,
        source_line,
        trim(cast(disclosure_id as {{ text_type() }})) as disclosure_id,
        trim(cast(department_name as {{ text_type() }})) as department_name,
        trim(cast(region as {{ text_type() }})) as region,
        {{ text_to_integer("fiscal_year") }} as fiscal_year,
        trim(cast(amount_unit as {{ text_type() }})) as amount_unit,
        {{ text_to_date("trim(cast(published_on as " ~ text_type() ~ "))") }} as published_on,
        trim(cast(source_document as {{ text_type() }})) as source_document,
        trim(cast(note as {{ text_type() }})) as note,
        lower(nullif(trim(cast(source_sha256 as {{ text_type() }})), '')) as source_sha256,
        cast(fiscal_year as {{ text_type() }}) as fiscal_year_text,
        trim(cast(published_on as {{ text_type() }})) as published_on_text
    from source
),

validated as (
    select
        source_file,
        source_line,
        disclosure_id,
        department_name,
        region,
        fiscal_year,
        amount_unit,
        published_on,
        source_document,
        note,
        source_sha256,
        {{ rejection_reason([
            ("disclosure_id is null or disclosure_id = ''", "'disclosure_id is empty'"),
            ("count(*) over (partition by disclosure_id) > 1", "'disclosure_id is listed more than once'"),
            ("department_name is null", "'department_name is empty'"),
            ("fiscal_year is null", "'fiscal_year is not a year: ' || coalesce(fiscal_year_text, '(empty)')"),
            ("published_on_text is not null and published_on is null", "'published_on is not a date (YYYY-MM-DD): ' || published_on_text"),
            ("amount_unit is null or amount_unit not in ('万元', '元')", "'amount_unit must be 万元 or 元, not ' || coalesce(amount_unit, '(empty)')"),
            ("source_sha256 is not null and not " ~ regex_full_match('source_sha256', "'[0-9a-f]{64}'"), "'source_sha256 must be 64 hex digits, not ' || source_sha256"),
        ]) }} as rejection_reason
    from renamed
),

final as (
    select
        *,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
