with

catalogue as (
    select * from {{ ref('rule_catalogue') }}
),

disclosures as (
    select
        disclosure_id,
        fiscal_year
    from {{ ref('dim_disclosure') }}
),

check_rows as (
    {%- set check_relations = [] %}
    {%- for model in check_models() %}
        {%- do check_relations.append(ref(model)) %}
    {%- endfor %}
    {{ union_check_rows(check_relations) }}
),

applicable as (
    select
        disclosures.disclosure_id,
        catalogue.rule_id,
        disclosures.fiscal_year between catalogue.applies_from_year
        and coalesce(catalogue.applies_to_year, 9999) as is_applicable
    from disclosures
    cross join catalogue
),

rules_that_ran as (
    select distinct
        disclosure_id,
        rule_id
    from check_rows
),

-- every rule answers for every disclosure: "no finding" never means "not checked"
not_run as (
    select
        applicable.disclosure_id,
        applicable.rule_id,
        '(all)' as subject,
        cast(null as {{ text_type() }}) as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        cast(null as {{ text_type() }}) as unit,
        case when applicable.is_applicable then 'insufficient_data' else 'not_applicable' end as status,
        cast(null as {{ text_type() }}) as severity_override,
        case
            when applicable.is_applicable then '本公开中没有该规则所需的数据'
            else '该规则不适用于本年度'
        end as note_zh,
        case
            when applicable.is_applicable then 'the disclosure has none of the figures this rule needs'
            else 'the rule does not apply to this fiscal year'
        end as note_en,
        cast(null as {{ text_type() }}) as source_sections
    from applicable
    left join rules_that_ran
        on
            applicable.disclosure_id = rules_that_ran.disclosure_id
            and applicable.rule_id = rules_that_ran.rule_id
    where rules_that_ran.rule_id is null or not applicable.is_applicable
),

applicable_rows as (
    select check_rows.*
    from check_rows
    inner join applicable
        on
            check_rows.disclosure_id = applicable.disclosure_id
            and check_rows.rule_id = applicable.rule_id
    where applicable.is_applicable
),

all_rows as (
    {{ union_check_rows(['applicable_rows', 'not_run']) }}
),

-- where a finding's values are printed: a subject ending in a figure id (N03-02), a text id (X012) or a
-- calculation id (C01, its result figure) points at the page and box of that statement in the PDF; any other
-- finding at the table cell printing its provided value (same amount, a code named in its subject)
figures as (
    select
        disclosure_id,
        figure_id,
        page,
        bbox,
        source_quote
    from {{ ref('stg_final_accounts__narrative_figures') }}
    where is_accepted
),

document_texts as (
    select
        disclosure_id,
        text_id,
        page,
        bbox,
        text_printed
    from {{ ref('stg_final_accounts__document_texts') }}
    where is_accepted
),

calculations as (
    select
        disclosure_id,
        calculation_id,
        result_figure_id
    from {{ ref('stg_final_accounts__stated_calculations') }}
    where is_accepted
),

table_cells as (
    select * from {{ ref('int_table_cells_located') }}
),

sources as (
    select
        disclosure_id,
        source_document
    from {{ ref('stg_final_accounts__disclosures') }}
    where is_accepted
),

decided as (
    select
        all_rows.*,
        cast(all_rows.provided_value - all_rows.expected_value as decimal(38, 10)) as difference,
        coalesce(
            all_rows.status,
            {{ amount_status('all_rows.provided_value', 'all_rows.expected_value', 'all_rows.tolerance') }}
        ) as decided_status
    from all_rows
),

-- each number formatted once for both messages: formatting is half the mart's time (9.6 M rows at 10,000)
formatted as (
    select
        *,
        {{ format_number('provided_value') }} as provided_text,
        {{ format_number('expected_value') }} as expected_text,
        {{ format_number('difference') }} as difference_text,
        case when tolerance > 0 then {{ format_number('tolerance') }} end as tolerance_text
    from decided
),

findings_keyed as (
    select distinct
        disclosure_id,
        rule_id,
        subject,
        provided_value,
        unit,
        {{ regex_extract("subject", "'(N[0-9]+-[0-9]+|X[0-9]+|C[0-9]+)$'", 1) }} as evidence_key,
        {{ regex_extract("subject", "'^(T[1-9])([^0-9A-Za-z_]|$)'", 1) }} as subject_table,
        {{ split_text(regex_replace_all('subject', "'[\\s↔:]+'", "':'"), "':'") }} as subject_tokens
    from decided
    -- evidence is shown beside what a steward reviews; a passing check needs none (8.5 M of 9.6 M rows at
    -- 10,000 disclosures)
    where decided_status not in ('pass', 'not_applicable')
),

