-- CMP-01: the government-fund (T8) and state-capital (T9) tables are present, or the disclosure declares it had
-- no such funds (the narrative states the fund's expenditure as 0). CMP-02: a count the text states equals the
-- number of items it lists (raw_text_claims of type count_matches_list). CMP-03 is in int_checks__calculations.
-- CMP-01 also takes a fund table printed empty with its note (raw_printed_tables) as declared.
-- CMP-04: every standard table the template requires (T1 ... T9) is printed, with figures or empty; a table
-- the document does not print (not_found) is an error.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

disclosures as (
    select disclosure_id from {{ changed_disclosures_only(ref('stg_final_accounts__disclosures')) }}
    where is_accepted
),

function_lines as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__function_lines')) }}
    where is_accepted
),

figures as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted
),

fund_types as (
    select * from {{ ref('ref_fund_types') }}
),

printed_tables as (
    select * from {{ changed_disclosures_only(ref('fct_printed_tables')) }}
),

claims as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__text_claims')) }}
    where is_accepted and claim_type = 'count_matches_list'
),

named_units as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__named_units')) }}
    where is_accepted
),

projects as (
    select * from {{ changed_disclosures_only(ref('stg_final_accounts__projects')) }}
    where is_accepted
),

-- the two fund tables that are often empty, and the narrative subject that totals each fund
fund_tables as (
    select
        fund_types.fund_type,
        fund_types.name_zh as fund_name,
        fund_types.total_subject_code,
        case fund_types.fund_type when 'government_fund' then 'T8' else 'T9' end as table_code
    from fund_types
    where fund_types.fund_type in ('government_fund', 'state_capital')
),

tables_present as (
    select
        disclosure_id,
        fund_type,
        count(*) as line_count,
        {{ string_agg_distinct_sorted("source_section", "'; '") }} as source_sections
    from function_lines
    where fund_type in ('government_fund', 'state_capital')
    group by disclosure_id, fund_type
),

fund_statements as (
    select
        figures.disclosure_id,
        fund_tables.fund_type,
        count(*) as statement_count,
        count(*) filter (where figures.value_wan_yuan != 0) as nonzero_count,
        max(abs(figures.value_wan_yuan)) as largest_amount,
        {{ string_agg_sorted("figures.figure_id", "', '") }} as figure_ids,
        {{ string_agg_distinct_sorted("figures.section", "'; '") }} as source_sections
    from figures
    inner join fund_tables on figures.subject_code = fund_tables.total_subject_code
    where figures.metric = 'amount' and figures.value_wan_yuan is not null
    group by figures.disclosure_id, fund_tables.fund_type
),

