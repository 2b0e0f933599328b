-- Narrative against computed: NAR-01 stated amounts against the tables, NAR-02 shares, NAR-03 changes
-- against the prior year, NAR-04 completion against the budget, NAR-05 one figure stated twice.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

narrative as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted
),

agreed as (
    select * from {{ changed_disclosures_only(ref('int_narrative_figures_agreed')) }}
),

functions as (
    select * from {{ changed_disclosures_only(ref('fct_expenditure_by_function')) }}
),

three_public as (
    select * from {{ changed_disclosures_only(ref('fct_three_public_expenses')) }}
),

projects as (
    select * from {{ changed_disclosures_only(ref('fct_project_execution')) }}
),

summary_lines as (
    select * from {{ changed_disclosures_only(ref('fct_summary_lines')) }}
),

-- the general budget's lines close to its stated total: a 类 without lines is then 0, not unknown
general_budget_closure as (
    select
        functions.disclosure_id,
        sum(functions.actual_amount) as class_sum,
        sum(functions.budget_amount) as class_budget_sum,
        count(*) as class_count,
        max(agreed.stated_value) as stated_total,
        abs(sum(functions.actual_amount) - max(agreed.stated_value)) <= {{ rounding_envelope('count(*) * 7') }}
            as lines_close
    from functions
    left join agreed
        on
            functions.disclosure_id = agreed.disclosure_id
            and agreed.subject_code = 'general_budget_expenditure'
            and agreed.metric = 'amount'
    where functions.fund_type = 'general_public_budget' and functions.function_level = '类'
    group by functions.disclosure_id
),

-- the amount of a subject for the whole disclosure: what its statements agree on, else the 三公 table
disclosure_amounts as (
    select
        coalesce(agreed_amounts.disclosure_id, three_public.disclosure_id) as disclosure_id,
        coalesce(agreed_amounts.subject_code, three_public.item_code) as subject_code,
        coalesce(agreed_amounts.amount, three_public.actual_amount) as amount
    from (
        select
            disclosure_id,
            subject_code,
            max(stated_value) as amount
        from agreed
        where metric = 'amount' and unit = '万元'
        group by disclosure_id, subject_code
    ) as agreed_amounts
    full outer join three_public
        on
            agreed_amounts.disclosure_id = three_public.disclosure_id
            and agreed_amounts.subject_code = three_public.item_code
),

-- NAR-01 -------------------------------------------------------------------------------------------
stated_function_amounts as (
    select
        narrative.disclosure_id,
        'NAR-01' as rule_id,
        narrative.subject_code || ':' || narrative.figure_id as subject,
        narrative.subject_code || ' ' || narrative.subject_name || '（' || narrative.section || '）' as subject_name,
        narrative.value_wan_yuan as provided_value,
        case
            when functions.actual_amount is not null then functions.actual_amount
            when closure.lines_close then 0
        end as expected_value,
        {{ rounding_envelope(2) }} as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        case when functions.actual_amount is null and closure.lines_close then '该类无支出明细，按 0 计（各类之和等于合计）' end
            as note_zh,
        case
            when functions.actual_amount is null and closure.lines_close
                then 'no lines for this code: read as 0 (the lines add up to the stated total)'
        end as note_en,
        narrative.section || coalesce('; ' || functions.source_sections, '') as source_sections
    from narrative
    -- a figure is held to the table of its own fund: a 一般公共预算 section to T5, 支出决算 (all funds) to T3
    left join functions
        on
            narrative.disclosure_id = functions.disclosure_id
            and narrative.subject_code = functions.function_code
            and functions.fund_type = {{ narrative_fund_type('narrative.section') }}
    left join general_budget_closure as closure
        on
            narrative.disclosure_id = closure.disclosure_id
            and {{ narrative_fund_type('narrative.section') }} = 'general_public_budget'
    where
        narrative.subject_type = 'function'
        and narrative.metric = 'amount'
        and (functions.function_code is not null or closure.disclosure_id is not null)
),

stated_three_public_amounts as (
    select
        narrative.disclosure_id,
        'NAR-01' as rule_id,
        narrative.subject_code || ':' || narrative.figure_id as subject,
        narrative.subject_name || '（' || narrative.section || '）' as subject_name,
        narrative.value_wan_yuan as provided_value,
        three_public.actual_amount as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en,
        narrative.section || coalesce('; ' || three_public.source_sections, '') as source_sections
    from narrative
    inner join three_public
        on
            narrative.disclosure_id = three_public.disclosure_id
            and narrative.subject_code = three_public.item_code
    where narrative.subject_type = 'three_public' and narrative.metric = 'amount'
),

