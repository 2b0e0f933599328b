{#-
    The landed rows of one kind of raw file: every record the landing step (budget_warehouse.landing) read
    from the raw folders, all columns as text, with source_file, source_line (the physical line the record
    starts on; the header is line 1) and source_file_sha256. Staging casts and validates them.
-#}
{% macro raw_relation(raw_name) -%}
    {{ source('landing', raw_name) }}
{%- endmacro %}
