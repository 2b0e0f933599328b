{#-
    The building blocks of the checks. Every check model (models/intermediate/checks) returns rows of:
      disclosure_id, rule_id, subject, subject_name, provided_value, expected_value, tolerance, unit,
      status (null: decided here from provided, expected and tolerance), severity_override (null: the
      catalogue's), note_zh, note_en, source_sections
    and fct_identity_checks turns them into findings.
-#}

{#- The check models whose rows make up the findings. -#}
{% macro check_models() -%}
    {{ return([
        'int_checks__hierarchy',
        'int_checks__row_identities',
        'int_checks__balance',
        'int_checks__economic',
        'int_checks__three_public',
        'int_checks__cross_table',
        'int_checks__narrative',
        'int_checks__calculations',
        'int_checks__performance',
        'int_checks__reference',
        'int_checks__completeness',
        'int_checks__multi_year',
        'int_checks__tables_not_printed',
        'int_checks__text',
    ]) }}
{%- endmacro %}

{#- The result columns of every check model, in the order fct_identity_checks reads them. -#}
{% macro check_result_columns() -%}
    {{ return([
        'disclosure_id', 'rule_id', 'subject', 'subject_name', 'provided_value', 'expected_value', 'tolerance',
        'unit', 'status', 'severity_override', 'note_zh', 'note_en', 'source_sections',
    ]) }}
{%- endmacro %}

{#- The rows of the check CTEs, one after the other (union all by name: macros/cross_engine/relations.sql). -#}
{#- Named columns (engines without `union all by name`) are typed: values keep decimal(38, 10) on every engine. -#}
{% macro union_check_rows(ctes) -%}
    {%- set typed = {
        'provided_value': 'cast(provided_value as decimal(38, 10)) as provided_value',
        'expected_value': 'cast(expected_value as decimal(38, 10)) as expected_value',
        'tolerance': 'cast(tolerance as decimal(38, 10)) as tolerance',
    } -%}
    {%- set columns = [] -%}
    {%- for column in check_result_columns() -%}
        {%- do columns.append(typed.get(column, column)) -%}
    {%- endfor -%}
    {{ union_all_by_name(ctes, columns) }}
{%- endmacro %}

{#- Every check model's rows (fct_identity_checks and int_findings_evidence_located read the same union); on
    an incremental run, those of the changed disclosures (macros/cross_engine/incremental.sql). -#}
{% macro all_check_rows() -%}
    {%- set check_relations = [] -%}
    {%- for model in check_models() -%}
        {%- do check_relations.append(changed_disclosures_only(ref(model))) -%}
    {%- endfor -%}
    {{ union_check_rows(check_relations) }}
{%- endmacro %}

{#- A check row's status: its own, or decided from provided, expected and tolerance. One expression for the
    mart and for the evidence model, so that both agree on which findings a steward reviews. -#}
{% macro decided_status(row) -%}
    coalesce(
        {{ row }}.status,
        {{ amount_status(row ~ '.provided_value', row ~ '.expected_value', row ~ '.tolerance') }}
    )
{%- endmacro %}

{#- Each published cell is rounded on its own: a sum of n cells may miss its total by 0.005 x n. -#}
{% macro rounding_envelope(cell_count) -%}
    cast(0.005 * ({{ cell_count }}) as decimal(38, 10))
{%- endmacro %}

{#- pass when equal, rounding within the tolerance, fail outside it, insufficient_data without inputs. -#}
{% macro amount_status(provided, expected, tolerance) -%}
    case
        when ({{ provided }}) is null or ({{ expected }}) is null then 'insufficient_data'
        when ({{ provided }}) = ({{ expected }}) then 'pass'
        when abs(({{ provided }}) - ({{ expected }})) <= coalesce({{ tolerance }}, 0) then 'rounding'
        else 'fail'
    end
{%- endmacro %}

{#- One unit in the last printed place: 0.01 for "78.13", 1 for "44". -#}
{% macro printed_unit(decimals) -%}
    cast(case {{ decimals }}
        when 0 then 1 when 1 then 0.1 when 2 then 0.01 when 3 then 0.001 when 4 then 0.0001
        else 0.000001
    end as decimal(38, 10))
{%- endmacro %}

{#- The printed value is the computed one rounded to the printed precision (half a unit either side). -#}
{% macro is_rounded_as_printed(provided, expected, decimals) -%}
    (abs(({{ provided }}) - ({{ expected }})) * 2 <= {{ printed_unit(decimals) }})
{%- endmacro %}

{#- The printed value is the computed one cut (not rounded) at the printed precision. -#}
{% macro is_truncated_as_printed(provided, expected, decimals) -%}
    (
        abs({{ provided }}) <= abs({{ expected }})
        and abs({{ expected }}) - abs({{ provided }}) < {{ printed_unit(decimals) }}
        and sign({{ provided }}) * sign({{ expected }}) >= 0
    )
{%- endmacro %}

{#-
    A percentage printed with `decimals` decimals against its exact value: pass when it is the value
    rounded; fail (a warning: see percent_severity) when it is the value truncated; rounding when inside
    the envelope that the rounding of its input amounts allows; fail otherwise.
-#}
{% macro percent_status(provided, expected, decimals, envelope) -%}
    case
        when ({{ provided }}) is null or ({{ expected }}) is null then 'insufficient_data'
        when {{ is_rounded_as_printed(provided, expected, decimals) }} then 'pass'
        when {{ is_truncated_as_printed(provided, expected, decimals) }} then 'fail'
        when abs(({{ provided }}) - ({{ expected }})) <= coalesce({{ envelope }}, 0) then 'rounding'
        else 'fail'
    end
{%- endmacro %}

{% macro percent_severity(provided, expected, decimals) -%}
    case
        when
            ({{ provided }}) is not null and ({{ expected }}) is not null
            and not {{ is_rounded_as_printed(provided, expected, decimals) }}
            and {{ is_truncated_as_printed(provided, expected, decimals) }}
            then 'warning'
    end
{%- endmacro %}

{% macro percent_note_zh(provided, expected, decimals) -%}
    case
        when
            ({{ provided }}) is not null and ({{ expected }}) is not null
            and not {{ is_rounded_as_printed(provided, expected, decimals) }}
            and {{ is_truncated_as_printed(provided, expected, decimals) }}
            then '所列百分比为截断值而非四舍五入值'
    end
{%- endmacro %}

{% macro percent_note_en(provided, expected, decimals) -%}
    case
        when
            ({{ provided }}) is not null and ({{ expected }}) is not null
            and not {{ is_rounded_as_printed(provided, expected, decimals) }}
            and {{ is_truncated_as_printed(provided, expected, decimals) }}
            then 'the percentage is truncated instead of rounded'
    end
{%- endmacro %}

{#-
    How far a percentage x / y x 100 can move when x and y are each off by their rounding (ex, ey):
    100 x (ex |y| + |x| ey) / y^2.
-#}
{% macro ratio_envelope_pct(x, y, ex, ey) -%}
    {{ safe_ratio(
        '100 * (' ~ ex ~ ' * abs(' ~ y ~ ') + abs(' ~ x ~ ') * ' ~ ey ~ ')',
        '(' ~ y ~ ') * (' ~ y ~ ')'
    ) }}
{%- endmacro %}

{#- A row for a rule that could not run on a disclosure, with the reason. -#}
{% macro not_run_row(disclosure_id, rule_id, status, note_zh, note_en) -%}
    select
        {{ disclosure_id }} as disclosure_id,
        '{{ rule_id }}' as rule_id,
        '(all)' as subject,
        cast(null as {{ text_type() }}) as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        cast(null as {{ text_type() }}) as unit,
        '{{ status }}' as status,
        cast(null as {{ text_type() }}) as severity_override,
        {{ note_zh }} as note_zh,
        {{ note_en }} as note_en,
        cast(null as {{ text_type() }}) as source_sections
{%- endmacro %}

{#- A number as a steward reads it: no trailing zeros, at most 6 decimals. -#}
{% macro format_number(value) -%}
    {{ return(adapter.dispatch('format_number', 'budget_warehouse')(value)) }}
{%- endmacro %}

{#- PostgreSQL 13+: trim_scale drops the trailing zeros of a numeric. -#}
{% macro default__format_number(value) -%}
    case
        when {{ value }} is null then '—'
        else cast(trim_scale(round(cast({{ value }} as numeric), 6)) as {{ text_type() }})
    end
{%- endmacro %}

{% macro duckdb__format_number(value) -%}
    {#- plain arithmetic and trimming, no regular expression: it runs for every check row (9.6 M at 10,000
        disclosures), where two regex replacements cost more than the rest of the mart -#}
    case
        when {{ value }} is null then '—'
        when {{ value }} = trunc({{ value }}) then cast(cast({{ value }} as decimal(38, 0)) as {{ text_type() }})
        else rtrim(rtrim(cast(round({{ value }}, 6) as {{ text_type() }}), '0'), '.')
    end
{%- endmacro %}

{#- Spark: the decimal's text without trailing zeros (a group is $1 in Java's replacement). -#}
{% macro spark__format_number(value) -%}
    case
        when {{ value }} is null then '—'
        else regexp_replace(
            regexp_replace(cast(round({{ value }}, 6) as string), '(\.[0-9]*?)0+$', '$1'),
            '\.$', ''
        )
    end
{%- endmacro %}

{#-
    Rows for an identity between narrative figures, one per statement of the total: the total as stated
    in a section against the sum of its parts, each taken from the same section or, when that section
    does not state it, from the value the whole disclosure agrees on. Parts stated nowhere are read as 0
    only when the total closes with them; otherwise the check has insufficient data.
    Expects CTEs `narrative` (accepted narrative figures) and `agreed` (int_narrative_figures_agreed).
-#}
{% macro narrative_identity_rows(rule_id, total_subjects, part_subjects) -%}
    select
        totals.disclosure_id,
        '{{ rule_id }}' as rule_id,
        totals.subject_code || ':' || totals.figure_id as subject,
        totals.subject_name || '（' || totals.section || '）' as subject_name,
        totals.value_wan_yuan as provided_value,
        parts.parts_sum as expected_value,
        {{ rounding_envelope('parts.parts_found') }} as tolerance,
        '万元' as unit,
        case
            when parts.parts_found = 0 then 'insufficient_data'
            when
                parts.parts_missing is not null
                and abs(totals.value_wan_yuan - parts.parts_sum) > {{ rounding_envelope('parts.parts_found') }}
                then 'insufficient_data'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case when parts.parts_missing is not null then '未列示：' || parts.parts_missing || '（按 0 计）' end
            as note_zh,
        case when parts.parts_missing is not null then 'not stated: ' || parts.parts_missing || ' (read as 0)' end
            as note_en,
        totals.section || coalesce('; ' || parts.part_sections, '') as source_sections
    from narrative as totals
    inner join (
        select
            candidates.disclosure_id,
            candidates.figure_id,
            coalesce(sum(candidates.part_value), 0) as parts_sum,
            count(candidates.part_value) as parts_found,
            {{ string_agg_ordered(
                'case when candidates.part_value is null then candidates.part_subject end', "'、'",
                'candidates.part_position'
            ) }} as parts_missing,
            {{ string_agg_distinct_sorted('candidates.part_section', "'; '") }} as part_sections
        from (
            select
                statement.disclosure_id,
                statement.figure_id,
                part_list.part_subject,
                part_list.part_position,
                coalesce(same_section.amount, agreed_amounts.amount) as part_value,
                part_sections.section as part_section
            from narrative as statement
            cross join (
                select {{ unnest_list(part_subjects, 'part_subject', 'part_position') }}
            ) as part_list
            -- joins, not a subquery per statement and part: PostgreSQL runs a correlated subquery row by row
            left join (
                select
                    disclosure_id,
                    section,
                    subject_code,
                    max(value_wan_yuan) as amount
                from narrative
                where metric = 'amount'
                group by disclosure_id, section, subject_code
            ) as same_section
                on
                    statement.disclosure_id = same_section.disclosure_id
                    and statement.section = same_section.section
                    and part_list.part_subject = same_section.subject_code
            left join (
                select
                    disclosure_id,
                    subject_code,
                    max(stated_value) as amount
                from agreed
                where metric = 'amount' and unit = '万元'
                group by disclosure_id, subject_code
            ) as agreed_amounts
                on
                    statement.disclosure_id = agreed_amounts.disclosure_id
                    and part_list.part_subject = agreed_amounts.subject_code
            left join (
                select
                    disclosure_id,
                    subject_code,
                    max(section) as section
                from narrative
                where metric = 'amount'
                group by disclosure_id, subject_code
            ) as part_sections
                on
                    statement.disclosure_id = part_sections.disclosure_id
                    and part_list.part_subject = part_sections.subject_code
            where
                statement.subject_code in ({{ "'" ~ total_subjects | join("', '") ~ "'" }})
                and statement.metric = 'amount'
        ) as candidates
        group by candidates.disclosure_id, candidates.figure_id
    ) as parts
        on
            totals.disclosure_id = parts.disclosure_id
            and totals.figure_id = parts.figure_id
{%- endmacro %}

{#-
    The columns of a check of a stated percentage against numerator / denominator x 100: the value expected,
    the envelope the rounding of the inputs allows, the status (insufficient_data without inputs or from a
    zero denominator), a warning when it was truncated, and a note: the truncation, else the given reason.
-#}
{% macro stated_percent_columns(
    provided, numerator, denominator, decimals, numerator_error, denominator_error, reason_zh, reason_en
) -%}
    {%- set expected = safe_percent(numerator, denominator) -%}
    {%- set envelope = ratio_envelope_pct(numerator, denominator, numerator_error, denominator_error) -%}
    {{ provided }} as provided_value,
    {{ expected }} as expected_value,
    {{ envelope }} as tolerance,
    '%' as unit,
    case
        when ({{ numerator }}) is null or ({{ denominator }}) is null or ({{ denominator }}) = 0
            then 'insufficient_data'
        else {{ percent_status(provided, expected, decimals, envelope) }}
    end as status,
    {{ percent_severity(provided, expected, decimals) }} as severity_override,
    coalesce({{ percent_note_zh(provided, expected, decimals) }}, {{ reason_zh }}) as note_zh,
    coalesce({{ percent_note_en(provided, expected, decimals) }}, {{ reason_en }}) as note_en
{%- endmacro %}

{#- The sum of columns, a blank (null) one read as 0: `coalesce(a, 0) + coalesce(b, 0) ...`. -#}
{% macro parts_sum(columns) -%}
    {%- for column in columns -%}
        coalesce({{ column }}, 0){{ ' + ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- How many of the columns are not blank. -#}
{% macro parts_found(columns) -%}
    {%- for column in columns -%}
        (case when {{ column }} is not null then 1 else 0 end){{ ' + ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- The name of a summary table in a finding. -#}
{% macro summary_table_name(table_code) -%}
    case {{ table_code }} when 'T1' then 'T1 收入支出决算总表' else 'T4 财政拨款收入支出决算总表' end
{%- endmacro %}

{#-
    The fund a narrative section is about, from its heading: a 一般公共预算 figure is held to T5, a 政府性基金
    figure to T8, a 国有资本经营 figure to T9, any other (支出决算情况说明) to T3, all funds.
-#}
{% macro narrative_fund_type(section) -%}
    case
        when {{ section }} like '%一般公共预算%' then 'general_public_budget'
        when {{ section }} like '%政府性基金%' then 'government_fund'
        when {{ section }} like '%国有资本经营%' then 'state_capital'
        else 'all_funds'
    end
{%- endmacro %}
