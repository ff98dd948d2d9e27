{#- For standards above the county: how many counties meet their own target, out of the
    counties with data and a target. -#}
with

targeted as (select * from {{ ref('int_indicator_values_targeted') }}),
indicators as (select * from {{ ref('indicators') }}),

county_standards as (

    select
        targeted.indicator_code,
        targeted.year,
        targeted.province_code,
        targeted.city_code,
        case
            when {{ meets_target('targeted.comparator', 'targeted.value',
                                 'targeted.target_value', 'targeted.target_value_high') }}
                then 1
            else 0
        end as numerator,
        1 as denominator,
        targeted.is_demo
    from targeted
    inner join indicators on targeted.indicator_code = indicators.indicator_code
    where indicators.value_kind = 'standard'
        and targeted.level = 'county'
        and targeted.value is not null
        and targeted.comparator is not null

),

counted as (

    {{ rollup_hierarchy('county_standards', ['indicator_code', 'year'], [
        'cast(sum(numerator) as bigint) as numerator',
        'cast(sum(denominator) as bigint) as denominator',
    ], levels=['province', 'city']) }}

)

select * from counted
