with

source as (
    select * from {{ raw_relation('raw_projects') }}
),

disclosures as (
    select disclosure_id from {{ ref('stg_final_accounts__disclosures') }}
    where is_accepted
),

renamed as (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as varchar)) as disclosure_id,
        trim(cast(source.project_id as varchar)) as project_id,
        trim(cast(source.project_name as varchar)) as project_name,
        trim(cast(source.budget_amount as varchar)) as budget_amount_printed,
        trim(cast(source.executed_amount as varchar)) as executed_amount_printed,
        trim(cast(source.budget_fiscal_amount as varchar)) as budget_fiscal_amount_printed,
        trim(cast(source.executed_fiscal_amount as varchar)) as executed_fiscal_amount_printed,
        trim(cast(source.budget_other_amount as varchar)) as budget_other_amount_printed,
        trim(cast(source.executed_other_amount as varchar)) as executed_other_amount_printed,
        {{ decimal_text_value('trim(cast(source.budget_amount as varchar))') }} as budget_amount,
        {{ decimal_text_value('trim(cast(source.executed_amount as varchar))') }} as executed_amount,
        {{ decimal_text_value('trim(cast(source.budget_fiscal_amount as varchar))') }} as budget_fiscal_amount,
        {{ decimal_text_value('trim(cast(source.executed_fiscal_amount as varchar))') }} as executed_fiscal_amount,
        {{ decimal_text_value('trim(cast(source.budget_other_amount as varchar))') }} as budget_other_amount,
        {{ decimal_text_value('trim(cast(source.executed_other_amount as varchar))') }} as executed_other_amount,
        trim(cast(source.unit as varchar)) as unit,
        trim(cast(source.source_section as varchar)) as source_section
    from source
),

validated as (
    select
        renamed.*,
        {{ rejection_reason([
            ("disclosures.disclosure_id is null", "'unknown disclosure_id ' || coalesce(renamed.disclosure_id, '(empty)')"),
            ("renamed.project_id is null", "'project_id is empty'"),
            ("count(*) over (partition by renamed.disclosure_id, renamed.project_id) > 1", "'project_id ' || renamed.project_id || ' is listed more than once'"),
            ("renamed.project_name is null", "'project_name is empty'"),
            ("renamed.budget_amount_printed is not null and renamed.budget_amount is null", "'budget_amount ' || " ~ decimal_text_problem('renamed.budget_amount_printed')),
            ("renamed.executed_amount_printed is not null and renamed.executed_amount is null", "'executed_amount ' || " ~ decimal_text_problem('renamed.executed_amount_printed')),
            ("renamed.budget_fiscal_amount_printed is not null and renamed.budget_fiscal_amount is null", "'budget_fiscal_amount ' || " ~ decimal_text_problem('renamed.budget_fiscal_amount_printed')),
            ("renamed.executed_fiscal_amount_printed is not null and renamed.executed_fiscal_amount is null", "'executed_fiscal_amount ' || " ~ decimal_text_problem('renamed.executed_fiscal_amount_printed')),
            ("renamed.budget_other_amount_printed is not null and renamed.budget_other_amount is null", "'budget_other_amount ' || " ~ decimal_text_problem('renamed.budget_other_amount_printed')),
            ("renamed.executed_other_amount_printed is not null and renamed.executed_other_amount is null", "'executed_other_amount ' || " ~ decimal_text_problem('renamed.executed_other_amount_printed')),
            ("renamed.unit is null or renamed.unit not in ('万元', '元')", "'unit must be 万元 or 元, not ' || coalesce(renamed.unit, '(empty)')"),
        ]) }} as rejection_reason
    from renamed
    left join disclosures on renamed.disclosure_id = disclosures.disclosure_id
),

final as (
    select
        source_file,
        source_line,
        disclosure_id,
        project_id,
        project_name,
        unit,
        {{ to_wan_yuan('budget_amount', 'unit') }} as budget_amount,
        {{ to_wan_yuan('executed_amount', 'unit') }} as executed_amount,
        {{ to_wan_yuan('budget_fiscal_amount', 'unit') }} as budget_fiscal_amount,
        {{ to_wan_yuan('executed_fiscal_amount', 'unit') }} as executed_fiscal_amount,
        {{ to_wan_yuan('budget_other_amount', 'unit') }} as budget_other_amount,
        {{ to_wan_yuan('executed_other_amount', 'unit') }} as executed_other_amount,
        source_section,
        rejection_reason,
        rejection_reason is null as is_accepted
    from validated
)

select * from final
