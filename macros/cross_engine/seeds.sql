{#-
    Seeds on Spark. The seeds' column_types name DuckDB / PostgreSQL types (varchar): on Spark they are
    translated (spark_seed_type). The rows are written as literals here rather than bound: dbt-spark's session
    binding turns decimals into floats and does not escape a quote, and the stewards' notes hold apostrophes
    ("last year's"). A text holding ' is written in double quotes, which Spark also reads as a string.
-#}
{% macro spark_seed_type(type_name) -%}
    {%- set name = type_name | string | trim -%}
    {%- if name | lower in ('varchar', 'text') -%}string{%- else -%}{{ name }}{%- endif -%}
{%- endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        {%- set text = value | string -%}
        {%- if "'" not in text and '\\' not in text -%}
            '{{ text }}'
        {%- elif '"' not in text and '\\' not in text -%}
            "{{ text }}"
        {%- else -%}
            {{ exceptions.raise_compiler_error("a seed value Spark cannot take as a literal: " ~ text) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) -%}
    {%- set column_types = model['config'].get('column_types', {}) -%}
    {%- set quote_columns = model['config'].get('quote_columns', none) -%}
    {%- set sql -%}
        create table {{ this.render() }} (
        {%- for name in agate_table.column_names %}
            {{ adapter.quote_seed_column(name | string, quote_columns) }}
            {{ spark_seed_type(column_types.get(name, adapter.convert_type(agate_table, loop.index0))) }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
        )
        using parquet
    {%- endset -%}
    {%- call statement('_') -%}{{ sql }}{%- endcall -%}
    {{ return(sql) }}
{%- endmacro %}

{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_types = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for name in agate_table.column_names -%}
        {%- do types.append(spark_seed_type(column_types.get(name, adapter.convert_type(agate_table, loop.index0)))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {%- for row in chunk %}
            ({%- for type in types -%}
                cast({{ spark_seed_literal(row[loop.index0]) }} as {{ type }}){% if not loop.last %}, {% endif %}
            {%- endfor -%}){% if not loop.last %},{% endif %}
            {%- endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{%- endmacro %}
