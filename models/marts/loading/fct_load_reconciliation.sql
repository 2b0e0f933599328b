-- Counts per raw file, twice: the file's lines (from its bytes and as the parser read them) and its records
-- (landed or rejected by the landing step, then accepted or rejected by staging). Nothing is lost.
with

files as (
    select * from {{ source('landing', 'landed_files') }}
),

{% for raw_name, staging_model in raw_files().items() %}
    {{ raw_name }}_staged as (
        select
            source_file,
            count(*) filter (where is_accepted) as accepted_rows,
            count(*) filter (where not is_accepted) as rejected_rows
        from {{ ref(staging_model) }}
        group by source_file
    ),
{% endfor %}

staged as (
    {%- for raw_name in raw_files() %}
        select * from {{ raw_name }}_staged
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

counted as (
    select
        files.raw_file_name,
        files.source_file,
        files.source_sha256,
        files.encoding,
        files.file_problem,
        files.physical_lines,
        files.parsed_lines,
        files.header_lines,
        files.blank_lines,
        files.title_lines,
        files.landed_records,
        files.rejected_records as rejected_at_landing,
        coalesce(staged.rejected_rows, 0) as rejected_at_staging,
        coalesce(staged.accepted_rows, 0) + coalesce(staged.rejected_rows, 0) as staged_rows,
        files.landed_records + files.rejected_records as raw_rows,
        coalesce(staged.accepted_rows, 0) as accepted_rows,
        files.rejected_records + coalesce(staged.rejected_rows, 0) as rejected_rows
    from files
    left join staged on files.source_file = staged.source_file
),

final as (
    select
        raw_file_name,
        source_file,
        source_sha256,
        encoding,
        file_problem,
        cast(physical_lines as bigint) as physical_lines,
        cast(parsed_lines as bigint) as parsed_lines,
        cast(header_lines as bigint) as header_lines,
        cast(blank_lines as bigint) as blank_lines,
        cast(title_lines as bigint) as title_lines,
        cast(raw_rows as bigint) as raw_rows,
        cast(accepted_rows as bigint) as accepted_rows,
        cast(rejected_rows as bigint) as rejected_rows,
        cast(rejected_at_landing as bigint) as rejected_at_landing,
        cast(rejected_at_staging as bigint) as rejected_at_staging,
        coalesce(
            raw_file_name is not null
            and physical_lines = parsed_lines
            and landed_records = staged_rows
            and raw_rows = accepted_rows + rejected_rows,
            false
        ) as is_reconciled
    from counted
)

select * from final
