{#- Progress to a deadline year (e.g. 2025), by Open SDG's progress measure (Statistics Canada
    / sdg-build): the compound annual growth rate achieved since the baseline, against the rate
    needed to reach the target on time. Thresholds are in dbt_project.yml vars. -#}
with

indicator_values as (select * from {{ ref('fct_indicator_values') }}),
org_units as (select * from {{ ref('stg_reference__org_units') }}),
indicators as (select * from {{ ref('dim_indicators') }}),
targets as (select * from {{ ref('int_targets_resolved') }}),

deadline_years as (

    select indicator_code, org_unit_code, max(year) as year
    from targets
    group by 1, 2

),

deadline_targets as (

    select targets.*
    from targets
    inner join deadline_years
        on targets.indicator_code = deadline_years.indicator_code
        and targets.org_unit_code = deadline_years.org_unit_code
        and targets.year = deadline_years.year

),

baselines as (

    select indicator_code, org_unit_code, min(year) as baseline_year
    from indicator_values
    where value is not null
    group by 1, 2

),

with_ancestors as (

    select
        indicator_values.*,
        baselines.baseline_year,
        org_units.province_code,
        org_units.city_code,
        org_units.county_code,
        org_units.township_code,
        org_units.village_code
    from indicator_values
    inner join org_units on indicator_values.org_unit_code = org_units.org_unit_code
    left join baselines
        on indicator_values.indicator_code = baselines.indicator_code
        and indicator_values.org_unit_code = baselines.org_unit_code

),

targeted as (

    select
        with_ancestors.*,
        {{ nearest_target_code() }} as deadline_org_unit_code
    from with_ancestors
    {{ nearest_target_joins('with_ancestors', 'deadline_targets', match_year=false) }}

),

measured as (

    select
        targeted.indicator_code,
        targeted.org_unit_code,
        targeted.level,
        targeted.year,
        targeted.value,
        targeted.numerator,
        targeted.denominator,
        targeted.baseline_year,
        base.value as baseline_value,
        deadline.year as target_year,
        deadline.comparator,
        deadline.target_value,
        deadline.target_value_high,
        indicators.value_kind,
        case when indicators.direction = 'lower_is_better' then -1 else 1 end as direction_sign,
        targeted.is_demo,
        targeted.approval_status,
        case
            when targeted.year > targeted.baseline_year and base.value > 0
                and targeted.value >= 0 then
                power(cast(targeted.value as {{ dbt.type_float() }}) / base.value,
                    1.0 / (targeted.year - targeted.baseline_year)) - 1
        end as cagr_observed,
        case
            when deadline.year > targeted.baseline_year and base.value > 0
                and deadline.target_value > 0 then
                power(cast(deadline.target_value as {{ dbt.type_float() }}) / base.value,
                    1.0 / (deadline.year - targeted.baseline_year)) - 1
        end as cagr_required,
        case
            when targeted.year > targeted.baseline_year then
                cast(targeted.value - base.value as {{ dbt.type_float() }})
                / (targeted.year - targeted.baseline_year)
        end as change_observed,
        case
            when deadline.year > targeted.baseline_year then
                cast(deadline.target_value - base.value as {{ dbt.type_float() }})
                / (deadline.year - targeted.baseline_year)
        end as change_required
    from targeted
    inner join indicators on targeted.indicator_code = indicators.indicator_code
    left join deadline_targets as deadline
        on deadline.indicator_code = targeted.indicator_code
        and deadline.org_unit_code = targeted.deadline_org_unit_code
        and deadline.year >= targeted.year
        and (indicators.value_kind <> 'count'
            or targeted.deadline_org_unit_code = targeted.org_unit_code)
    left join indicator_values as base
        on base.indicator_code = targeted.indicator_code
        and base.org_unit_code = targeted.org_unit_code
        and base.year = targeted.baseline_year

),

growth as (

    select
        measured.*,
        case
            when value is null or target_value is null or baseline_value is null then null
            when baseline_value > 0 and target_value > 0 then 'growth_rate'
            else 'linear'
        end as progress_method
    from measured

),

ratios as (

    select
        growth.*,
        -- Classified as shown (4 decimals): in floating point an unchanged value gave a ratio of
        -- 0 on DuckDB and -1e-17 on Spark, limited_progress on one and deteriorating on the other.
        cast(round(cast(case progress_method
            when 'growth_rate' then cagr_observed / nullif(cagr_required, 0)
            when 'linear' then change_observed / nullif(change_required, 0)
        end as decimal(18, 4)), 4) as decimal(18, 4)) as ratio,
        case progress_method
            when 'growth_rate' then cagr_required
            when 'linear' then change_required
        end as required_change
    from growth

),

classified as (

    select
        indicator_code,
        org_unit_code,
        level,
        year,
        value,
        baseline_year,
        cast(baseline_value as decimal(18, 2)) as baseline_value,
        target_year,
        comparator,
        target_value,
        cast(round(cast(cagr_observed as decimal(18, 6)), 6) as decimal(18, 6)) as cagr_observed,
        cast(round(cast(cagr_required as decimal(18, 6)), 6) as decimal(18, 6)) as cagr_required,
        ratio as progress_ratio,
        progress_method,
        case
            when value is null then 'no_data'
            when comparator is null then 'no_target'
            when (value_kind in ('rate', 'per_thousand') and {{ meets_target('comparator',
                    'numerator * ' ~ value_scale('value_kind'), 'target_value * denominator',
                    'target_value_high * denominator') }})
                or (value_kind not in ('rate', 'per_thousand') and {{ meets_target('comparator',
                    'value', 'target_value', 'target_value_high') }})
                then 'achieved'
            when year <= baseline_year or required_change is null then 'no_data'
            when direction_sign * required_change <= 0 then 'deteriorating'
            when ratio >= {{ var('progress_on_track') }} then 'on_track'
            when ratio >= {{ var('progress_acceleration') }} then 'needs_acceleration'
            when ratio >= 0 then 'limited_progress'
            else 'deteriorating'
        end as progress_status,
        is_demo,
        approval_status
    from ratios

),

final as (

    select
        indicator_code,
        org_unit_code,
        level,
        year,
        value,
        baseline_year,
        baseline_value,
        target_year,
        comparator,
        target_value,
        cagr_observed,
        cagr_required,
        progress_ratio,
        progress_method,
        progress_status,
        case
            when progress_method = 'linear' and baseline_value = 0 and progress_status in
                ('on_track', 'needs_acceleration', 'limited_progress', 'deteriorating')
                then 'zero_baseline'
            when progress_status = 'no_data' and value is not null then 'no_baseline'
        end as caveat,
        is_demo,
        approval_status
    from classified

)

select * from final
{{ lookup_order(['org_unit_code', 'indicator_code', 'year']) }}
