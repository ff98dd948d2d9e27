{#-
    Aggregate rows up the administrative hierarchy in one set-based pass: one `select ... group by`
    per level, glued with `union all`. Each input row must carry province_code, city_code,
    county_code, township_code and village_code (null above its own level), so it is counted
    once at its own level and once at every ancestor. `aggregates` are full select expressions
    such as "cast(sum(numerator) as bigint) as numerator". Rates are then computed from the
    summed parts, never by averaging percentages. With `approval=true` the rows' approval
    flags (all_approved, any_approved; macros/approval_flags.sql) are combined too.
-#}
{% macro rollup_hierarchy(relation, keys, aggregates, levels=none, approval=false) %}
    {%- set levels = levels or ['province', 'city', 'county', 'township', 'village'] -%}
    {%- for level in levels %}
    select
        {{ level }}_code as org_unit_code,
        '{{ level }}' as level,
        {%- for key in keys %}
        {{ key }},
        {%- endfor %}
        {%- for expression in aggregates %}
        {{ expression }},
        {%- endfor %}
        {%- if approval %}
        {{ approval_flags(rolled=true) }},
        {%- endif %}
        bool_or(is_demo) as is_demo
    from {{ relation }}
    where {{ level }}_code is not null
    group by {{ level }}_code{% for key in keys %}, {{ key }}{% endfor %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{% endmacro %}

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
