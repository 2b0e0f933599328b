-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

{%- set measures = {
    'budget_full_year': 'budget',
    'actual_total': 'actual',
    'basic': 'basic',
    'project': 'project',
} -%}

with

amounts as (
    select * from {{ changed_disclosures_only(ref('int_function_amounts_rolled_up')) }}
),

lines as (
    select * from {{ changed_disclosures_only(ref('int_function_lines_named')) }}
),

reference_codes as (
    select * from {{ ref('stg_reference__functional_codes') }}
),

printed_names as (
    select
        disclosure_id,
        fund_type,
        function_code,
        {{ string_agg_distinct_sorted("function_name_printed", "' / '") }} as function_name_printed,
        -- the worst status across the lines that print this code
        case
            when bool_or(name_match_status = 'mismatch') then 'mismatch'
            when bool_or(name_match_status = 'code_not_in_reference') then 'code_not_in_reference'
            when bool_or(name_match_status = 'alias') then 'alias'
            when bool_or(name_match_status = 'match') then 'match'
            else 'not_printed'
        end as name_match_status
    from lines
    group by disclosure_id, fund_type, function_code
),

pivoted as (
    select
        disclosure_id,
        fiscal_year,
        fund_type,
        function_code,
        min(function_level) as function_level,
        min(parent_code) as parent_code,
        {%- for measure, column in measures.items() %}
            cast(max(case when measure = '{{ measure }}' then amount end) as {{ money_type() }}) as {{ column }}_amount,
            cast(max(case when measure = '{{ measure }}' then stated_amount end) as {{ money_type() }})
                as stated_{{ column }}_amount,
            cast(max(case when measure = '{{ measure }}' then rolled_up_amount end) as {{ money_type() }})
                as rolled_up_{{ column }}_amount,
        {%- endfor %}
        bool_or(has_conflicting_statements) as has_conflicting_statements,
        {{ string_agg_distinct_sorted("source_sections", "'; '") }} as source_sections
    from amounts
    group by disclosure_id, fiscal_year, fund_type, function_code
),

final as (
    select
        pivoted.disclosure_id,
        pivoted.fiscal_year,
        pivoted.fund_type,
        pivoted.function_code,
        pivoted.function_level,
        pivoted.parent_code,
        left(pivoted.function_code, 3) as lei_code,
        case when length(pivoted.function_code) >= 5 then left(pivoted.function_code, 5) end as kuan_code,
        reference_codes.function_name,
        printed_names.function_name_printed,
        coalesce(
            printed_names.name_match_status,
            case when reference_codes.function_code is null then 'code_not_in_reference' else 'not_printed' end
        ) as name_match_status,
        {%- for column in measures.values() %}
            pivoted.{{ column }}_amount,
            pivoted.stated_{{ column }}_amount,
            pivoted.rolled_up_{{ column }}_amount,
        {%- endfor %}
        pivoted.has_conflicting_statements,
        pivoted.source_sections
    from pivoted
    left join reference_codes
        on
            pivoted.function_code = reference_codes.function_code
            and pivoted.fiscal_year = reference_codes.fiscal_year
    left join printed_names
        on
            pivoted.disclosure_id = printed_names.disclosure_id
            and pivoted.fund_type = printed_names.fund_type
            and pivoted.function_code = printed_names.function_code
)

select * from final
