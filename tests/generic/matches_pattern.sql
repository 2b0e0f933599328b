{#- Values that do not fully match a regular expression (nulls are left to not_null). -#}
{% test matches_pattern(model, column_name, pattern) %}

select {{ column_name }} from {{ model }}
where
    {{ column_name }} is not null
    and not {{ regex_full_match(column_name, "'" ~ pattern ~ "'") }}

{% endtest %}
