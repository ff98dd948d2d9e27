with

staff_checks as (select * from {{ ref('stg_submissions__staff_checks') }}),
org_units as (select * from {{ ref('stg_reference__org_units') }}),
sectors as (select * from {{ ref('sectors') }}),

located as (

    select
        staff_checks.*,
        org_units.province_code,
        org_units.city_code,
        org_units.county_code,
        org_units.township_code,
        cast(null as varchar(12)) as village_code
    from staff_checks
    inner join org_units on staff_checks.org_unit_code = org_units.org_unit_code

),

rolled_up as (

    {{ rollup_hierarchy('located', ['year', 'sector'], [
        'cast(sum(new_hires) as bigint) as new_hires',
        'cast(sum(new_hires_checked) as bigint) as new_hires_checked',
        'cast(sum(staff_in_post) as bigint) as staff_in_post',
        'cast(sum(staff_checked) as bigint) as staff_checked',
    ], levels=['province', 'city', 'county', 'township']) }}

),

final as (

    select
        rolled_up.org_unit_code,
        rolled_up.level,
        rolled_up.year,
        rolled_up.sector,
        sectors.name_zh as sector_zh,
        rolled_up.new_hires,
        rolled_up.new_hires_checked,
        rolled_up.staff_in_post,
        rolled_up.staff_checked,
        cast(round(cast(rolled_up.new_hires_checked as decimal(18, 4)) * 100
            / nullif(rolled_up.new_hires, 0), 2) as decimal(18, 2)) as hire_check_rate,
        cast(round(cast(rolled_up.staff_checked as decimal(18, 4)) * 100
            / nullif(rolled_up.staff_in_post, 0), 2) as decimal(18, 2)) as annual_check_rate,
        rolled_up.is_demo
    from rolled_up
    left join sectors on rolled_up.sector = sectors.sector_code

)

select * from final
