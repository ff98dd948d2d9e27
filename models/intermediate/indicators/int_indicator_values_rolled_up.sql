{#- Rates, per-thousand ratios and counts: numerators (and denominators) summed to every
    level. Standards (元/人/年) are set per county: county rows as submitted, and above the
    county the lowest standard. -#}
with

inputs as (select * from {{ ref('int_indicator_inputs_unioned') }}),
indicators as (select * from {{ ref('indicators') }}),

summable as (

    select inputs.*
    from inputs
    inner join indicators on inputs.indicator_code = indicators.indicator_code
    where indicators.value_kind <> 'standard'

),

standards as (

    select inputs.*
    from inputs
    inner join indicators on inputs.indicator_code = indicators.indicator_code
    where indicators.value_kind = 'standard'

),

summed as (

    {{ rollup_hierarchy('summable', ['indicator_code', 'year'], [
        'cast(sum(numerator) as bigint) as numerator',
        'cast(sum(denominator) as bigint) as denominator',
        'cast(null as decimal(18, 2)) as value',
    ], approval=true) }}

),

standards_rolled_up as (

    {{ rollup_hierarchy('standards', ['indicator_code', 'year'], [
        'cast(null as bigint) as numerator',
        'cast(null as bigint) as denominator',
        'cast(min(value) as decimal(18, 2)) as value',
    ], levels=['province', 'city', 'county'], approval=true) }}

),

final as (

    select
        summed.indicator_code,
        summed.org_unit_code,
        summed.level,
        summed.year,
        summed.numerator,
        case when indicators.value_kind <> 'count' then summed.denominator end as denominator,
        {{ indicator_value('indicators.value_kind', 'summed.numerator', 'summed.denominator') }}
            as value,
        summed.is_demo,
        summed.all_approved,
        summed.any_approved
    from summed
    inner join indicators on summed.indicator_code = indicators.indicator_code
    union all
    select indicator_code, org_unit_code, level, year, numerator, denominator, value, is_demo,
        all_approved, any_approved
    from standards_rolled_up

)

select * from final
