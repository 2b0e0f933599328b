{#-
    Text compares byte by byte on DuckDB; the models rely on it (codes and ids compared with < and >, min / max
    of names, sorted lists). On PostgreSQL that holds only in a database with the C collation: refuse any other
    before building (on-run-start), rather than give other answers.
-#}
{% macro check_text_collation() -%}
    {{ return(adapter.dispatch('check_text_collation', 'budget_warehouse')()) }}
{%- endmacro %}

{#- Tried, not read from the catalogue: an ICU database reports a libc collation name beside its ICU locale. -#}
{% macro default__check_text_collation() -%}
    {%- if execute -%}
        {%- set row = run_query(
            "select 'B' < 'a' and 'Z' < '_' and 'a1' < 'a_' and '~' < '一' as is_byte_order, "
            ~ "(select datcollate from pg_database where datname = current_database()) as collation"
        ).rows[0] -%}
        {%- if not row[0] -%}
            {{ exceptions.raise_compiler_error(
                "database " ~ target.database ~ " does not collate text byte by byte (" ~ row[1] ~ "): the models "
                ~ "need the C collation, as DuckDB compares text. Create it with: "
                ~ "createdb --locale=C --encoding=UTF8 --template=template0 " ~ target.database
            ) }}
        {%- endif -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- DuckDB compares text byte by byte. -#}
{% macro duckdb__check_text_collation() -%}
    select 1
{%- endmacro %}

{#- Spark compares strings by their UTF-8 bytes. -#}
{% macro spark__check_text_collation() -%}
    select 1
{%- endmacro %}
