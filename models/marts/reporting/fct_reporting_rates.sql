with

submission_status as (select * from {{ ref('fct_submission_status') }}),
org_units as (select * from {{ ref('dim_org_units') }}),

located as (

    select
        submission_status.*,
        org_units.county_code,
        org_units.city_code,
        org_units.province_code
    from submission_status
    inner join org_units on org_units.org_unit_code = submission_status.jurisdiction_code

),

{#- Each status counts for its county, city and province: three equality joins (an IN-list
    join is a nested loop, 3e11 comparisons at national scale). -#}
areas as (

    select county_code as area_code, located.* from located where county_code is not null
    union all
    select city_code as area_code, located.* from located where city_code is not null
    union all
    select province_code as area_code, located.* from located where province_code is not null

),

rolled_up as (

    select
        area.org_unit_code,
        area.level,
        areas.period,
        areas.year,
        areas.submission_type,
        areas.agency_code,
        cast(count(*) as integer) as expected_count,
        cast(sum(case when areas.received then 1 else 0 end) as integer) as received_count,
        cast(sum(case when areas.status = 'on_time' then 1 else 0 end) as integer) as on_time_count,
        cast(sum(case when areas.status = 'late' then 1 else 0 end) as integer) as late_count,
        cast(sum(case when areas.status = 'missing' then 1 else 0 end) as integer) as missing_count,
        cast(sum(case when areas.status = 'pending' then 1 else 0 end) as integer) as pending_count,
        bool_or(areas.is_demo) as is_demo
    from areas
    inner join org_units as area on area.org_unit_code = areas.area_code
    group by 1, 2, 3, 4, 5, 6

),

final as (

    select
        org_unit_code,
        level,
        period,
        year,
        submission_type,
        agency_code,
        expected_count,
        received_count,
        on_time_count,
        late_count,
        missing_count,
        pending_count,
        cast(round(cast(received_count as decimal(18, 4)) * 100
            / nullif(expected_count, 0), 2) as decimal(18, 2)) as reporting_rate,
        cast(round(cast(on_time_count as decimal(18, 4)) * 100
            / nullif(expected_count, 0), 2) as decimal(18, 2)) as on_time_rate,
        is_demo
    from rolled_up

)

select * from final
