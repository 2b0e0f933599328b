-- Every raw row that breaks the input contract, with where it is and why: nothing is dropped silently.
with

all_rejected as (
    {%- for raw_name, staging_model in raw_files().items() %}
        select
            '{{ raw_name }}' as raw_file_name,
            cast(source_file as varchar) as source_file,
            cast(source_line as bigint) as source_line,
            disclosure_id,
            rejection_reason
        from {{ ref(staging_model) }}
        where not is_accepted
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select * from all_rejected
)

select * from final
