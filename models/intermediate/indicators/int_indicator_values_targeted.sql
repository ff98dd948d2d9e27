{#- Attach the target that applies to each value: the unit's own target or, failing that,
    the nearest ancestor's. A county-wide "every village" target thus reaches each village.
    A `count` target (11 stations) is a total for its own unit and is never inherited. -#}
with

values_rolled_up as (select * from {{ ref('int_indicator_values_rolled_up') }}),
org_units as (select * from {{ ref('stg_reference__org_units') }}),
targets as (select * from {{ ref('int_targets_resolved') }}),
indicators as (select * from {{ ref('indicators') }}),

with_ancestors as (

    select
        values_rolled_up.*,
        org_units.province_code,
        org_units.city_code,
        org_units.county_code,
        org_units.township_code,
        org_units.village_code
    from values_rolled_up
    inner join org_units on values_rolled_up.org_unit_code = org_units.org_unit_code

),

nearest_target as (

    select
        with_ancestors.*,
        {{ nearest_target_code() }} as target_org_unit_code
    from with_ancestors
    {{ nearest_target_joins('with_ancestors', 'targets') }}

),

final as (

    select
        nearest_target.indicator_code,
        nearest_target.org_unit_code,
        nearest_target.level,
        nearest_target.year,
        nearest_target.numerator,
        nearest_target.denominator,
        nearest_target.value,
        nearest_target.is_demo,
        nearest_target.all_approved,
        nearest_target.any_approved,
        nearest_target.province_code,
        nearest_target.city_code,
        nearest_target.county_code,
        nearest_target.township_code,
        nearest_target.village_code,
        targets.org_unit_code as target_org_unit_code,
        targets.comparator,
        targets.target_value,
        targets.target_value_high,
        targets.is_demo as target_is_demo,
        targets.basis as target_basis
    from nearest_target
    inner join indicators on nearest_target.indicator_code = indicators.indicator_code
    left join targets
        on targets.indicator_code = nearest_target.indicator_code
        and targets.year = nearest_target.year
        and targets.org_unit_code = nearest_target.target_org_unit_code
        and (indicators.value_kind <> 'count'
            or nearest_target.target_org_unit_code = nearest_target.org_unit_code)

)

select * from final
