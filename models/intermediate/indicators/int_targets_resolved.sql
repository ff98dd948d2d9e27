{#- Targets in the indicator's own terms. A `decrease_from_baseline` target ("明显下降") is a
    percentage fall from the unit's value in the target's baseline year; it becomes `<=` that
    value × (100 − target) ÷ 100, rounded down (a count of cases cannot be fractional). Without a
    baseline value it cannot be resolved and has no comparator (the status is `no_target`).
    Such a target is a total for its own unit (count indicators are not inherited). -#}
with

targets as (select * from {{ ref('stg_reference__targets') }}),
values_rolled_up as (select * from {{ ref('int_indicator_values_rolled_up') }}),

final as (

    select
        targets.indicator_code,
        targets.org_unit_code,
        targets.year,
        case
            when targets.comparator <> 'decrease_from_baseline' then targets.comparator
            when base.value is not null then '<='
        end as comparator,
        case
            when targets.comparator <> 'decrease_from_baseline' then targets.target_value
            else cast(floor(base.value * (100 - targets.target_value) / 100) as decimal(18, 2))
        end as target_value,
        targets.target_value_high,
        targets.comparator as declared_comparator,
        targets.target_value as declared_target_value,
        targets.baseline_year,
        cast(base.value as decimal(18, 2)) as baseline_value,
        targets.is_demo,
        targets.basis
    from targets
    left join values_rolled_up as base
        on targets.comparator = 'decrease_from_baseline'
        and base.indicator_code = targets.indicator_code
        and base.org_unit_code = targets.org_unit_code
        and base.year = targets.baseline_year

)

select * from final
