-- Every accepted disclosure reaches every mart its accepted inputs feed: a disclosure whose rows were all
-- lost between staging and the marts shows here with mart_rows = 0.
with

disclosures as (
    select disclosure_id from {{ ref('stg_final_accounts__disclosures') }}
    where is_accepted
),

{%- set marts_and_inputs = [
    ('dim_disclosure', 'stg_final_accounts__disclosures'),
    ('fct_identity_checks', 'stg_final_accounts__disclosures'),
    ('fct_disclosure_quality', 'stg_final_accounts__disclosures'),
    ('fct_rule_family_coverage', 'stg_final_accounts__disclosures'),
    ('fct_expenditure_by_function', 'stg_final_accounts__function_lines'),
    ('fct_basic_expenditure_by_economic_class', 'stg_final_accounts__economic_lines'),
    ('fct_three_public_expenses', 'stg_final_accounts__three_public_expenses'),
    ('fct_project_execution', 'stg_final_accounts__projects'),
    ('fct_performance_indicators', 'stg_final_accounts__performance_indicators'),
] %}

inputs as (
    {%- for mart, input_model in marts_and_inputs %}
        select
            '{{ mart }}' as mart_name,
            disclosure_id,
            count(*) as input_rows
        from {{ ref(input_model) }}
        where is_accepted
        group by disclosure_id
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

outputs as (
    {%- for mart, input_model in marts_and_inputs %}
        select
            '{{ mart }}' as mart_name,
            disclosure_id,
            count(*) as mart_rows
        from {{ ref(mart) }}
        group by disclosure_id
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        inputs.mart_name,
        inputs.disclosure_id,
        cast(inputs.input_rows as bigint) as input_rows,
        cast(coalesce(outputs.mart_rows, 0) as bigint) as mart_rows,
        coalesce(outputs.mart_rows, 0) > 0 as is_covered
    from inputs
    inner join disclosures on inputs.disclosure_id = disclosures.disclosure_id
    left join outputs
        on
            inputs.mart_name = outputs.mart_name
            and inputs.disclosure_id = outputs.disclosure_id
)

select * from final
