-- The performance family: PERF-01 stated execution rates, PERF-02 / PERF-03 cost indicators against the
-- executed amount and the budget, PERF-04 each indicator against its target, PERF-05 claims of the text,
-- PERF-06 score at most points, PERF-07 points sum to 100.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

projects as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__projects')) }}
    where is_accepted
),

indicators as (
    select * from {{ changed_disclosures_only(ref('int_performance_indicators_parsed')) }}
),

figures as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted
),

claims as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__text_claims')) }}
    where is_accepted
),

self_evaluation_items as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__self_evaluation_items')) }}
    where is_accepted
),

-- PERF-01: every execution rate the narrative states for a project (bounds such as 均在90%以上 are claims: PERF-05)
stated_rates as (
    select * from figures
    where
        subject_type = 'project'
        and metric = 'completion_pct'
        and coalesce(direction_word, '') not in ('以上', '以下', '以内')
),

rate_rows as (
    select
        stated_rates.disclosure_id,
        stated_rates.subject_code as project_id,
        stated_rates.figure_id,
        stated_rates.subject_name,
        stated_rates.figure_value as provided_value,
        stated_rates.value_decimals,
        stated_rates.section,
        projects.project_id is not null as is_project_found,
        projects.budget_amount,
        projects.executed_amount,
        projects.source_section as project_section,
        {{ safe_percent('projects.executed_amount', 'projects.budget_amount') }} as expected_value,
        {{ ratio_envelope_pct('projects.executed_amount', 'projects.budget_amount', '0.005', '0.005') }} as envelope
    from stated_rates
    left join projects
        on
            stated_rates.disclosure_id = projects.disclosure_id
            and stated_rates.subject_code = projects.project_id
),

perf_01 as (
    select
        disclosure_id,
        'PERF-01' as rule_id,
        project_id || ' ' || figure_id as subject,
        subject_name,
        provided_value,
        expected_value,
        greatest({{ printed_unit('value_decimals') }} * 0.5, coalesce(envelope, 0)) as tolerance,
        '%' as unit,
        case
            when not is_project_found then 'insufficient_data'
            when budget_amount = 0 then 'not_applicable'
            when executed_amount is null or budget_amount is null then 'insufficient_data'
            else {{ percent_status('provided_value', 'expected_value', 'value_decimals', 'envelope') }}
        end as status,
        {{ percent_severity('provided_value', 'expected_value', 'value_decimals') }} as severity_override,
        case
            when not is_project_found then '项目表中没有项目 ' || project_id
            when budget_amount = 0 then '全年预算数为 0，执行率无定义'
            when executed_amount is null or budget_amount is null then '项目表未列示预算数或执行数'
            else concat_ws(
                '；',
                '执行数 ' || {{ format_number('executed_amount') }} || ' 万元 ÷ 全年预算数 '
                || {{ format_number('budget_amount') }} || ' 万元',
                {{ percent_note_zh('provided_value', 'expected_value', 'value_decimals') }}
            )
        end as note_zh,
        case
            when not is_project_found then 'no project ' || project_id || ' in the project tables'
            when budget_amount = 0 then 'the full-year budget is 0: the rate is undefined'
            when executed_amount is null or budget_amount is null
                then 'the project table states no budget or executed amount'
            else concat_ws(
                '; ',
                'executed ' || {{ format_number('executed_amount') }} || ' / budget '
                || {{ format_number('budget_amount') }} || ' 万元',
                {{ percent_note_en('provided_value', 'expected_value', 'value_decimals') }}
            )
        end as note_en,
        concat_ws('; ', section, project_section) as source_sections
    from rate_rows
),

perf_01_unstated as (
    select
        projects.disclosure_id,
        'PERF-01' as rule_id,
        projects.project_id as subject,
        projects.project_name as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        {{ safe_percent('projects.executed_amount', 'projects.budget_amount') }} as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        '%' as unit,
        'insufficient_data' as status,
        cast(null as {{ text_type() }}) as severity_override,
        '文字未说明该项目的执行率' as note_zh,
        'the text states no execution rate for this project' as note_en,
        projects.source_section as source_sections
    from projects
    where not exists (
        select 1
        from stated_rates
        where
            stated_rates.disclosure_id = projects.disclosure_id
            and stated_rates.subject_code = projects.project_id
    )
),

-- PERF-02 / PERF-03: the 成本指标 of a project against its executed amount and its budget
cost_indicators as (
    select
        *,
        {{ to_wan_yuan('actual_number', 'coalesce(actual_unit, target_unit)') }} as actual_wan_yuan,
        {{ to_wan_yuan('target_number', 'target_unit') }} as target_wan_yuan
    from indicators
    where level_2 like '%成本%'
),

