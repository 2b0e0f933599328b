{#-
    Per-disclosure models rebuilt only for the disclosures whose raw rows changed (DuckDB).

    The nightly's build file starts as a copy of the published one when the landing kept unchanged raw files
    and the project is the one that built it (budget_warehouse.incremental); the per-disclosure models are then
    dbt `incremental`: their rows of the changed disclosures (int_disclosures_changed) are deleted, then
    computed again from the rows of those disclosures only. On a night that builds from scratch (a fresh file:
    `--full-refresh`, a changed project, one night in seven) they are built whole, a slice of disclosures at a
    time when the corpus is large (disclosure_slices); on PostgreSQL and Spark, whose nightlies build every
    model from scratch, they are plain tables.

    A model opts in with:
        -- depends_on: {{ ref('int_disclosures_changed') }}
        {{ config(**per_disclosure_incremental()) }}
    and reads each per-disclosure input through changed_disclosures_only(ref(...)), a raw kind through
    changed_raw_rows('raw_...'). A model whose rows of a disclosure read its department's other disclosures
    (int_checks__multi_year) reads them through changed_disclosures_only(ref(...), sliced=false): the
    changed set holds every disclosure of a changed department, but a slice would not, so such a model is
    built from scratch in one query.
-#}
{% macro per_disclosure_incremental() -%}
    {{ return(adapter.dispatch('per_disclosure_incremental', 'budget_warehouse')()) }}
{%- endmacro %}

{% macro default__per_disclosure_incremental() -%}
    {{ return({'materialized': 'table'}) }}
{%- endmacro %}

{% macro duckdb__per_disclosure_incremental() -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'fail',
        'pre_hook': ["{{ delete_changed_disclosures() }}", "{{ start_disclosure_slices() }}"],
        'post_hook': "{{ build_remaining_disclosure_slices() }}",
    }) }}
{%- endmacro %}