-- project amounts are stated under <project_id>_budget_full_year and <project_id>_executed
stated_project_amounts as (
    select
        narrative.disclosure_id,
        'NAR-01' as rule_id,
        narrative.subject_code || ':' || narrative.figure_id as subject,
        narrative.subject_name || '（' || narrative.section || '）' as subject_name,
        narrative.value_wan_yuan as provided_value,
        case
            when {{ like_backslash_escaped('narrative.subject_code', "'%\\_budget\\_full\\_year'") }}
                then projects.budget_amount
            else projects.executed_amount
        end as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        cast(null as {{ text_type() }}) as note_zh,
        cast(null as {{ text_type() }}) as note_en,
        narrative.section || '; ' || projects.source_section as source_sections
    from narrative
    inner join projects
        on
            narrative.disclosure_id = projects.disclosure_id
            and projects.project_id
            = {{ regex_extract("narrative.subject_code", "'^(.+)_(budget_full_year|executed)$'", 1) }}
    where
        narrative.metric = 'amount'
        and {{ regex_contains("narrative.subject_code", "'_(budget_full_year|executed)$'") }}
),

-- NAR-01 (summary tables) --------------------------------------------------------------------------
-- where T1 / T4 print each total the narrative states: 收入支出总计 is T1's 总计, 财政拨款收入支出总计 T4's
-- (the income side: BAL-03 holds the other side to it), 本年收入 / 支出合计 T1's, an income source its T1
-- line, 财政拨款收入 the sum of T1's three 财政拨款 lines, 一般公共预算财政拨款支出 T4's 本年支出合计 in the
-- 一般公共预算 column
summary_targets (subject_code, table_code, side, item_pattern, fund_type) as (
    values
    ('income_expenditure_grand_total', 'T1', 'income', 'income_grand_total', 'all_funds'),
    ('current_year_income_total', 'T1', 'income', 'income_total', 'all_funds'),
    ('current_year_expenditure_total', 'T1', 'expenditure', 'expenditure_total', 'all_funds'),
    ('fiscal_appropriation_income', 'T1', 'income', 'fiscal\_appropriation\_%', 'all_funds'),
    ('fiscal_appropriation_general', 'T1', 'income', 'fiscal_appropriation_general', 'all_funds'),
    ('fiscal_appropriation_gov_fund', 'T1', 'income', 'fiscal_appropriation_gov_fund', 'all_funds'),
    ('fiscal_appropriation_state_capital', 'T1', 'income', 'fiscal_appropriation_state_capital', 'all_funds'),
    ('superior_subsidy', 'T1', 'income', 'superior_subsidy', 'all_funds'),
    ('business_income', 'T1', 'income', 'business_income', 'all_funds'),
    ('operating_income', 'T1', 'income', 'operating_income', 'all_funds'),
    ('affiliated_remittance', 'T1', 'income', 'affiliated_remittance', 'all_funds'),
    ('other_income', 'T1', 'income', 'other_income', 'all_funds'),
    ('fiscal_appropriation_grand_total', 'T4', 'income', 'income_grand_total', 'all_funds'),
    ('general_budget_expenditure', 'T4', 'expenditure', 'expenditure_total', 'general_public_budget')
),

summary_expected as (
    select
        narrative.disclosure_id,
        narrative.figure_id,
        summary_targets.table_code,
        summary_targets.side,
        sum(summary_lines.amount) as table_amount,
        count(*) as cells_summed,
        {{ string_agg_distinct_sorted("summary_lines.source_sections", "'; '") }} as table_sections
    from narrative
    inner join summary_targets on narrative.subject_code = summary_targets.subject_code
    inner join summary_lines
        on
            narrative.disclosure_id = summary_lines.disclosure_id
            and summary_targets.table_code = summary_lines.table_code
            and summary_targets.side = summary_lines.side
            and summary_targets.fund_type = summary_lines.fund_type
            and {{ like_backslash_escaped('summary_lines.item_code', 'summary_targets.item_pattern') }}
    where narrative.metric = 'amount' and narrative.subject_type in ('total', 'item')
    group by narrative.disclosure_id, narrative.figure_id, summary_targets.table_code, summary_targets.side
),