cost_sums as (
    select
        disclosure_id,
        project_id,
        count(*) as cost_indicator_count,
        count(*) filter (where actual_wan_yuan is null) as actual_not_money_count,
        count(*) filter (where target_wan_yuan is null) as target_not_money_count,
        count(*) filter (where is_actual_unit_assumed) as actual_unit_assumed_count,
        sum(actual_wan_yuan) as actual_sum,
        sum(target_wan_yuan) as target_sum,
        {{ string_agg_ordered("level_3 || ' ' || actual_text", "'、'", 'indicator_no') }} as actuals_printed,
        {{ string_agg_ordered("level_3 || ' ' || target_text", "'、'", 'indicator_no') }} as targets_printed,
        {{ string_agg_ordered('level_3', "'、'", 'indicator_no', 'actual_wan_yuan is null') }} as actual_not_money,
        {{ string_agg_ordered('level_3', "'、'", 'indicator_no', 'target_wan_yuan is null') }} as target_not_money
    from cost_indicators
    group by disclosure_id, project_id
),

cost_rows as (
    select
        projects.disclosure_id,
        projects.project_id,
        projects.project_name,
        projects.budget_amount,
        projects.executed_amount,
        projects.source_section,
        coalesce(cost_sums.cost_indicator_count, 0) as cost_indicator_count,
        cost_sums.actual_not_money_count,
        cost_sums.target_not_money_count,
        cost_sums.actual_unit_assumed_count,
        cost_sums.actual_sum,
        cost_sums.target_sum,
        cost_sums.actuals_printed,
        cost_sums.targets_printed,
        cost_sums.actual_not_money,
        cost_sums.target_not_money
    from projects
    left join cost_sums
        on
            projects.disclosure_id = cost_sums.disclosure_id
            and projects.project_id = cost_sums.project_id
),

perf_02 as (
    select
        disclosure_id,
        'PERF-02' as rule_id,
        project_id as subject,
        project_name as subject_name,
        executed_amount as provided_value,
        case when actual_not_money_count = 0 then actual_sum end as expected_value,
        {{ rounding_envelope('cost_indicator_count') }} as tolerance,
        '万元' as unit,
        case
            when cost_indicator_count = 0 or actual_not_money_count > 0 or executed_amount is null
                then 'insufficient_data'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when cost_indicator_count = 0 then '项目表没有成本指标'
            when actual_not_money_count > 0 then '成本指标实际完成值不是金额：' || actual_not_money
            when executed_amount is null then '项目表未列示执行数'
            when actual_unit_assumed_count > 0
                then '成本指标实际完成值：' || actuals_printed || '（未注明单位的实际值按目标值的单位计）'
            else '成本指标实际完成值：' || actuals_printed
        end as note_zh,
        case
            when cost_indicator_count = 0 then 'the project table has no cost indicator (成本指标)'
            when actual_not_money_count > 0 then 'cost indicator actuals that are not amounts: ' || actual_not_money
            when executed_amount is null then 'the project table states no executed amount'
            when actual_unit_assumed_count > 0
                then
                    'cost indicator actuals: '
                    || actuals_printed
                    || ' (actuals without a unit read in the unit of the target)'
            else 'cost indicator actuals: ' || actuals_printed
        end as note_en,
        source_section as source_sections
    from cost_rows
),

perf_03 as (
    select
        disclosure_id,
        'PERF-03' as rule_id,
        project_id as subject,
        project_name as subject_name,
        budget_amount as provided_value,
        case when target_not_money_count = 0 then target_sum end as expected_value,
        {{ rounding_envelope('cost_indicator_count') }} as tolerance,
        '万元' as unit,
        case
            when cost_indicator_count = 0 or target_not_money_count > 0 or budget_amount is null
                then 'insufficient_data'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when cost_indicator_count = 0 then '项目表没有成本指标'
            when target_not_money_count > 0 then '成本指标年度指标值不是金额：' || target_not_money
            when budget_amount is null then '项目表未列示全年预算数'
            else '成本指标年度指标值：' || targets_printed
        end as note_zh,
        case
            when cost_indicator_count = 0 then 'the project table has no cost indicator (成本指标)'
            when target_not_money_count > 0 then 'cost indicator targets that are not amounts: ' || target_not_money
            when budget_amount is null then 'the project table states no full-year budget'
            else 'cost indicator targets: ' || targets_printed
        end as note_en,
        source_section as source_sections
    from cost_rows
),

