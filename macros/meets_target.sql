{#-
    True when `lhs` satisfies the comparator against the target. Rates call it with
    lhs = numerator * 100 and the targets scaled by the denominator, so the comparison is exact
    and 99.996% never rounds up to a met 100% target.
-#}
{% macro meets_target(comparator, lhs, low, high) -%}
    case {{ comparator }}
        when '>=' then {{ lhs }} >= {{ low }}
        when '<=' then {{ lhs }} <= {{ low }}
        when '==' then {{ lhs }} = {{ low }}
        when 'between' then {{ lhs }} >= {{ low }} and {{ lhs }} <= {{ high }}
    end
{%- endmacro %}
