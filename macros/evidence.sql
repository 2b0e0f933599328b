{#-
    Where on the page a value stands (docs/raw_contract.md, "Evidence columns"): the PDF page, the cell's box
    and the cell exactly as printed. Optional: a file without them leaves them empty.
-#}
{% macro evidence_columns(relation) -%}
    {{ text_to_integer('cast(' ~ relation ~ '.page as ' ~ text_type() ~ ')') }} as page,
    trim(cast({{ relation }}.page as {{ text_type() }})) as page_text,
    nullif(trim(cast({{ relation }}.bbox as {{ text_type() }})), '') as bbox,
    nullif(cast({{ relation }}.printed_text as {{ text_type() }}), '') as printed_text
{%- endmacro %}

{#- The rejection check of the evidence columns: a page that is given must be a whole number. -#}
{% macro evidence_rejection(relation) -%}
    {{ return((
        relation ~ ".page is null and coalesce(" ~ relation ~ ".page_text, '') != ''",
        "'page is not a whole number: ' || " ~ relation ~ ".page_text",
    )) }}
{%- endmacro %}