-- PERF-04: each indicator against its target, in the direction that is better
indicator_rows as (
    select
        *,
        case
            when target_kind = 'date' and actual_kind = 'date' then 'date'
            when is_comparable and direction = 'higher_is_better' and actual_operator in ('<', '≤') then 'bound'
            when is_comparable and direction = 'lower_is_better' and actual_operator in ('>', '≥') then 'bound'
            when is_comparable then 'numeric'
            when target_kind = 'numeric' and actual_kind = 'numeric' then 'units_differ'
            when target_kind = 'empty' or actual_kind = 'empty' then 'empty'
            when target_kind = 'compound' or actual_kind = 'compound' then 'compound'
            else 'text'
        end as comparison
    from indicators
),

perf_04 as (
    select
        disclosure_id,
        'PERF-04' as rule_id,
        project_id || '#' || indicator_no as subject,
        level_3 as subject_name,
        case
            when comparison = 'date'
                then cast(
                    extract(year from actual_date) * 10000
                    + extract(month from actual_date) * 100
                    + extract(day from actual_date)
                    as decimal(38, 10)
                )
            when comparison in ('numeric', 'bound', 'units_differ') then actual_number
        end as provided_value,
        case
            when comparison = 'date'
                then cast(
                    extract(year from target_date) * 10000
                    + extract(month from target_date) * 100
                    + extract(day from target_date)
                    as decimal(38, 10)
                )
            when comparison in ('numeric', 'bound', 'units_differ') then target_number
        end as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        case when comparison = 'date' then '日期 (yyyymmdd)' else coalesce(target_unit, actual_unit) end as unit,
        case
            when comparison = 'date' and is_date_met then 'pass'
            when comparison = 'date' then 'fail'
            when comparison != 'numeric' then 'insufficient_data'
            when direction = 'lower_is_better' and (
                actual_number < target_number
                or (actual_number = target_number and (coalesce(target_operator, '') != '<' or actual_operator = '<'))
            ) then 'pass'
            when direction = 'higher_is_better' and (
                actual_number > target_number
                or (actual_number = target_number and (coalesce(target_operator, '') != '>' or actual_operator = '>'))
            ) then 'pass'
            else 'fail'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case comparison
            when 'date' then '目标 ' || target_text || '，实际 ' || actual_text || '（越早越好）'
            when 'numeric'
                then
                    '目标 ' || target_text || '，实际 ' || actual_text
                    || case when direction = 'lower_is_better' then '（不超过目标为达成）' else '（不低于目标为达成）' end
                    || case when is_actual_unit_assumed then '；实际值未注明单位，按目标值的单位计' else '' end
            when 'bound' then '实际值只给出范围（' || actual_text || '），无法判断是否达到目标 ' || target_text
            when 'units_differ' then '目标与实际的单位不同（' || target_text || ' / ' || actual_text || '）'
            when 'empty' then '目标值或实际完成值为空'
            when 'compound'
                then '目标值或实际完成值含多个数字（' || target_text || ' / ' || actual_text || '），无法逐一比较'
            else '目标值或实际完成值为文字（' || target_text || ' / ' || actual_text || '），无法比较'
        end as note_zh,
        case comparison
            when 'date' then 'target ' || target_text || ', actual ' || actual_text || ' (earlier is better)'
            when 'numeric'
                then
                    'target ' || target_text || ', actual ' || actual_text
                    || case
                        when direction = 'lower_is_better' then ' (met when not above the target)'
                        else ' (met when not below the target)'
                    end
                    || case
                        when is_actual_unit_assumed then '; the actual has no unit: read in the unit of the target'
                        else ''
                    end
            when 'bound'
                then
                    'the actual is only a bound (' || actual_text || '): whether the target ' || target_text
                    || ' is met is unknown'
            when 'units_differ'
                then 'target and actual are in different units (' || target_text || ' / ' || actual_text || ')'
            when 'empty' then 'the target or the actual is blank'
            when 'compound'
                then 'the target or the actual holds several numbers (' || target_text || ' / ' || actual_text || ')'
            else 'the target or the actual is text (' || target_text || ' / ' || actual_text || '): not comparable'
        end as note_en,
        source_section as source_sections
    from indicator_rows
),

