{#- Ratio indicators are stored as numerator and denominator; this is the factor that turns
    their quotient into the published value: percent for `rate`, per 1,000 for `per_thousand`.
    Other kinds (`count`, `standard`) compare the value itself. -#}
{% macro value_scale(value_kind) -%}
    case {{ value_kind }} when 'rate' then 100 when 'per_thousand' then 1000 end
{%- endmacro %}

{#- The published value from summed parts: a count is its numerator; a rate or per-thousand
    ratio is scale × numerator ÷ denominator, rounded to 2 decimals (null when nothing to divide). -#}
{% macro indicator_value(value_kind, numerator, denominator) -%}
    case
        when {{ value_kind }} = 'count' then cast({{ numerator }} as decimal(18, 2))
        else cast(round(cast({{ numerator }} as decimal(18, 4)) * {{ value_scale(value_kind) }}
            / nullif({{ denominator }}, 0), 2) as decimal(18, 2))
    end
{%- endmacro %}
