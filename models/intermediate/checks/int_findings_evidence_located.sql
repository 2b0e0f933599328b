-- Where each finding a steward reviews is printed. Computed apart from fct_identity_checks: as one plan with
-- the mart's 9.6 M rows (10,000 disclosures) the lookups cost ten times what they cost alone.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

check_rows as (
    {{ all_check_rows() }}
),

applicable as (
    select * from {{ changed_disclosures_only(ref('int_rules_applicable')) }}
    where is_applicable
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
    from {{ changed_disclosures_only(ref('stg_final_accounts__narrative_figures')) }}
    where is_accepted
),

document_texts as (
    select
        disclosure_id,
        text_id,
        page,
        bbox,
        text_printed
    from {{ changed_disclosures_only(ref('stg_final_accounts__document_texts')) }}
    where is_accepted
),

calculations as (
    select
        disclosure_id,
        calculation_id,
        result_figure_id
    from {{ changed_disclosures_only(ref('stg_final_accounts__stated_calculations')) }}
    where is_accepted
),

table_cells as (
    select * from {{ changed_disclosures_only(ref('int_table_cells_located')) }}
),

-- evidence is shown beside what a steward reviews; a passing check needs none (8.5 M of 9.6 M rows at
-- 10,000 disclosures). A rule that did not run or does not apply has no subject to look up.
reviewable as (
    select check_rows.*
    from check_rows
    inner join applicable
        on
            check_rows.disclosure_id = applicable.disclosure_id
            and check_rows.rule_id = applicable.rule_id
    where {{ decided_status('check_rows') }} not in ('pass', 'not_applicable')
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
    from reviewable
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

final as (
    select * from text_evidence
    union all
    select * from cell_evidence
)

select * from final
