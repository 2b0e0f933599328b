{#- Rows for which a boolean expression does not hold (null counts as not holding). -#}
{% test expression_is_true(model, expression) %}

select * from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
