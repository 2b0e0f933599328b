{#-
    The raw rows of one input file, with where each came from (source_file, source_line).
    By default the shipped seed; with var raw_files_dir, every `<name>*.csv` in that folder read by the
    engine as text (staging casts and validates), so bulk loads never go through `dbt seed`.
    A bulk folder may leave out a kind of file (no claims, no projects ...): that input is then empty.
    A bulk file may leave out columns (the optional evidence columns page, bbox, printed_text, source_sha256,
    or any column a writer does not know yet): every column of the seed is there, empty where the file has none.
    It must hold raw_disclosures, or nothing it holds could be accepted.
    source_line counts the header as line 1, so it is the line a steward sees in an editor.
-#}
{% macro raw_relation(raw_name) -%}
    {%- set raw_files_dir = var('raw_files_dir', '') -%}
    {#- the seed is always a dependency: its columns give an absent bulk file its shape -#}
    {%- set seed_relation = ref(raw_name) -%}
    {%- if raw_files_dir -%}
        {%- set pattern = raw_files_dir ~ '/' ~ raw_name ~ '*.csv' -%}
        {%- set has_files = true -%}
        {%- if execute -%}
            {%- set found = run_query("select count(*) from glob('" ~ pattern ~ "')") -%}
            {%- set has_files = found.columns[0].values()[0] > 0 -%}
            {%- if not has_files and raw_name == 'raw_disclosures' -%}
                {{ exceptions.raise_compiler_error(
                    "raw_files_dir " ~ raw_files_dir ~ " holds no raw_disclosures*.csv: every raw row names a "
                    ~ "disclosure, so a bulk folder must list its disclosures"
                ) }}
            {%- endif -%}
        {%- endif -%}
        {%- if has_files -%}
    (
        select
            * exclude (filename),
            filename as source_file,
            row_number() over (partition by filename) + 1 as source_line
        from read_csv(
            '{{ pattern }}',
            header = true,
            all_varchar = true,
            filename = true,
            union_by_name = true
        )
        {%- set seed_columns = raw_seed_columns(raw_name) %}
        {%- if seed_columns %}
        union all by name
        select
            {%- for column in seed_columns %}
            cast(null as varchar) as {{ column }},
            {%- endfor %}
            cast(null as varchar) as source_file,
            cast(null as bigint) as source_line
        where false
        {%- endif %}
    )
        {%- else -%}
    (
        select
            *,
            cast(null as varchar) as source_file,
            cast(null as bigint) as source_line
        from {{ seed_relation }}
        where false
    )
        {%- endif -%}
    {%- else -%}
    (
        select
            *,
            'seeds/sample/{{ raw_name }}.csv' as source_file,
            row_number() over () + 1 as source_line
        from {{ seed_relation }}
    )
    {%- endif -%}
{%- endmacro %}

{#- The columns of a raw file, in order, as its seed declares them (seeds/sample/_sample__seeds.yml). -#}
{% macro raw_seed_columns(raw_name) -%}
    {%- set found = namespace(columns=[]) -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'seed' and node.name == raw_name -%}
                {%- set found.columns = node.config.column_types.keys() | list -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found.columns) }}
{%- endmacro %}
