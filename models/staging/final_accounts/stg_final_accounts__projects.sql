-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

source as (
    select * from {{ changed_raw_rows('raw_projects') }}
),

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

renamed as (
    select
        source.source_file,
        source.source_line,
        trim(cast(source.disclosure_id as {{ text_type() }})) as disclosure_id,
        trim(cast(source.project_id as {{ text_type() }})) as project_id,
        trim(cast(source.project_name as {{ text_type() }})) as project_name,
        {{ amount_columns('source.budget_amount', 'budget_amount') }},
        {{ amount_columns('source.executed_amount', 'executed_amount') }},
        {{ amount_columns('source.budget_fiscal_amount', 'budget_fiscal_amount') }},
        {{ amount_columns('source.executed_fiscal_amount', 'executed_fiscal_amount') }},
        {{ amount_columns('source.budget_other_amount', 'budget_other_amount') }},
        {{ amount_columns('source.executed_other_amount', 'executed_other_amount') }},
        trim(cast(source.unit as {{ text_type() }})) as unit,
        trim(cast(source.source_section as {{ text_type() }})) as source_section
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
            amount_rejection('renamed', 'budget_amount', required=false),
            amount_rejection('renamed', 'executed_amount', required=false),
            amount_rejection('renamed', 'budget_fiscal_amount', required=false),
            amount_rejection('renamed', 'executed_fiscal_amount', required=false),
            amount_rejection('renamed', 'budget_other_amount', required=false),
            amount_rejection('renamed', 'executed_other_amount', required=false),
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
