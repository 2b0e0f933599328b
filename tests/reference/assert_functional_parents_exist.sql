-- Every 款 and 项 of the functional reference has its parent in the same fiscal year.
with

codes as (
    select * from {{ ref('stg_reference__functional_codes') }}
)

select child.*
from codes as child
left join codes as parent
    on
        child.parent_code = parent.function_code
        and child.fiscal_year = parent.fiscal_year
where child.parent_code is not null and parent.function_code is null
