{#- Rows where a part exceeds its whole, e.g. staff checked > staff in post. -#}
{% test not_greater_than(model, column_name, other) %}
    select {{ column_name }}, {{ other }} from {{ model }} where {{ column_name }} > {{ other }}
{% endtest %}
