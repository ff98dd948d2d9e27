{#-
    Left-join `targets` to `relation` once per ancestor level and return the code of the most
    specific unit that has a target: the unit itself, else its township, county, city, province.
    `relation` must carry indicator_code, village_code … province_code; `match_year` adds
    `targets.year = relation.year`. One equality join per level keeps this a hash join at
    national scale (an OR join across levels would not be).
-#}
{% macro nearest_target_code() %}
    coalesce(
        {%- for level in ['village', 'township', 'county', 'city', 'province'] %}
        {{ level }}_target.org_unit_code{% if not loop.last %},{% endif %}
        {%- endfor %}
    )
{% endmacro %}

{% macro nearest_target_joins(relation, targets, match_year=true) %}
    {%- for level in ['village', 'township', 'county', 'city', 'province'] %}
    left join {{ targets }} as {{ level }}_target
        on {{ level }}_target.indicator_code = {{ relation }}.indicator_code
        {%- if match_year %}
        and {{ level }}_target.year = {{ relation }}.year
        {%- endif %}
        and {{ level }}_target.org_unit_code = {{ relation }}.{{ level }}_code
    {%- endfor %}
{% endmacro %}
