{#- Every raw input file and the staging model that validates it. -#}
{% macro raw_files() -%}
    {{ return({
        'raw_disclosures': 'stg_final_accounts__disclosures',
        'raw_function_lines': 'stg_final_accounts__function_lines',
        'raw_code_definitions': 'stg_final_accounts__code_definitions',
        'raw_economic_lines': 'stg_final_accounts__economic_lines',
        'raw_three_public_expenses': 'stg_final_accounts__three_public_expenses',
        'raw_narrative_figures': 'stg_final_accounts__narrative_figures',
        'raw_projects': 'stg_final_accounts__projects',
        'raw_performance_indicators': 'stg_final_accounts__performance_indicators',
        'raw_self_evaluation_items': 'stg_final_accounts__self_evaluation_items',
        'raw_named_units': 'stg_final_accounts__named_units',
        'raw_stated_calculations': 'stg_final_accounts__stated_calculations',
        'raw_text_claims': 'stg_final_accounts__text_claims',
        'raw_summary_lines': 'stg_final_accounts__summary_lines',
        'raw_table_totals': 'stg_final_accounts__table_totals',
        'raw_printed_tables': 'stg_final_accounts__printed_tables',
        'raw_document_texts': 'stg_final_accounts__document_texts',
    }) }}
{%- endmacro %}