text_evidence as (
    select
        keyed.disclosure_id,
        keyed.rule_id,
        keyed.subject,
        coalesce(figures.page, document_texts.page) as evidence_page,
        coalesce(figures.bbox, document_texts.bbox) as evidence_bbox,
        coalesce(figures.source_quote, left(document_texts.text_printed, 120)) as evidence_quote
    from findings_keyed as keyed
    left join calculations
        on keyed.disclosure_id = calculations.disclosure_id and keyed.evidence_key = calculations.calculation_id
    left join figures
        on
            keyed.disclosure_id = figures.disclosure_id
            and coalesce(calculations.result_figure_id, keyed.evidence_key) = figures.figure_id
    left join document_texts
        on keyed.disclosure_id = document_texts.disclosure_id and keyed.evidence_key = document_texts.text_id
    where keyed.evidence_key != ''
),

-- the cell that prints the provided value: its table, then its measure and fund named in the subject win
cell_evidence_ranked as (
    select
        keyed.disclosure_id,
        keyed.rule_id,
        keyed.subject,
        table_cells.page as evidence_page,
        table_cells.bbox as evidence_bbox,
        table_cells.cell_quote as evidence_quote,
        row_number() over (
            partition by keyed.disclosure_id, keyed.rule_id, keyed.subject
            order by
                {{ list_has("keyed.subject_tokens", "table_cells.measure") }} desc,
                {{ list_has("keyed.subject_tokens", "table_cells.fund_type") }} desc,
                table_cells.page asc,
                table_cells.table_code asc
        ) as cell_rank
    from findings_keyed as keyed
    inner join table_cells
        on
            keyed.disclosure_id = table_cells.disclosure_id
            and keyed.provided_value = table_cells.amount_wan_yuan
            and {{ list_has("keyed.subject_tokens", "table_cells.cell_code") }}
            and (keyed.subject_table = '' or keyed.subject_table = table_cells.table_code)
    where keyed.evidence_key = '' and keyed.unit = '万元'
),

cell_evidence as (
    select
        disclosure_id,
        rule_id,
        subject,
        evidence_page,
        evidence_bbox,
        evidence_quote
    from cell_evidence_ranked
    where cell_rank = 1
),

evidence as (
    select * from text_evidence
    union all
    select * from cell_evidence
),

final as (
    select
        'F-' || left(md5(formatted.disclosure_id || '|' || formatted.rule_id || '|' || formatted.subject), 16)
            as finding_id,
        formatted.disclosure_id,
        formatted.rule_id,
        catalogue.family,
        catalogue.title_zh,
        catalogue.title_en,
        coalesce(formatted.severity_override, catalogue.severity) as severity,
        formatted.subject,
        formatted.subject_name,
        cast(formatted.provided_value as decimal(38, 10)) as provided_value,
        cast(formatted.expected_value as decimal(38, 10)) as expected_value,
        formatted.difference,
        cast(formatted.tolerance as decimal(38, 10)) as tolerance,
        formatted.unit,
        formatted.decided_status as status,
        case
            when formatted.decided_status in ('not_applicable', 'insufficient_data')
                then
                    catalogue.title_zh || '：' || coalesce(formatted.subject_name, formatted.subject)
                    || ' 未检查（' || coalesce(formatted.note_zh, '缺少数据') || '）'
            else
                catalogue.title_zh || '：' || coalesce(formatted.subject_name, formatted.subject)
                || ' 列示 ' || formatted.provided_text
                || '，应为 ' || formatted.expected_text
                || '，差额 ' || formatted.difference_text
                || coalesce(' ' || formatted.unit, '')
                || coalesce('（容差 ' || formatted.tolerance_text || '）', '')
                || coalesce('。' || formatted.note_zh, '')
        end as message_zh,
        case
            when formatted.decided_status in ('not_applicable', 'insufficient_data')
                then
                    catalogue.title_en || ': ' || formatted.subject
                    || ' not checked (' || coalesce(formatted.note_en, 'missing data') || ')'
            else
                catalogue.title_en || ': ' || formatted.subject
                || ' stated ' || formatted.provided_text
                || ', expected ' || formatted.expected_text
                || ', difference ' || formatted.difference_text
                || coalesce(' ' || formatted.unit, '')
                || coalesce(' (tolerance ' || formatted.tolerance_text || ')', '')
                || coalesce('. ' || formatted.note_en, '')
        end as message_en,
        formatted.source_sections,
        sources.source_document,
        evidence.evidence_page,
        evidence.evidence_bbox,
        evidence.evidence_quote
    from formatted
    inner join catalogue on formatted.rule_id = catalogue.rule_id
    left join sources on formatted.disclosure_id = sources.disclosure_id
    left join evidence
        on
            formatted.disclosure_id = evidence.disclosure_id
            and formatted.rule_id = evidence.rule_id
            and formatted.subject = evidence.subject
)

select * from final