stated_summary_amounts as (
    select
        narrative.disclosure_id,
        'NAR-01' as rule_id,
        narrative.subject_code || ':' || expected.table_code || ':' || expected.side || ':' || narrative.figure_id
            as subject,
        narrative.subject_name || '（' || narrative.section || ' ↔ ' || expected.table_code || '）' as subject_name,
        narrative.value_wan_yuan as provided_value,
        expected.table_amount as expected_value,
        -- one cell printed twice must be identical; a sum of n cells gets the rounding envelope
        case
            when expected.cells_summed > 1 then {{ rounding_envelope('expected.cells_summed') }}
            else cast(0 as decimal(38, 10))
        end as tolerance,
        '万元' as unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        '与' || expected.table_code || '所列数字比较' as note_zh,
        'against the figure ' || expected.table_code || ' prints' as note_en,
        narrative.section || coalesce('; ' || expected.table_sections, '') as source_sections
    from narrative
    inner join summary_expected as expected
        on
            narrative.disclosure_id = expected.disclosure_id
            and narrative.figure_id = expected.figure_id
),

-- NAR-02 -------------------------------------------------------------------------------------------
-- for every share and change: the last amount and change amount stated before it in its section, about the same
-- subject (a join, not a subquery per statement: PostgreSQL runs a correlated subquery once per row)
stated_before as (
    select
        later.disclosure_id,
        later.figure_id,
        {{ value_at_max(
            "case when earlier.metric = 'amount' then earlier.value_wan_yuan end", "earlier.figure_id"
        ) }} as amount_before,
        {{ value_at_max(
            "case when earlier.metric = 'change_amount' then earlier.signed_value end", "earlier.figure_id"
        ) }} as change_amount_before
    from narrative as later
    inner join narrative as earlier
        on
            later.disclosure_id = earlier.disclosure_id
            and later.section = earlier.section
            and later.subject_code = earlier.subject_code
            and later.figure_id > earlier.figure_id
    where later.metric in ('share_pct', 'change_pct')
    group by later.disclosure_id, later.figure_id
),

section_amounts as (
    select
        disclosure_id,
        section,
        subject_code,
        max(value_wan_yuan) as amount
    from narrative
    where metric = 'amount'
    group by disclosure_id, section, subject_code
),

shares as (
    select
        share_statement.*,
        -- the amount this share belongs to: stated just before it, in the same section
        stated_before.amount_before as numerator,
        coalesce(denominator.amount, disclosure_amounts.amount) as denominator_value
    from narrative as share_statement
    left join stated_before
        on
            share_statement.disclosure_id = stated_before.disclosure_id
            and share_statement.figure_id = stated_before.figure_id
    left join section_amounts as denominator
        on
            share_statement.disclosure_id = denominator.disclosure_id
            and share_statement.section = denominator.section
            and share_statement.denominator = denominator.subject_code
    left join disclosure_amounts
        on
            share_statement.disclosure_id = disclosure_amounts.disclosure_id
            and share_statement.denominator = disclosure_amounts.subject_code
    where share_statement.metric = 'share_pct'
),

share_rows as (
    select
        disclosure_id,
        'NAR-02' as rule_id,
        subject_code || ':' || figure_id as subject,
        subject_name || ' 占比（' || section || '）' as subject_name,
        {{ stated_percent_columns(
            'figure_value', 'numerator', 'denominator_value', 'value_decimals', '0.005', '0.005',
            "case when numerator is null then '本节未列示对应金额' when denominator_value is null then '未列示分母' end",
            "case when numerator is null then 'the section states no amount for this share'
                when denominator_value is null then 'the denominator is not stated' end"
        ) }},
        section as source_sections
    from shares
),

-- NAR-03 -------------------------------------------------------------------------------------------
changes as (
    select
        change_pct.*,
        stated_before.change_amount_before as change_amount,
        coalesce(stated_before.amount_before, disclosure_amounts.amount) as current_amount
    from narrative as change_pct
    left join stated_before
        on
            change_pct.disclosure_id = stated_before.disclosure_id
            and change_pct.figure_id = stated_before.figure_id
    left join disclosure_amounts
        on
            change_pct.disclosure_id = disclosure_amounts.disclosure_id
            and change_pct.subject_code = disclosure_amounts.subject_code
    where change_pct.metric = 'change_pct'
),

change_rows as (
    select
        disclosure_id,
        'NAR-03' as rule_id,
        subject_code || ':' || figure_id as subject,
        subject_name || ' 增减幅度（' || section || '）' as subject_name,
        {{ stated_percent_columns(
            'signed_value', 'change_amount', 'current_amount - change_amount', 'value_decimals', '0.005', '0.01',
            "case
                when current_amount - change_amount = 0 then '上年数为 0，增减幅度无定义'
                when change_amount is null or current_amount is null then '本节未列示增减额或本年数'
                else '增减幅度 = 增减额 / (本年数 − 增减额) = ' || "
                ~ format_number('change_amount') ~ " || ' / ' || " ~ format_number('current_amount - change_amount') ~ "
            end",
            "case
                when current_amount - change_amount = 0 then 'the prior-year amount is 0: a change in percent is undefined'
                when change_amount is null or current_amount is null
                    then 'the section states no change amount or current amount'
                else 'change / (current − change) = ' || "
                ~ format_number('change_amount') ~ " || ' / ' || " ~ format_number('current_amount - change_amount') ~ "
            end"
        ) }},
        section as source_sections
    from changes
),

