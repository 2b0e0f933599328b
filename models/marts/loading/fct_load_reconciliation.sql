-- Counts per raw file: every raw row is accepted or rejected, none is lost.
with

{% for raw_name, staging_model in raw_files().items() %}
    {{ raw_name }}_counts as (
        select
            '{{ raw_name }}' as raw_file_name,
            (select count(*) from {{ raw_relation(raw_name) }}) as raw_rows,
            count(*) filter (where is_accepted) as accepted_rows,
            count(*) filter (where not is_accepted) as rejected_rows
        from {{ ref(staging_model) }}
    ),
{% endfor %}

all_files as (
    {%- for raw_name in raw_files() %}
        select * from {{ raw_name }}_counts
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        raw_file_name,
        cast(raw_rows as bigint) as raw_rows,
        cast(accepted_rows as bigint) as accepted_rows,
        cast(rejected_rows as bigint) as rejected_rows,
        raw_rows = accepted_rows + rejected_rows as is_reconciled
    from all_files
)

select * from final
