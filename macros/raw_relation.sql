{#-
    The raw rows of one input file, with where each came from (source_file, source_line).
    By default the shipped seed; with var raw_files_dir, every `<name>*.csv` in that folder read by the
    engine as text (staging casts and validates), so bulk loads never go through `dbt seed`.
    source_line counts the header as line 1, so it is the line a steward sees in an editor.
-#}
{% macro raw_relation(raw_name) -%}
    {%- set raw_files_dir = var('raw_files_dir', '') -%}
    {%- if raw_files_dir -%}
    (
        select
            * exclude (filename),
            filename as source_file,
            row_number() over (partition by filename) + 1 as source_line
        from read_csv(
            '{{ raw_files_dir }}/{{ raw_name }}*.csv',
            header = true,
            all_varchar = true,
            filename = true,
            union_by_name = true
        )
    )
    {%- else -%}
    (
        select
            *,
            'seeds/sample/{{ raw_name }}.csv' as source_file,
            row_number() over () + 1 as source_line
        from {{ ref(raw_name) }}
    )
    {%- endif -%}
{%- endmacro %}