-- NAR-04 -------------------------------------------------------------------------------------------
completions as (
    select
        completion_statement.*,
        case completion_statement.subject_type
            when 'function' then functions.actual_amount
            when 'three_public' then three_public.actual_amount
            when 'total' then closure.class_sum
        end as actual_amount,
        case completion_statement.subject_type
            when 'function' then functions.budget_amount
            when 'three_public' then three_public.budget_amount
            when 'total' then closure.class_budget_sum
        end as budget_amount
    from narrative as completion_statement
    left join functions
        on
            completion_statement.subject_type = 'function'
            and completion_statement.disclosure_id = functions.disclosure_id
            and completion_statement.subject_code = functions.function_code
            and functions.fund_type = 'general_public_budget'
    left join three_public
        on
            completion_statement.subject_type = 'three_public'
            and completion_statement.disclosure_id = three_public.disclosure_id
            and completion_statement.subject_code = three_public.item_code
    left join general_budget_closure as closure
        on
            completion_statement.subject_type = 'total'
            and completion_statement.subject_code = 'general_budget_expenditure'
            and completion_statement.disclosure_id = closure.disclosure_id
    where
        completion_statement.metric = 'completion_pct'
        and completion_statement.subject_type in ('function', 'three_public', 'total')
        and coalesce(completion_statement.direction_word, '') not in ('以上', '以下', '以内')
),

completion_rows as (
    select
        disclosure_id,
        'NAR-04' as rule_id,
        subject_code || ':' || figure_id as subject,
        subject_name || ' 完成预算（' || section || '）' as subject_name,
        {{ stated_percent_columns(
            'figure_value', 'actual_amount', 'budget_amount', 'value_decimals', '0.005', '0.005',
            "case
                when budget_amount = 0 then '预算数为 0，完成比例无定义'
                when budget_amount is null then '未列示预算数'
                when actual_amount is null then '未列示决算数'
            end",
            "case
                when budget_amount = 0 then 'the budget is 0: completion is undefined'
                when budget_amount is null then 'the budget is not stated'
                when actual_amount is null then 'the actual amount is not stated'
            end"
        ) }},
        section as source_sections
    from completions
),

-- NAR-05 -------------------------------------------------------------------------------------------
-- only a subject stated more than once (agreed counts its statements) can be stated again: ordering every
-- statement in a window was a third of this model at 10,000 disclosures, where most are stated once
restated as (
    select narrative.*
    from narrative
    inner join agreed
        on {{ same_narrative_subject('narrative', 'agreed') }}
    where
        agreed.statement_count > 1
        and coalesce(narrative.direction_word, '') not in ('以上', '以下', '以内')
),

statements_in_order as (
    select
        *,
        first_value(figure_value) over same_figure as first_value_stated,
        first_value(figure_id) over same_figure as first_figure_id,
        first_value(section) over same_figure as first_section,
        row_number() over same_figure as statement_no
    from restated
    window same_figure as (
        partition by disclosure_id, subject_type, subject_code, metric, unit
        order by figure_id
    )
),

restatement_rows as (
    select
        disclosure_id,
        'NAR-05' as rule_id,
        subject_code || ':' || metric || ':' || figure_id as subject,
        subject_name || '（' || section || ' 对 ' || first_section || '）' as subject_name,
        figure_value as provided_value,
        first_value_stated as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        unit,
        cast(null as {{ text_type() }}) as status,
        cast(null as {{ text_type() }}) as severity_override,
        '与 ' || first_figure_id || '（' || first_section || '）所列同一数字比较' as note_zh,
        'against the same figure stated in ' || first_figure_id || ' (' || first_section || ')' as note_en,
        first_section || '; ' || section as source_sections
    from statements_in_order
    where statement_no > 1
),

final as (
    {{ union_check_rows([
        'stated_function_amounts',
        'stated_three_public_amounts',
        'stated_project_amounts',
        'stated_summary_amounts',
        'share_rows',
        'change_rows',
        'completion_rows',
        'restatement_rows',
    ]) }}
)

select * from final