-- PERF-05: claims of the text
rate_claims as (
    select
        claims.disclosure_id,
        claims.claim_id,
        claims.section,
        claims.scope,
        claims.threshold_value,
        claims.source_quote,
        projects.project_id,
        projects.project_name,
        projects.budget_amount,
        projects.executed_amount,
        projects.source_section as project_section,
        {{ safe_percent('projects.executed_amount', 'projects.budget_amount') }} as execution_rate_pct
    from claims
    left join projects
        on
            claims.disclosure_id = projects.disclosure_id
            and (claims.scope = 'all_projects' or claims.scope = projects.project_id)
    where claims.claim_type = 'rate_at_least'
),

perf_05_rates as (
    select
        disclosure_id,
        'PERF-05' as rule_id,
        claim_id || ':' || coalesce(project_id, scope) as subject,
        coalesce(project_name, scope) || '：' || source_quote as subject_name,
        execution_rate_pct as provided_value,
        threshold_value as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        '%' as unit,
        case
            when project_id is null or execution_rate_pct is null then 'insufficient_data'
            when execution_rate_pct >= threshold_value then 'pass'
            else 'fail'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when project_id is null then '没有符合范围 ' || scope || ' 的项目'
            when execution_rate_pct is null then '项目预算数为 0 或缺失，执行率无定义'
            else
                '文字称执行率不低于 ' || {{ format_number('threshold_value') }} || '%；执行数 '
                || {{ format_number('executed_amount') }} || ' ÷ 预算数 ' || {{ format_number('budget_amount') }}
                || ' = ' || {{ format_number('round(execution_rate_pct, 2)') }} || '%'
        end as note_zh,
        case
            when project_id is null then 'no project in scope ' || scope
            when execution_rate_pct is null then 'the budget is 0 or missing: the rate is undefined'
            else
                'the text claims a rate of at least ' || {{ format_number('threshold_value') }} || '%; executed '
                || {{ format_number('executed_amount') }} || ' / budget ' || {{ format_number('budget_amount') }}
                || ' = ' || {{ format_number('round(execution_rate_pct, 2)') }} || '%'
        end as note_en,
        concat_ws('; ', section, project_section) as source_sections
    from rate_claims
),

completion_refs as (
    select
        disclosure_id,
        claim_id,
        {{ unnest_list(split_text('indicator_refs', "'|'"), 'indicator_ref') }}
    from claims
    where claim_type = 'all_completed'
),

completion_actuals as (
    select
        completion_refs.disclosure_id,
        completion_refs.claim_id,
        count(*) as ref_count,
        count(indicators.actual_number) filter (where indicators.actual_kind = 'numeric') as numeric_count,
        sum(indicators.actual_number) filter (where indicators.actual_kind = 'numeric') as actual_sum,
        count(distinct coalesce(indicators.actual_unit, indicators.target_unit)) as unit_count,
        min(coalesce(indicators.actual_unit, indicators.target_unit)) as actual_unit,
        {{ string_agg_ordered(
            "coalesce(indicators.level_3 || ' ' || indicators.actual_text, completion_refs.indicator_ref || ' (?)')",
            "' + '", 'completion_refs.indicator_ref'
        ) }} as actuals_printed,
        {{ string_agg_distinct_sorted("indicators.source_section", "'; '") }} as indicator_sections
    from completion_refs
    left join indicators
        on
            completion_refs.disclosure_id = indicators.disclosure_id
            and split_part(completion_refs.indicator_ref, ':', 1) = indicators.project_id
            and {{ text_to_integer("split_part(completion_refs.indicator_ref, ':', 2)") }} = indicators.indicator_no
    group by completion_refs.disclosure_id, completion_refs.claim_id
),

