with

source as (

    select * from {{ ref('org_units') }}

),

renamed as (

    select
        code as org_unit_code,
        name as org_unit_name,
        level,
        case level
            when 'province' then 1
            when 'city' then 2
            when 'county' then 3
            when 'township' then 4
            when 'village' then 5
        end as level_rank,
        parent_code,
        province_code,
        city_code,
        county_code,
        township_code,
        case when level = 'village' then code end as village_code
    from source

)

select * from renamed
