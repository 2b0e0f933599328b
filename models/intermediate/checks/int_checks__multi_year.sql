-- MY-01: last year's 年末结转和结余 is this year's 年初结转和结余; MY-02: a prior-year amount implied by a stated
-- change (current - change) equals the previous year's disclosure. The previous year's disclosure is the one of
-- the same department_name and region for fiscal_year - 1. Carry-overs are read from the narrative totals
-- (subjects carry_forward_begin / carry_forward_end) and from the fund tables (measures carry_forward_begin /
-- carry_forward_end per fund and code); prior-year amounts from the previous disclosure's narrative.
-- Incremental, never sliced: a disclosure's rows read its department's other years, all of them in the changed
-- set when one is (int_disclosures_changed), not all in one slice.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}
with

disclosures as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures'), sliced=false) }}
    where is_accepted
),

figures as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures'), sliced=false) }}
    where is_accepted
),

agreed_figures as (
    select * from {{ changed_disclosures_only(ref('int_narrative_figures_agreed'), sliced=false) }}
),

function_lines as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__function_lines'), sliced=false) }}
    where is_accepted
),

year_pairs as (
    select
        current_year.disclosure_id,
        current_year.department_name,
        current_year.fiscal_year,
        previous_year.disclosure_id as previous_disclosure_id
    from disclosures as current_year
    left join disclosures as previous_year
        on
            current_year.department_name = previous_year.department_name
            and current_year.region is not distinct from previous_year.region
            and current_year.fiscal_year - 1 = previous_year.fiscal_year
),

-- one amount in 万元 per disclosure x subject, when every statement agrees
stated_amounts as (
    select
        disclosure_id,
        subject_type,
        subject_code,
        min({{ to_wan_yuan('stated_value', 'unit') }}) as amount_wan_yuan,
        count(*) filter (where stated_value is null) as conflicting_count,
        {{ string_agg_sorted('figure_ids', "', '") }} as figure_ids,
        {{ string_agg_sorted('sections', "'; '") }} as sections
    from agreed_figures
    where metric = 'amount' and unit in ('万元', '元', '亿元')
    group by disclosure_id, subject_type, subject_code
),

-- MY-01: carry-overs, narrative totals and fund-table lines
carry_overs as (
    select
        disclosure_id,
        'total' as carry_scope,
        subject_code as carry_measure,
        amount_wan_yuan,
        sections as source_sections
    from stated_amounts
    where subject_code in ('carry_forward_begin', 'carry_forward_end') and conflicting_count = 0
    union all
    select
        disclosure_id,
        fund_type || ':' || function_code as carry_scope,
        measure as carry_measure,
        sum(amount_wan_yuan) as amount_wan_yuan,
        {{ string_agg_distinct_sorted("source_section", "'; '") }} as source_sections
    from function_lines
    where measure in ('carry_forward_begin', 'carry_forward_end')
    group by disclosure_id, fund_type, function_code, measure
),

carry_pairs as (
    select
        year_pairs.disclosure_id,
        year_pairs.previous_disclosure_id,
        opening.carry_scope,
        opening.amount_wan_yuan as opening_amount,
        closing.amount_wan_yuan as closing_amount,
        concat_ws('; ', opening.source_sections, closing.source_sections) as source_sections
    from year_pairs
    inner join carry_overs as opening
        on
            year_pairs.disclosure_id = opening.disclosure_id
            and opening.carry_measure = 'carry_forward_begin'
    left join carry_overs as closing
        on
            year_pairs.previous_disclosure_id = closing.disclosure_id
            and opening.carry_scope = closing.carry_scope
            and closing.carry_measure = 'carry_forward_end'
    where year_pairs.previous_disclosure_id is not null
),

my_01_pairs as (
    select
        disclosure_id,
        'MY-01' as rule_id,
        previous_disclosure_id || ':' || carry_scope as subject,
        case
            when carry_scope = 'total' then '年初结转和结余'
            else '年初结转和结余 ' || carry_scope
        end as subject_name,
        cast(opening_amount as decimal(38, 10)) as provided_value,
        cast(closing_amount as decimal(38, 10)) as expected_value,
        {{ rounding_envelope(2) }} as tolerance,
        '万元' as unit,
        case when opening_amount is null or closing_amount is null then 'insufficient_data' end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when closing_amount is null then '上年公开（' || previous_disclosure_id || '）未列示对应的年末结转和结余'
            else '上年公开（' || previous_disclosure_id || '）年末结转和结余 ' || {{ format_number('closing_amount') }} || ' 万元'
        end as note_zh,
        case
            when closing_amount is null
                then 'the previous disclosure (' || previous_disclosure_id || ') states no matching closing carry-over'
            else
                'closing carry-over of the previous disclosure (' || previous_disclosure_id || '): '
                || {{ format_number('closing_amount') }} || ' 万元'
        end as note_en,
        source_sections
    from carry_pairs
),

-- MY-02: prior-year amounts implied by stated changes
stated_changes as (
    select
        figures.disclosure_id,
        figures.figure_id,
        figures.subject_type,
        figures.subject_code,
        figures.subject_name,
        figures.section,
        {{ to_wan_yuan('figures.signed_value', 'figures.unit') }} as change_wan_yuan,
        figures.comparison_year
    from figures
    where figures.metric = 'change_amount' and figures.unit in ('万元', '元', '亿元')
),

