{#- Rates: numerators and denominators summed to every level. Standards (元/人/年) are set
    per county: county rows as submitted, and above the county the lowest standard. -#}
with

inputs as (select * from {{ ref('int_indicator_inputs_unioned') }}),
indicators as (select * from {{ ref('indicators') }}),

rates as (

    select inputs.*
    from inputs
    inner join indicators on inputs.indicator_code = indicators.indicator_code
    where indicators.value_kind = 'rate'

),

standards as (

    select inputs.*
    from inputs
    inner join indicators on inputs.indicator_code = indicators.indicator_code
    where indicators.value_kind = 'standard'

),

rates_rolled_up as (

    {{ rollup_hierarchy('rates', ['indicator_code', 'year'], [
        'cast(sum(numerator) as bigint) as numerator',
        'cast(sum(denominator) as bigint) as denominator',
        'cast(null as decimal(18, 2)) as value',
    ]) }}

),

standards_rolled_up as (

    {{ rollup_hierarchy('standards', ['indicator_code', 'year'], [
        'cast(null as bigint) as numerator',
        'cast(null as bigint) as denominator',
        'cast(min(value) as decimal(18, 2)) as value',
    ], levels=['province', 'city', 'county']) }}

),

final as (

    select
        indicator_code,
        org_unit_code,
        level,
        year,
        numerator,
        denominator,
        cast(
            round(cast(numerator as decimal(18, 4)) * 100 / nullif(denominator, 0), 2)
            as decimal(18, 2)
        ) as value,
        is_demo
    from rates_rolled_up
    union all
    select indicator_code, org_unit_code, level, year, numerator, denominator, value, is_demo
    from standards_rolled_up

)

select * from final
