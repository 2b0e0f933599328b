-- Every raw record that was not loaded, with where it is and why: nothing is dropped silently.
-- The landing step rejects what breaks a file's structure; staging rejects what breaks the contract's values.
with

landing_rejections as (
    select
        raw_file_name,
        source_file,
        source_line,
        nullif(disclosure_id, '') as disclosure_id,
        'landing' as rejected_at,
        reason as rejection_reason,
        raw_text
    from {{ source('landing', 'lines_not_loaded') }}
    where line_kind = 'rejected'
),

staging_rejections as (
    {%- for raw_name, staging_model in raw_files().items() %}
        select
            '{{ raw_name }}' as raw_file_name,
            cast(source_file as {{ text_type() }}) as source_file,
            cast(source_line as bigint) as source_line,
            disclosure_id,
            'staging' as rejected_at,
            rejection_reason,
            cast(null as {{ text_type() }}) as raw_text
        from {{ ref(staging_model) }}
        where not is_accepted
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select * from landing_rejections
    union all
    select * from staging_rejections
)

select * from final
