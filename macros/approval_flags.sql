{#- Approval carried up with the figures: `all_approved` (every submission behind the figure is
    approved) and `any_approved` (at least one is). From them fct_indicator_values says
    approved, pending, or mixed (含未审核数据) for a roll-up over approved and pending units.
    `expression` is a per-row boolean (null counts as not approved); with `rolled=true` the rows
    already carry the two flags and are combined. -#}
{% macro approval_flags(expression=none, rolled=false) -%}
    {%- if rolled -%}
    bool_and(coalesce(all_approved, false)) as all_approved,
    bool_or(coalesce(any_approved, false)) as any_approved
    {%- else -%}
    bool_and(coalesce({{ expression }}, false)) as all_approved,
    bool_or(coalesce({{ expression }}, false)) as any_approved
    {%- endif -%}
{%- endmacro %}

{#- The mart's word for the two flags (DESIGN.md `approval_status`). -#}
{% macro approval_status(all_approved, any_approved) -%}
    case
        when {{ all_approved }} then 'approved'
        when {{ any_approved }} then 'mixed'
        else 'pending'
    end
{%- endmacro %}