perf_05_completion as (
    select
        claims.disclosure_id,
        'PERF-05' as rule_id,
        claims.claim_id as subject,
        coalesce(figures.subject_name, claims.target_figure_id) || '：' || claims.source_quote as subject_name,
        cast(completion_actuals.actual_sum as decimal(38, 10)) as provided_value,
        cast(figures.figure_value as decimal(38, 10)) as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        figures.unit,
        case
            when figures.figure_id is null or completion_actuals.numeric_count < completion_actuals.ref_count
                then 'insufficient_data'
            when completion_actuals.unit_count > 1 or completion_actuals.actual_unit != figures.unit
                then 'insufficient_data'
            when completion_actuals.actual_sum >= figures.figure_value then 'pass'
            else 'fail'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when figures.figure_id is null then '找不到目标数字 ' || claims.target_figure_id
            when completion_actuals.numeric_count < completion_actuals.ref_count
                then '部分指标的实际完成值不是数字：' || completion_actuals.actuals_printed
            when completion_actuals.unit_count > 1 or completion_actuals.actual_unit != figures.unit
                then '目标与实际完成值的单位不同'
            else
                '文字称已全部完成；实际完成 ' || completion_actuals.actuals_printed
                || ' = ' || {{ format_number('completion_actuals.actual_sum') }} || figures.unit
                || '，目标 ' || {{ format_number('figures.figure_value') }} || figures.unit
        end as note_zh,
        case
            when figures.figure_id is null then 'no target figure ' || claims.target_figure_id
            when completion_actuals.numeric_count < completion_actuals.ref_count
                then 'some indicator actuals are not numbers: ' || completion_actuals.actuals_printed
            when completion_actuals.unit_count > 1 or completion_actuals.actual_unit != figures.unit
                then 'the target and the actuals are in different units'
            else
                'the text claims all was completed; actuals ' || completion_actuals.actuals_printed
                || ' = ' || {{ format_number('completion_actuals.actual_sum') }} || figures.unit
                || ', target ' || {{ format_number('figures.figure_value') }} || figures.unit
        end as note_en,
        concat_ws('; ', claims.section, completion_actuals.indicator_sections) as source_sections
    from claims
    inner join completion_actuals
        on
            claims.disclosure_id = completion_actuals.disclosure_id
            and claims.claim_id = completion_actuals.claim_id
    left join figures
        on
            claims.disclosure_id = figures.disclosure_id
            and claims.target_figure_id = figures.figure_id
),

-- PERF-06: score at most points, for the self-evaluation items and any indicator that prints them
scored_items as (
    select
        disclosure_id,
        'self_evaluation#' || item_no as subject,
        item_name as subject_name,
        points,
        score,
        source_section
    from self_evaluation_items
    union all
    select
        disclosure_id,
        project_id || '#' || indicator_no as subject,
        level_3 as subject_name,
        points,
        score,
        source_section
    from indicators
    where points is not null or score is not null
),

perf_06 as (
    select
        disclosure_id,
        'PERF-06' as rule_id,
        subject,
        subject_name,
        cast(score as decimal(38, 10)) as provided_value,
        cast(points as decimal(38, 10)) as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        '分' as unit,
        case
            when points is null or score is null then 'insufficient_data'
            when score <= points then 'pass'
            else 'fail'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when points is null then '未列示分值，无法判断得分是否超过分值'
            when score is null then '未列示得分'
            when score <= points then '得分不超过分值'
            else '得分超过分值'
        end as note_zh,
        case
            when points is null then 'no points printed: whether the score exceeds them is unknown'
            when score is null then 'no score printed'
            when score <= points then 'the score is within the points'
            else 'the score exceeds the points'
        end as note_en,
        source_section as source_sections
    from scored_items
),

-- PERF-07: the points of a self-evaluation sum to 100
points_totals as (
    select
        disclosure_id,
        count(*) as item_count,
        count(points) as items_with_points,
        sum(points) as points_sum,
        {{ string_agg_ordered('cast(item_no as ' ~ text_type() ~ ')', "'、'", 'item_no', 'points is null') }}
            as items_without_points,
        {{ string_agg_distinct_sorted("source_section", "'; '") }} as source_sections
    from self_evaluation_items
    group by disclosure_id
),

perf_07 as (
    select
        disclosure_id,
        'PERF-07' as rule_id,
        'self_evaluation' as subject,
        '部门整体支出绩效自评' as subject_name,
        cast(points_sum as decimal(38, 10)) as provided_value,
        cast(100 as decimal(38, 10)) as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        '分' as unit,
        case when items_with_points < item_count then 'insufficient_data' end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when items_with_points < item_count
                then
                    item_count || ' 项中 ' || items_with_points || ' 项列示分值，合计 '
                    || {{ format_number('points_sum') }} || ' 分；第 ' || items_without_points
                    || ' 项未列示分值，无法判断分值合计是否为 100'
            else item_count || ' 项分值合计 ' || {{ format_number('points_sum') }} || ' 分'
        end as note_zh,
        case
            when items_with_points < item_count
                then
                    items_with_points || ' of ' || item_count || ' items print their points, summing to '
                    || {{ format_number('points_sum') }} || '; item(s) ' || items_without_points
                    || ' print none, so whether the points sum to 100 is unknown'
            else 'the points of the ' || item_count || ' items sum to ' || {{ format_number('points_sum') }}
        end as note_en,
        source_sections
    from points_totals
),

final as (
    {{ union_check_rows([
        'perf_01',
        'perf_01_unstated',
        'perf_02',
        'perf_03',
        'perf_04',
        'perf_05_rates',
        'perf_05_completion',
        'perf_06',
        'perf_07',
    ]) }}
)

select * from final
