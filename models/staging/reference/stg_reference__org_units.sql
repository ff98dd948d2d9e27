with

divisions as (

    select * from {{ source('reference', 'divisions') }}

),

committees as (

    select * from {{ source('reference', 'committees') }}

),

committee_codes as (

    select cast(trim(code) as varchar(12)) as code from committees

),

ancestor_codes as (

    -- the province and city above each committee, so every roll-up has its parents
    select left(code, 2) as code from committee_codes
    union
    select left(code, 4) from committee_codes where length(code) > 4

),

served as (

    -- NBS codes nest by prefix: a division is served when it or its province, city or county
    -- is a committee, or when it is a committee's ancestor
    select divisions.*
    from divisions
    where divisions.code in (select code from committee_codes)
        or divisions.province_code in (select code from committee_codes)
        or divisions.city_code in (select code from committee_codes)
        or divisions.county_code in (select code from committee_codes)
        or divisions.code in (select code from ancestor_codes)

),

renamed as (

    select
        cast(code as varchar(12)) as org_unit_code,
        name as org_unit_name,
        nbs_name,
        level,
        cast(level_rank as integer) as level_rank,
        cast(parent_code as varchar(12)) as parent_code,
        cast(province_code as varchar(2)) as province_code,
        cast(city_code as varchar(4)) as city_code,
        cast(county_code as varchar(6)) as county_code,
        cast(township_code as varchar(9)) as township_code,
        case when level = 'village' then cast(code as varchar(12)) end as village_code,
        division_kind,
        is_government,
        cast(vintage as integer) as vintage
    from served

)

select * from renamed
