{#- The mart's word for the two flags (DESIGN.md `approval_status`); the flags themselves are
    made by approval_flags, in macros/rollup_hierarchy.sql (sqlfluff's jinja templater only
    lets a macro call macros of its own file). -#}
{% macro approval_status(all_approved, any_approved) -%}
    case
        when {{ all_approved }} then 'approved'
        when {{ any_approved }} then 'mixed'
        else 'pending'
    end
{%- endmacro %}