cmp_01 as (
    select
        disclosures.disclosure_id,
        'CMP-01' as rule_id,
        fund_tables.table_code || ' ' || fund_tables.fund_type as subject,
        fund_tables.fund_name as subject_name,
        cast(fund_statements.largest_amount as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        '万元' as unit,
        case
            when tables_present.line_count > 0 then 'pass'
            when empty_tables.empty_note is not null then 'pass'
            when fund_statements.statement_count > 0 and fund_statements.nonzero_count = 0 then 'pass'
            else 'fail'
        end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when tables_present.line_count > 0
                then '已列示' || fund_tables.table_code || '（' || tables_present.line_count || ' 行）'
            when empty_tables.empty_note is not null
                then fund_tables.table_code || ' 印为空表并注明：' || empty_tables.empty_note
            when fund_statements.statement_count > 0 and fund_statements.nonzero_count = 0
                then
                    '未列示' || fund_tables.table_code || '，文字说明本年' || fund_tables.fund_name || '支出为 0（'
                    || fund_statements.figure_ids || '），即没有该项资金'
            when fund_statements.statement_count > 0
                then
                    '未列示' || fund_tables.table_code || '，但文字说明本年有' || fund_tables.fund_name || '支出（'
                    || fund_statements.figure_ids || '）'
            else '未列示' || fund_tables.table_code || '，也未说明没有' || fund_tables.fund_name || '资金'
        end as note_zh,
        case
            when tables_present.line_count > 0
                then fund_tables.table_code || ' is present (' || tables_present.line_count || ' lines)'
            when empty_tables.empty_note is not null
                then fund_tables.table_code || ' is printed empty with the note: ' || empty_tables.empty_note
            when fund_statements.statement_count > 0 and fund_statements.nonzero_count = 0
                then
                    fund_tables.table_code || ' is absent and the narrative states the expenditure of the fund as 0 ('
                    || fund_statements.figure_ids || '): declared empty'
            when fund_statements.statement_count > 0
                then
                    fund_tables.table_code || ' is absent although the narrative states expenditure of the fund ('
                    || fund_statements.figure_ids || ')'
            else fund_tables.table_code || ' is absent and nothing states that the department had no such funds'
        end as note_en,
        coalesce(tables_present.source_sections, fund_statements.source_sections) as source_sections
    from disclosures
    cross join fund_tables
    left join tables_present
        on
            disclosures.disclosure_id = tables_present.disclosure_id
            and fund_tables.fund_type = tables_present.fund_type
    left join fund_statements
        on
            disclosures.disclosure_id = fund_statements.disclosure_id
            and fund_tables.fund_type = fund_statements.fund_type
    left join printed_tables as empty_tables
        on
            disclosures.disclosure_id = empty_tables.disclosure_id
            and fund_tables.table_code = empty_tables.table_code
            and empty_tables.status = 'printed_empty'
),

-- CMP-04 -------------------------------------------------------------------------------------------
cmp_04 as (
    select
        printed_tables.disclosure_id,
        'CMP-04' as rule_id,
        printed_tables.table_code as subject,
        printed_tables.table_code || ' ' || printed_tables.table_name as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        cast(null as {{ text_type() }}) as unit,
        case printed_tables.status when 'not_found' then 'fail' else 'pass' end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case printed_tables.status
            when 'printed' then '已印，第 ' || coalesce(cast(printed_tables.page_first as {{ text_type() }}), '?') || ' 页起'
            when 'printed_empty' then '印为空表' || coalesce('：' || printed_tables.empty_note, '')
            else '文件未印该表'
        end as note_zh,
        case printed_tables.status
            when 'printed'
                then 'printed from page ' || coalesce(cast(printed_tables.page_first as {{ text_type() }}), '?')
            when 'printed_empty' then 'printed empty' || coalesce(': ' || printed_tables.empty_note, '')
            else 'the document does not print this table'
        end as note_en,
        coalesce(printed_tables.title_printed, printed_tables.table_name) as source_sections
    from printed_tables
    where printed_tables.status != 'not_reported'
),

-- CMP-02: the items of the list a claim refers to
listed_items as (
    select
        claims.disclosure_id,
        claims.claim_id,
        named_units.unit_name as item_name,
        named_units.item_no as item_order,
        named_units.source_section
    from claims
    inner join named_units
        on
            claims.disclosure_id = named_units.disclosure_id
            and claims.list_id = named_units.list_id
    where claims.list_source = 'named_units'
    union all
    select
        claims.disclosure_id,
        claims.claim_id,
        projects.project_name as item_name,
        row_number()
            over (partition by claims.disclosure_id, claims.claim_id order by projects.project_id)
            as item_order,
        projects.source_section
    from claims
    inner join projects on claims.disclosure_id = projects.disclosure_id
    where claims.list_source = 'projects'
),

list_counts as (
    select
        disclosure_id,
        claim_id,
        count(distinct item_name) as item_count,
        {{ string_agg_ordered('item_name', "'、'", 'item_order') }} as items_printed,
        {{ string_agg_distinct_sorted("source_section", "'; '") }} as source_sections
    from listed_items
    group by disclosure_id, claim_id
),

cmp_02 as (
    select
        claims.disclosure_id,
        'CMP-02' as rule_id,
        claims.claim_id as subject,
        coalesce(figures.subject_name, claims.target_figure_id) as subject_name,
        cast(figures.figure_value as decimal(38, 10)) as provided_value,
        cast(coalesce(list_counts.item_count, 0) as decimal(38, 10)) as expected_value,
        cast(0 as decimal(38, 10)) as tolerance,
        figures.unit,
        case
            when figures.figure_id is null or list_counts.item_count is null then 'insufficient_data'
        end as status,
        case when claims.list_is_open then 'warning' end as severity_override,
        case
            when figures.figure_id is null then '找不到所述数量 ' || claims.target_figure_id
            when list_counts.item_count is null
                then '没有可对照的名单（' || claims.list_source || coalesce(' ' || claims.list_id, '') || '）'
            else concat_ws(
                '；',
                '文字称 ' || {{ format_number('figures.figure_value') }} || coalesce(figures.unit, '')
                || '，列出 ' || list_counts.item_count || ' 个：' || list_counts.items_printed,
                case when claims.list_is_open then '名单注明“主要包括”或以“等”结尾，并非全部列举，至多为警告' end
            )
        end as note_zh,
        case
            when figures.figure_id is null then 'no stated count ' || claims.target_figure_id
            when list_counts.item_count is null
                then 'no list to compare with (' || claims.list_source || coalesce(' ' || claims.list_id, '') || ')'
            else concat_ws(
                '; ',
                'the text states ' || {{ format_number('figures.figure_value') }} || coalesce(figures.unit, '')
                || ' and lists ' || list_counts.item_count || ': ' || list_counts.items_printed,
                case when claims.list_is_open then 'the list is not declared exhaustive: a warning at most' end
            )
        end as note_en,
        concat_ws('; ', claims.section, nullif(list_counts.source_sections, claims.section)) as source_sections
    from claims
    left join figures
        on
            claims.disclosure_id = figures.disclosure_id
            and claims.target_figure_id = figures.figure_id
    left join list_counts
        on
            claims.disclosure_id = list_counts.disclosure_id
            and claims.claim_id = list_counts.claim_id
),

final as (
    {{ union_check_rows(['cmp_01', 'cmp_02', 'cmp_04']) }}
)

select * from final
