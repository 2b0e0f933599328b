{#- Two rows state the same narrative subject (int_narrative_figures_agreed's grain) when the disclosure, the
    subject's type and code, the metric and the unit agree, a missing one agreeing with a missing one. -#}
{% macro same_narrative_subject(left, right) -%}
    {{ left }}.disclosure_id = {{ right }}.disclosure_id
    and {{ left }}.subject_type is not distinct from {{ right }}.subject_type
    and {{ left }}.subject_code is not distinct from {{ right }}.subject_code
    and {{ left }}.metric is not distinct from {{ right }}.metric
    and {{ left }}.unit is not distinct from {{ right }}.unit
{%- endmacro %}
