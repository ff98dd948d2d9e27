{#- Within the year, for indicators reported quarterly (cumulative year-to-date figures): the
    annual target prorated to the quarters that have ended, the value against it (on track
    within the tolerance, as TolaData does), and the value projected to the year end. -#}
with

measures as (select * from {{ ref('stg_submissions__indicator_measures') }}),
org_units as (select * from {{ ref('stg_reference__org_units') }}),
indicators as (select * from {{ ref('dim_indicators') }}),
annual as (select * from {{ ref('int_indicator_values_targeted') }}),

located as (

    select
        measures.indicator_code,
        measures.year,
        measures.quarter,
        measures.numerator,
        measures.denominator,
        measures.is_demo,
        org_units.province_code,
        org_units.city_code,
        org_units.county_code,
        org_units.township_code,
        org_units.village_code
    from measures
    inner join org_units on measures.org_unit_code = org_units.org_unit_code
    where measures.quarter is not null

),

rolled_up as (

    {{ rollup_hierarchy('located', ['indicator_code', 'year', 'quarter'], [
        'cast(sum(numerator) as bigint) as numerator',
        'cast(sum(denominator) as bigint) as denominator',
    ]) }}

),

measured as (

    {#- The annual target that applies (own or inherited, counts never inherited) is the one
        int_indicator_values_targeted already resolved for the year's value. -#}
    select
        rolled_up.indicator_code,
        rolled_up.org_unit_code,
        rolled_up.level,
        rolled_up.year,
        rolled_up.quarter,
        rolled_up.numerator,
        rolled_up.denominator,
        {{ indicator_value('indicators.value_kind', 'rolled_up.numerator', 'rolled_up.denominator') }}
            as value,
        indicators.value_kind,
        annual.comparator,
        annual.target_value,
        rolled_up.is_demo
    from rolled_up
    inner join indicators on rolled_up.indicator_code = indicators.indicator_code
    left join annual
        on annual.indicator_code = rolled_up.indicator_code
        and annual.org_unit_code = rolled_up.org_unit_code
        and annual.year = rolled_up.year

),

prorated as (

    select
        measured.*,
        case
            when value_kind = 'count'
                then cast(target_value * quarter / 4 as decimal(18, 2))
            else target_value
        end as prorated_target,
        case
            when value_kind = 'count' then cast(value * 4 / quarter as decimal(18, 2))
            else value
        end as projected_year_end
    from measured

),

final as (

    select
        indicator_code,
        org_unit_code,
        level,
        year,
        quarter,
        numerator,
        denominator,
        value,
        comparator,
        target_value,
        prorated_target,
        projected_year_end,
        case
            when value is null then 'no_data'
            when comparator is null then 'no_target'
            when {{ meets_target('comparator', 'value', 'target_value', 'target_value') }}
                then 'achieved'
            when comparator = '>=' and value >= prorated_target * (1 - {{ var('within_year_tolerance') }})
                then 'on_track'
            when comparator = '<=' and value <= prorated_target * (1 + {{ var('within_year_tolerance') }})
                then 'on_track'
            else 'needs_acceleration'
        end as in_year_status,
        is_demo
    from prorated

)

select * from final
{{ lookup_order(['org_unit_code', 'indicator_code', 'year', 'quarter']) }}
