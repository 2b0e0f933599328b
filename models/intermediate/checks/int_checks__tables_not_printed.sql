-- The rules on a table the document prints empty (printed_empty) or does not print (not_found) do not apply to
-- it: one not_applicable row per disclosure x rule x such table, saying why, so that no rule reads a missing
-- table as zeros. Whether a missing required table is itself a finding is CMP-04's question.
-- depends_on: {{ ref('int_disclosures_changed') }}
{{ config(**per_disclosure_incremental()) }}

with

printed_tables as (
    select * from {{ changed_disclosures_only(ref('fct_printed_tables')) }}
    where status in ('printed_empty', 'not_found')
),

-- the tables each rule reads
rule_tables (rule_id, table_code) as (
    values
    ('HIER-01', 'T2'), ('HIER-01', 'T3'), ('HIER-01', 'T5'), ('HIER-01', 'T8'), ('HIER-01', 'T9'),
    ('HIER-02', 'T2'), ('HIER-02', 'T3'), ('HIER-02', 'T5'), ('HIER-02', 'T8'), ('HIER-02', 'T9'),
    ('HIER-04', 'T1'), ('HIER-04', 'T4'),
    ('HIER-05', 'T2'), ('HIER-05', 'T3'), ('HIER-05', 'T5'), ('HIER-05', 'T8'), ('HIER-05', 'T9'),
    ('ROW-01', 'T3'), ('ROW-02', 'T5'), ('ROW-03', 'T2'), ('ROW-04', 'T1'), ('ROW-04', 'T4'),
    ('BAL-01', 'T1'), ('BAL-01', 'T4'), ('BAL-02', 'T1'), ('BAL-02', 'T4'), ('BAL-03', 'T1'), ('BAL-03', 'T4'),
    ('BAL-04', 'T8'), ('BAL-04', 'T9'),
    ('ECO-04', 'T6'), ('ECO-05', 'T6'),
    ('TPE-01', 'T7'), ('TPE-02', 'T7'),
    ('XT-02', 'T6'), ('XT-03', 'T2'), ('XT-03', 'T3'),
    ('XT-04', 'T5'), ('XT-04', 'T8'), ('XT-04', 'T9')
),

final as (
    select
        printed_tables.disclosure_id,
        rule_tables.rule_id,
        printed_tables.table_code || ':' || printed_tables.status as subject,
        printed_tables.table_code || ' ' || printed_tables.table_name as subject_name,
        cast(null as decimal(38, 10)) as provided_value,
        cast(null as decimal(38, 10)) as expected_value,
        cast(null as decimal(38, 10)) as tolerance,
        cast(null as {{ text_type() }}) as unit,
        'not_applicable' as status,
        cast(null as {{ text_type() }}) as severity_override,
        case printed_tables.status
            when 'printed_empty'
                then '该表印为空表，本规则不适用' || coalesce('（' || printed_tables.empty_note || '）', '')
            else '文件未印该表，本规则不适用（是否缺表见 CMP-04）'
        end as note_zh,
        case printed_tables.status
            when 'printed_empty'
                then
                    'the table was printed empty (headers only), so the rule does not apply to it'
                    || coalesce(': ' || printed_tables.empty_note, '')
            else 'the document does not print the table, so the rule does not apply to it (see CMP-04)'
        end as note_en,
        coalesce(printed_tables.title_printed, printed_tables.table_name) as source_sections
    from printed_tables
    inner join rule_tables on printed_tables.table_code = rule_tables.table_code
)

select * from final
