-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

lines as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__function_lines')) }}
    where is_accepted
),

disclosures as (
    select
        disclosure_id,
        fiscal_year
    from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

reference_codes as (
    select * from {{ ref('stg_reference__functional_codes') }}
),

aliases as (
    select * from {{ ref('stg_reference__functional_code_aliases') }}
),

named as (
    select
        lines.*,
        disclosures.fiscal_year,
        reference_codes.function_name as reference_name,
        reference_codes.function_code is not null as is_in_reference,
        exists(
            select 1
            from aliases
            where
                aliases.function_code = lines.function_code
                and aliases.alias_name = lines.function_name_printed
        ) as is_known_alias
    from lines
    inner join disclosures on lines.disclosure_id = disclosures.disclosure_id
    left join reference_codes
        on
            lines.function_code = reference_codes.function_code
            and disclosures.fiscal_year = reference_codes.fiscal_year
),

final as (
    select
        *,
        -- a printed name that differs from the reference is flagged, never overwritten
        case
            when not is_in_reference then 'code_not_in_reference'
            when function_name_printed is null then 'not_printed'
            when function_name_printed = reference_name then 'match'
            when is_known_alias then 'alias'
            else 'mismatch'
        end as name_match_status
    from named
)

select * from final