implied_prior as (
    select
        stated_changes.*,
        year_pairs.previous_disclosure_id,
        year_pairs.fiscal_year,
        current_amounts.amount_wan_yuan as current_amount,
        current_amounts.amount_wan_yuan - stated_changes.change_wan_yuan as implied_prior_amount,
        previous_amounts.amount_wan_yuan as previous_amount,
        previous_amounts.sections as previous_sections
    from stated_changes
    inner join year_pairs on stated_changes.disclosure_id = year_pairs.disclosure_id
    left join stated_amounts as current_amounts
        on
            stated_changes.disclosure_id = current_amounts.disclosure_id
            and stated_changes.subject_type = current_amounts.subject_type
            and stated_changes.subject_code = current_amounts.subject_code
            and current_amounts.conflicting_count = 0
    left join stated_amounts as previous_amounts
        on
            year_pairs.previous_disclosure_id = previous_amounts.disclosure_id
            and stated_changes.subject_type = previous_amounts.subject_type
            and stated_changes.subject_code = previous_amounts.subject_code
            and previous_amounts.conflicting_count = 0
    where
        year_pairs.previous_disclosure_id is not null
        and coalesce(stated_changes.comparison_year, year_pairs.fiscal_year - 1) = year_pairs.fiscal_year - 1
),

my_02_pairs as (
    select
        disclosure_id,
        'MY-02' as rule_id,
        subject_type || ':' || subject_code || ':' || figure_id as subject,
        subject_name,
        cast(implied_prior_amount as decimal(38, 10)) as provided_value,
        cast(previous_amount as decimal(38, 10)) as expected_value,
        {{ rounding_envelope(2) }} as tolerance,
        '万元' as unit,
        case when implied_prior_amount is null or previous_amount is null then 'insufficient_data' end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when current_amount is null then '本年公开未列示该项的本年金额（或前后不一致），无法推算上年数'
            when previous_amount is null then '上年公开（' || previous_disclosure_id || '）未列示该项金额（或前后不一致）'
            else
                '本年 ' || {{ format_number('current_amount') }} || ' 万元 − 增减 '
                || {{ format_number('change_wan_yuan') }} || ' 万元 = 上年 '
                || {{ format_number('implied_prior_amount') }} || ' 万元；上年公开（' || previous_disclosure_id
                || '）列示 ' || {{ format_number('previous_amount') }} || ' 万元'
        end as note_zh,
        case
            when current_amount is null
                then 'no (consistent) current-year amount of the subject: the prior-year amount cannot be implied'
            when previous_amount is null
                then
                    'the previous disclosure ('
                    || previous_disclosure_id
                    || ') states no (consistent) amount of the subject'
            else
                'current ' || {{ format_number('current_amount') }} || ' − change '
                || {{ format_number('change_wan_yuan') }} || ' = ' || {{ format_number('implied_prior_amount') }}
                || ' 万元; the previous disclosure (' || previous_disclosure_id || ') states '
                || {{ format_number('previous_amount') }} || ' 万元'
        end as note_en,
        concat_ws('; ', section, previous_sections) as source_sections
    from implied_prior
),

multi_year_rules as (
    select {{ unnest_list(text_list(["'MY-01'", "'MY-02'"]), 'rule_id') }}
),

checked as (
    select distinct
        disclosure_id,
        rule_id
    from my_01_pairs
    union all
    select distinct
        disclosure_id,
        rule_id
    from my_02_pairs
),

-- a disclosure without a previous year's disclosure, or without the figures, says so
not_run as (
    select
        year_pairs.disclosure_id,
        rules.rule_id,
        '(all)' as subject,
        cast(null as {{ text_type() }}) as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        cast(null as {{ text_type() }}) as unit,
        'insufficient_data' as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when year_pairs.previous_disclosure_id is null
                then
                    '没有上一年度（' || (year_pairs.fiscal_year - 1) || '）同一部门（' || year_pairs.department_name
                    || '）的公开，无法比较'
            when rules.rule_id = 'MY-01' then '本年未列示年初结转和结余，或上年未列示年末结转和结余'
            else '本年文字未说明与上年相比的增减金额'
        end as note_zh,
        case
            when year_pairs.previous_disclosure_id is null
                then
                    'no disclosure of the same department for the previous year (' || (year_pairs.fiscal_year - 1)
                    || ') to compare with'
            when rules.rule_id = 'MY-01'
                then 'no opening carry-over this year, or no closing carry-over in the previous disclosure'
            else 'the text states no change against the previous year'
        end as note_en,
        cast(null as {{ text_type() }}) as source_sections
    from year_pairs
    cross join multi_year_rules as rules
    left join checked
        on
            year_pairs.disclosure_id = checked.disclosure_id
            and rules.rule_id = checked.rule_id
    where year_pairs.previous_disclosure_id is null or checked.rule_id is null
),

final as (
    {{ union_check_rows(['my_01_pairs', 'my_02_pairs', 'not_run']) }}
)

select * from final
