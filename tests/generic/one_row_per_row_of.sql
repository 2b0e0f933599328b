{#- The grain of a view that joins a table to lookups: as many rows as the table, so no join adds a row.
    With the table's own tested grain this is the view's grain, counted without grouping every row again. -#}
{% test one_row_per_row_of(model, table) %}

with

counts as (
    select
        (select count(*) from {{ model }}) as model_rows,
        (select count(*) from {{ table }}) as table_rows
)

select * from counts
where model_rows <> table_rows

{% endtest %}