{#- The rows of `relation` for the disclosures to compute: all of them, or on an incremental run the changed
    ones. A raw row with no disclosure id (rejected in staging) belongs to no disclosure: such rows are
    computed again on every run, as they are deleted on every run. Models' ids are trimmed already; raw ids
    are compared trimmed (changed_raw_rows), as staging reads them (trimming every id cost 0.8 s a scan of
    the 9.6 M findings at 10,000 disclosures, against 0.09 s). -#}
{% macro changed_disclosures_only(relation, id_expression='disclosure_id', sliced=true) -%}
    {%- if is_incremental() -%}
        (
            select * from {{ relation }}
            where
                coalesce({{ id_expression }}, '') = ''
                or {{ id_expression }} in (select changed.disclosure_id from {{ ref('int_disclosures_changed') }} as changed)
        )
    {%- else -%}
        {%- set slices = disclosure_slices() if sliced else 1 -%}
        {%- if slices > 1 -%}
            (
                select * from {{ relation }}
                where {{ disclosure_slice_of(id_expression, slices) }} = getvariable('{{ slice_variable() }}')
            )
        {%- else -%}
            {{ relation }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The landed rows of a raw kind (raw_relation) for the disclosures to compute, their ids trimmed. -#}
{% macro changed_raw_rows(raw_name) -%}
    {{ changed_disclosures_only(raw_relation(raw_name), id_expression='trim(disclosure_id)') }}
{%- endmacro %}

{#- Before an incremental run appends them again: the rows of the changed disclosures (including those that
    vanished) and the rows of no disclosure. -#}
{% macro delete_changed_disclosures() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where
            coalesce(disclosure_id, '') = ''
            or disclosure_id in (select changed.disclosure_id from {{ ref('int_disclosures_changed') }} as changed)
    {%- endif -%}
{%- endmacro %}

{#-
    A from-scratch build of many disclosures computes each per-disclosure model a slice of disclosures at a
    time: the model's query runs once per slice (the slice named in a session variable), the first creating
    the table, the others appending to it. Each query then holds one slice's groups, joins and sorts: DuckDB
    keeps some aggregate states (ordered and distinct string aggregates) in memory instead of spilling them:
    at 100,000 disclosures one query over every disclosure ran out of memory, and at 10,000 the build used
    all of its 4 GB. The rows are the same as one
    query's, as on an incremental night: a per-disclosure model's rows of a disclosure depend on that
    disclosure's input rows only. Rows of no disclosure (rejected in staging) belong to the first slice.

    The number of slices: the landed disclosures divided by the var `disclosures_per_slice` (dbt_project.yml),
    rounded up; up to that many disclosures, one query. An incremental run computes few disclosures and is
    never sliced; nor is any model on PostgreSQL or Spark, which plan and spill a large query themselves.
-#}
{% macro disclosure_slices() -%}
    {{ return(adapter.dispatch('disclosure_slices', 'budget_warehouse')()) }}
{%- endmacro %}

{% macro default__disclosure_slices() -%}
    {{ return(1) }}
{%- endmacro %}

{% macro duckdb__disclosure_slices() -%}
    {%- if not execute or is_incremental() -%}
        {{ return(1) }}
    {%- endif -%}
    {{ return(landed_disclosure_slices()) }}
{%- endmacro %}

{#- The slices the landed disclosures make, however the model is built: the post-hook asks once the table
    exists, when is_incremental() would answer otherwise. The landing does not change during a build. -#}
{% macro landed_disclosure_slices() -%}
    {%- set per_slice = var('disclosures_per_slice') | int -%}
    {%- if per_slice < 1 -%}
        {{ exceptions.raise_compiler_error(
            "disclosures_per_slice must be a whole number above 0, not " ~ var('disclosures_per_slice')
        ) }}
    {%- endif -%}
    {#- nothing landed (a compile against an empty file, as the linter's): nothing to slice. The landing
        schema looked up, not source(): a unit test may not read a source its fixtures do not give. -#}
    {%- set landed = adapter.get_relation(database=target.database, schema='landing', identifier='raw_disclosures') -%}
    {%- if landed is none -%}
        {{ return(1) }}
    {%- endif -%}
    {%- set counted = run_query("select count(*) from " ~ landed) -%}
    {%- set disclosures = counted.columns[0].values()[0] | int -%}
    {{ return([(disclosures + per_slice - 1) // per_slice, 1] | max) }}
{%- endmacro %}

{% macro slice_variable() -%}
    budget_warehouse_disclosure_slice
{%- endmacro %}

{#- The slice (0 .. slices - 1) a disclosure id belongs to: a hash of the id, so every model agrees. -#}
{% macro disclosure_slice_of(id_expression, slices) -%}
    case when coalesce({{ id_expression }}, '') = '' then 0 else hash({{ id_expression }}) % {{ slices }} end
{%- endmacro %}

{#- Before the model's query (pre-hook): its first slice. -#}
{% macro start_disclosure_slices() -%}
    {%- if execute and slice_variable() in model.compiled_code -%}
        set variable {{ slice_variable() }} = 0
    {%- endif -%}
{%- endmacro %}

{#- After the query built the first slice (post-hook): the others, appended. -#}
{% macro build_remaining_disclosure_slices() -%}
    {%- if execute and slice_variable() in model.compiled_code -%}
        {%- for slice in range(1, landed_disclosure_slices()) %}
            set variable {{ slice_variable() }} = {{ slice }};
            insert into {{ this }} select * from ({{ model.compiled_code }}) as disclosure_slice;
        {%- endfor %}
        reset variable {{ slice_variable() }};
    {%- endif -%}
{%- endmacro %}

{#-
    A data test on an incremental night tests the rows the night computed. The rows a per-disclosure model
    kept from the published warehouse were tested by the build that computed them, with the same tests (the
    project version, budget_warehouse.incremental, covers the tests too, so a changed test means a build
    from scratch); testing them again each night cost most of the night's tests at 10,000 disclosures. The
    expectation suites still validate every row of the published marts after each build.

    dbt wraps the model a generic test reads in get_where_subquery; on DuckDB this adds to dbt's `where`:
    - a row-level test (not null, accepted values, relationships, an expression, a pattern), or a test of a
      grain that includes disclosure_id: the rows of the changed disclosures and the rows of no disclosure,
      as the model computed them;
    - `unique` on another column: every row holding a value one of those rows holds, so a duplicate between
      a changed and an unchanged disclosure is still found.
    Any other test, a model that is not per-disclosure, or a night whose build started from scratch: every
    row. The landing says which night it is: landing.kept_models exists only when the build file kept the
    last build's models (its existence is looked up in dbt's relation cache, no query for each test).
-#}
{#- PostgreSQL and Spark build every night from scratch: dbt's own, the test's `where` config only -#}
{% macro default__get_where_subquery(relation) -%}
    {{ return(dbt.default__get_where_subquery(relation)) }}
{%- endmacro %}

{% macro duckdb__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {#- one macro: dbt parses a generic test with only the macros it can see it call -#}
    {%- set changed_rows_of_test = '' -%}
    {%- set kept = execute and adapter.get_relation(
        database=target.database, schema='landing', identifier='kept_models'
    ) is not none -%}
    {%- if kept -%}
        {%- set models = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | list -%}
        {%- set tested = models | selectattr('alias', 'equalto', relation.identifier)
            | selectattr('schema', 'equalto', relation.schema) | first -%}
        {%- set changed = models | selectattr('name', 'equalto', 'int_disclosures_changed') | first -%}
        {%- set test = model.get('test_metadata') or {} -%}
        {%- set test_name = test.get('name') -%}
        {%- set arguments = test.get('kwargs', {}) -%}
        {%- if tested is not undefined and changed is not undefined and tested.config.materialized == 'incremental' -%}
            {%- set changed_ids -%}
                (select changed.disclosure_id from {{ api.Relation.create(database=changed.database, schema=changed.schema, identifier=changed.alias) }} as changed)
            {%- endset -%}
            {%- set changed_rows -%}
                (coalesce(disclosure_id, '') = '' or disclosure_id in {{ changed_ids }})
            {%- endset -%}
            {%- if test_name in ('not_null', 'accepted_values', 'relationships', 'expression_is_true', 'matches_pattern') -%}
                {%- set changed_rows_of_test = changed_rows -%}
            {%- elif test_name == 'unique' and arguments.get('column_name') == 'disclosure_id' -%}
                {%- set changed_rows_of_test = changed_rows -%}
            {%- elif test_name == 'unique' -%}
                {%- set column = arguments.get('column_name') -%}
                {%- set changed_rows_of_test = column ~ ' in (select ' ~ column ~ ' from ' ~ relation ~ ' where ' ~ changed_rows ~ ')' -%}
            {%- elif test_name == 'unique_combination_of_columns' and 'disclosure_id' in arguments.get('columns', []) -%}
                {%- set changed_rows_of_test = changed_rows -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {%- set conditions = [where, changed_rows_of_test] | select | list -%}
    {%- if not conditions -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ conditions | join(' and ') }}) as dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
{%- endmacro %}
