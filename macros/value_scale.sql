{#- Ratio indicators are stored as numerator and denominator; this is the factor that turns
    their quotient into the published value: percent for `rate`, per 1,000 for `per_thousand`.
    Other kinds (`count`, `standard`) compare the value itself. -#}
{% macro value_scale(value_kind) -%}
    case {{ value_kind }} when 'rate' then 100 when 'per_thousand' then 1000 end
{%- endmacro %}
