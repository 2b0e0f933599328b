{#-
    On PostgreSQL, stewards record decisions in <prefix>_stewardship.decisions (the `steward` role may write it;
    budget_warehouse.pg_warehouse creates it) as well as in seeds/steward_acknowledgements.csv. After the seed
    is loaded, this post-hook merges the table into it: a decision in the table replaces the file's on the same
    finding, so the seed's tests and fct_findings_reviewed see one decision per finding. The prefix is the
    published one (BUDGET_WAREHOUSE_PG_PUBLISHED_SCHEMA, set by the nightly while it builds under its own
    prefix). On DuckDB the file is the only record: nothing to merge.
-#}
{% macro merge_stewardship_decisions() -%}
    {{ return(adapter.dispatch('merge_stewardship_decisions')()) }}
{%- endmacro %}

{% macro default__merge_stewardship_decisions() -%}
    select 1
{%- endmacro %}

{% macro postgres__merge_stewardship_decisions() -%}
    {%- set prefix = env_var('BUDGET_WAREHOUSE_PG_PUBLISHED_SCHEMA', target.schema) -%}
    {%- set decisions = adapter.get_relation(
        database=target.database, schema=prefix ~ '_stewardship', identifier='decisions'
    ) -%}
    {%- if decisions is none -%}
        select 1
    {%- else -%}
        delete from {{ this }} where finding_id in (select finding_id from {{ decisions }});
        insert into {{ this }} (finding_id, decision, decided_by, decided_on, note)
        select finding_id, decision, decided_by, decided_on, note from {{ decisions }}
    {%- endif -%}
{%- endmacro %}
