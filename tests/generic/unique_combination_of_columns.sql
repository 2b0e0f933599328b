{#- The grain of a model: no two rows share these columns. -#}
{% test unique_combination_of_columns(model, columns) %}

with

grouped as (
    select
        {{ columns | join(', ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ columns | join(', ') }}
)

select * from grouped
where row_count > 1

{% endtest %}
