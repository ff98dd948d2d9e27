with

targeted as (select * from {{ ref('int_indicator_values_targeted') }}),
counties_counted as (select * from {{ ref('int_standard_counties_counted') }}),
indicators as (select * from {{ ref('indicators') }}),

completed as (

    select
        targeted.indicator_code,
        targeted.org_unit_code,
        targeted.level,
        targeted.year,
        indicators.value_kind,
        case
            when indicators.value_kind = 'standard' and targeted.level = 'county' then
                case
                    when targeted.value is null then cast(null as bigint)
                    when {{ meets_target('targeted.comparator', 'targeted.value',
                        'targeted.target_value', 'targeted.target_value_high') }} then 1
                    else 0
                end
            when indicators.value_kind = 'standard' then coalesce(counties_counted.numerator, 0)
            else targeted.numerator
        end as numerator,
        case
            when indicators.value_kind = 'standard' and targeted.level = 'county' then
                case when targeted.value is not null then cast(1 as bigint) end
            when indicators.value_kind = 'standard' then coalesce(counties_counted.denominator, 0)
            else targeted.denominator
        end as denominator,
        targeted.value,
        targeted.target_org_unit_code,
        targeted.comparator,
        targeted.target_value,
        targeted.target_value_high,
        targeted.target_is_demo,
        targeted.target_basis,
        targeted.is_demo,
        {{ approval_status('targeted.all_approved', 'targeted.any_approved') }}
            as approval_status,
        {{ value_scale('indicators.value_kind') }} as scale
    from targeted
    inner join indicators on targeted.indicator_code = indicators.indicator_code
    left join counties_counted
        on counties_counted.indicator_code = targeted.indicator_code
        and counties_counted.year = targeted.year
        and counties_counted.org_unit_code = targeted.org_unit_code

),

assessed as (

    select
        completed.*,
        case
            when value is null then 'no_data'
            when value_kind = 'standard' and level <> 'county' then
                case
                    when denominator = 0 then 'no_target'
                    when numerator = denominator then 'achieved'
                    else 'not_achieved'
                end
            when comparator is null then 'no_target'
            when value_kind in ('rate', 'per_thousand') and {{ meets_target('comparator',
                'numerator * scale', 'target_value * denominator',
                'target_value_high * denominator') }}
                then 'achieved'
            when value_kind in ('count', 'standard') and {{ meets_target('comparator', 'value',
                'target_value', 'target_value_high') }}
                then 'achieved'
            else 'not_achieved'
        end as status,
        case
            when value_kind = 'standard' and level <> 'county' then denominator - numerator
            when value_kind in ('count', 'standard') then
                case comparator
                    when '>=' then greatest(target_value - value, 0)
                    when '<=' then greatest(value - target_value, 0)
                    when 'between' then greatest(target_value - value, value - target_value_high, 0)
                    else abs(value - target_value)
                end
            else
                case comparator
                    when '>=' then greatest(ceiling(target_value * denominator / scale - numerator), 0)
                    when '<=' then greatest(numerator - floor(target_value * denominator / scale), 0)
                    when 'between' then greatest(
                        ceiling(target_value * denominator / scale - numerator),
                        numerator - floor(target_value_high * denominator / scale),
                        0
                    )
                    else abs(numerator - target_value * denominator / scale)
                end
        end as raw_gap
    from completed

),

final as (

    select
        indicator_code,
        org_unit_code,
        level,
        year,
        numerator,
        denominator,
        value,
        target_org_unit_code,
        comparator,
        target_value,
        target_value_high,
        coalesce(target_is_demo, false) as target_is_demo,
        target_basis,
        status,
        case
            when status in ('no_data', 'no_target') then cast(null as decimal(18, 2))
            else cast(raw_gap as decimal(18, 2))
        end as gap,
        is_demo,
        approval_status
    from assessed

)

select * from final
{{ lookup_order(['org_unit_code', 'indicator_code', 'year']) }}
