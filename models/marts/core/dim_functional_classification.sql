with

codes as (
    select * from {{ ref('stg_reference__functional_codes') }}
),

aliases as (
    select
        function_code,
        {{ string_agg_sorted("alias_name", "' | '") }} as aliases
    from {{ ref('stg_reference__functional_code_aliases') }}
    group by function_code
),

final as (
    select
        codes.fiscal_year,
        codes.function_code,
        codes.function_level,
        codes.parent_code,
        left(codes.function_code, 3) as lei_code,
        case when length(codes.function_code) >= 5 then left(codes.function_code, 5) end as kuan_code,
        codes.function_name,
        aliases.aliases,
        codes.note
    from codes
    left join aliases on codes.function_code = aliases.function_code
)

select * from final
